// PluginHarness.swift — a test-only loader for the sample plugins: dlopen the .so from the
// folder of the running test binary, negotiate ABI 1.0, init, run, free_output.
import AgentPluginABI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of one plugin run.
struct PluginResult {
    /// AGENT_STATUS_* of the run.
    var status: Int32
    /// The bytes the plugin returned (JSON on success, a message otherwise).
    var bytes: Data
    /// The bytes as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }
    /// The output decoded as a JSON object, or nil.
    var object: [String: Any]? { (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] }
}

/// One loaded agent: its descriptor and initialised state.
final class LoadedAgent: @unchecked Sendable {
    let descriptor: UnsafePointer<agent_plugin_descriptor>
    private var state: UnsafeMutableRawPointer?
    private var host = agent_host()

    /// Loads `library` from the build folder and calls `entry` then `init`.
    /// When `cancelled`, the host's `is_cancelled` always answers yes.
    init(library: String, entry: String = "agent_plugin_entry", cancelled: Bool = false) throws {
        let path = LoadedAgent.buildFolder() + "/" + library
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw HarnessError("dlopen \(path): \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(handle, entry) else { throw HarnessError("\(library) has no symbol \(entry)") }
        let entryFunction = unsafeBitCast(symbol, to: agent_plugin_entry_fn.self)
        guard let descriptor = entryFunction(UInt32(AGENT_ABI_VERSION_MAJOR), UInt32(AGENT_ABI_VERSION_MINOR)) else {
            throw HarnessError("\(library): entry \(entry) returned NULL for ABI 1.0")
        }
        self.descriptor = descriptor
        host.abi_major = UInt32(AGENT_ABI_VERSION_MAJOR)
        host.abi_minor = UInt32(AGENT_ABI_VERSION_MINOR)
        host.struct_size = UInt32(MemoryLayout<agent_host>.size)
        host.log = { _, _, _ in }
        host.progress = { _, _, _ in }
        if cancelled {
            host.is_cancelled = { _ in 1 }
        } else {
            host.is_cancelled = { _ in 0 }
        }
        if let initFunction = descriptor.pointee.`init` {
            let config = "null"
            let status = withUnsafePointer(to: &host) { h in
                config.withCString { initFunction(h, $0, 4, &state) }
            }
            guard status == AGENT_STATUS_OK else { throw HarnessError("\(library): init returned \(status)") }
        }
    }

    /// The agent's name from its descriptor.
    var name: String { String(cString: descriptor.pointee.name) }

    /// Runs the agent once on `input` (a JSON object) and frees the output.
    func run(_ input: [String: Any]) throws -> PluginResult {
        let data = try JSONSerialization.data(withJSONObject: input, options: [.sortedKeys])
        return run(json: data)
    }

    /// Runs the agent once on raw bytes.
    func run(json data: Data) -> PluginResult {
        var output = agent_output()
        output.abi_major = UInt32(AGENT_ABI_VERSION_MAJOR)
        output.abi_minor = UInt32(AGENT_ABI_VERSION_MINOR)
        output.struct_size = UInt32(MemoryLayout<agent_output>.size)
        let status = withUnsafePointer(to: &host) { h in
            data.withUnsafeBytes { raw in
                descriptor.pointee.run(state, h, raw.baseAddress?.assumingMemoryBound(to: CChar.self), data.count, &output)
            }
        }
        let bytes = output.data.map { Data(bytes: $0, count: output.length) } ?? Data()
        if output.data != nil || output.plugin_data != nil { descriptor.pointee.free_output(state, &output) }
        return PluginResult(status: status, bytes: bytes)
    }

    /// Folder of the running test binary, where SwiftPM puts the plugin libraries.
    static func buildFolder() -> String {
        var url = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "")
        url.deleteLastPathComponent()
        // With an .xctest bundle folder, the libraries sit beside the bundle.
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("libPlannerAgent.so").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }
}

/// A harness failure with its reason.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
