import AgentCatalog
import AgentPluginABI
import Foundation
import Logging

// Implementation notes
// Loading follows the header's order: dlopen (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE, see
// shared/MACHINE-NOTES.md: RTLD_LOCAL keeps plugins' symbols apart, NODELETE keeps a Swift
// plugin mapped), dlsym of the entry, entry(1, 0), then the descriptor's header is read
// before anything else: the ABI version first (a plugin of another major may lay out the rest
// differently), then struct_size. Only the first min(struct_size, sizeof) bytes are copied,
// so a plugin built against an older 1.x header is read without touching its tail.

/// A loaded, initialized agent-v1 plugin: the functions to call and its state.
///
/// `@unchecked Sendable`: the function pointers come from the plugin's static descriptor and
/// never change; `state` belongs to the plugin, which the ABI makes responsible for
/// concurrent `run` calls when the manifest says `parallel_safe`, and `LoadedAgent` never
/// overlaps calls otherwise.
struct AgentV1Plugin: @unchecked Sendable {
    let agent: String
    let version: String
    let state: UnsafeMutableRawPointer?
    let runFunction: agent_run_fn
    let freeOutputFunction: agent_free_output_fn
    let shutdownFunction: agent_shutdown_fn?

    /// The smallest descriptor an ABI 1.0 host accepts (`AGENT_PLUGIN_DESCRIPTOR_MIN_SIZE`).
    static let minimumDescriptorSize =
        MemoryLayout<agent_plugin_descriptor>.offset(of: \agent_plugin_descriptor.shutdown)!
        + MemoryLayout<agent_shutdown_fn?>.size

    /// Checks that `library`'s descriptor serves `manifest` (its name equals the manifest's, or
    /// is `AGENT_PLUGIN_ANY_NAME`) and runs the plugin's `init` with the manifest's `config`:
    /// each manifest gets its own state, even when many share one library and entry.
    static func instantiate(
        _ library: AgentV1Library, for manifest: Manifest, logger: Logger
    ) throws(AgentRuntimeError) -> AgentV1Plugin {
        let agent = manifest.name
        let path = library.path
        guard library.name == agent || library.servesAnyName else {
            throw AgentRuntimeError(
                .nameMismatch, agent: agent,
                "'\(path)': the descriptor its entry '\(manifest.entry)' returns is named "
                    + (library.name.map { "'\($0)'" } ?? "NULL") + ", but the manifest \(manifest.source.file) names the agent '\(agent)'; "
                    + "they must be equal. One library serves several agents through one entry symbol per agent "
                    + "(export another entry function whose descriptor is named '\(agent)' and name it in this "
                    + "manifest's `entry`), or through one descriptor named \"*\" (AGENT_PLUGIN_ANY_NAME) that "
                    + "reads the agent's name from its input (docs/PLUGIN_ABI.md); or correct the manifest's `name`")
        }
        var state: UnsafeMutableRawPointer?
        if let initFunction = library.initFunction {
            var config = manifest.config.compactBytes
            let length = config.count
            config.append(0)
            let box = HostCallBox(agent: agent, context: nil, logger: logger)
            let status = box.withHostTable { host in
                config.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { initFunction(host, $0.baseAddress, length, &state) }
                }
            }
            guard status == AGENT_STATUS_OK else {
                throw AgentRuntimeError(
                    .initFailed, agent: agent,
                    "'\(path)': init returned status \(status)"
                        + (box.lastError.map { ": \($0)" } ?? " without logging a reason"))
            }
        }
        return AgentV1Plugin(
            agent: agent, version: library.version, state: state, runFunction: library.runFunction,
            freeOutputFunction: library.freeOutputFunction, shutdownFunction: library.shutdownFunction)
    }

    /// Calls `run` once, copies the output, releases it through `free_output` and reads it.
    func run(input: JSONValue, box: HostCallBox) -> AgentCallOutcome {
        run(inputBytes: input.compactBytes, box: box)
    }

    /// Calls `run` once with the compact JSON of the input; see `run(input:box:)`.
    func run(inputBytes: [UInt8], box: HostCallBox) -> AgentCallOutcome {
        var bytes = inputBytes
        let length = bytes.count
        bytes.append(0)  // a courtesy NUL after the last byte; `input_length` excludes it
        var output = agent_output()
        output.abi_major = UInt32(AGENT_ABI_VERSION_MAJOR)
        output.abi_minor = UInt32(AGENT_ABI_VERSION_MINOR)
        output.struct_size = UInt32(MemoryLayout<agent_output>.size)
        let status = box.withHostTable { host in
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { runFunction(state, host, $0.baseAddress, length, &output) }
            }
        }
        let outcome: AgentCallOutcome
        if output.data != nil, output.length > AgentRuntime.maximumOutputBytes {
            outcome = .failed(
                message: AgentRuntimeError.outputTooLarge(agent: agent, size: output.length).description, retryable: false)
        } else if status == AGENT_STATUS_OK, let pointer = output.data, output.length > 0 {
            // The usual case: parse the plugin's bytes where they are, before free_output.
            let buffer = UnsafeBufferPointer(
                start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: output.length)
            outcome = Self.outcome(ok: buffer, agent: agent)
        } else {
            var data: [UInt8] = []
            if let pointer = output.data, output.length > 0 {
                data = Array(UnsafeRawBufferPointer(start: pointer, count: output.length))
            }
            outcome = Self.outcome(status: status, data: data, agent: agent)
        }
        if output.data != nil || output.plugin_data != nil { freeOutputFunction(state, &output) }
        return outcome
    }

    /// The outcome of status OK with non-empty output `bytes`: the object, or why it is refused.
    static func outcome(ok bytes: UnsafeBufferPointer<UInt8>, agent: String) -> AgentCallOutcome {
        let value: JSONValue
        do {
            value = try JSONValue(parsingUTF8: bytes)
        } catch {
            return .failed(message: malformed(agent, "returned malformed JSON: \(error)"), retryable: false)
        }
        guard case .object(let object) = value else {
            return .failed(
                message: malformed(agent, "returned \(jsonKind(value)), expected an object"), retryable: false)
        }
        return .succeeded(object)
    }

    /// Calls `shutdown`, if the plugin has one.
    func shutdown() {
        shutdownFunction?(state)
    }

    static func outcome(status: agent_status, data: [UInt8], agent: String) -> AgentCallOutcome {
        let text = data.isEmpty ? nil : String(decoding: data, as: UTF8.self)
        switch status {
        case AGENT_STATUS_OK:
            guard !data.isEmpty else {
                return .failed(message: malformed(agent, "returned status OK with no output, expected a JSON object"),
                               retryable: false)
            }
            return data.withUnsafeBufferPointer { outcome(ok: $0, agent: agent) }
        case AGENT_STATUS_ERROR:
            return .failed(message: text ?? "agent '\(agent)' failed without a message", retryable: false)
        case AGENT_STATUS_RETRYABLE:
            return .failed(message: text ?? "agent '\(agent)' failed (retryable) without a message", retryable: true)
        case AGENT_STATUS_CANCELLED:
            return .cancelled(message: text)
        default:
            return .failed(
                message: "agent '\(agent)' returned unknown status \(status); expected 0 (ok), 1 (error), "
                    + "2 (retryable) or 3 (cancelled)" + (text.map { ": \($0)" } ?? ""),
                retryable: false)
        }
    }

    private static func jsonKind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "JSON null"
        case .bool: return "a JSON boolean"
        case .integer, .number: return "a JSON number"
        case .string: return "a JSON string"
        case .array: return "a JSON array"
        case .object: return "a JSON object"
        }
    }

    private static func malformed(_ agent: String, _ message: String) -> String {
        AgentRuntimeError(.malformedOutput, agent: agent, message).description
    }
}

/// An opened agent-v1 library's entry, called and checked: the descriptor's functions, name
/// and version. The same for every manifest naming this library and entry, so the runtime
/// opens each (library, entry) pair once per process (docs/PLUGIN_ABI.md: the entry is
/// called "once per process per library").
///
/// `@unchecked Sendable`: everything here comes from the plugin's static descriptor, which
/// never changes while the library is loaded (and it is never unloaded).
struct AgentV1Library: @unchecked Sendable {
    let path: String
    /// The descriptor's name; nil when it is NULL.
    let name: String?
    let version: String
    let initFunction: agent_init_fn?
    let runFunction: agent_run_fn
    let freeOutputFunction: agent_free_output_fn
    let shutdownFunction: agent_shutdown_fn?

    /// Whether the descriptor serves any manifest name (`AGENT_PLUGIN_ANY_NAME`).
    var servesAnyName: Bool { name == AgentV1Library.anyName }

    /// `AGENT_PLUGIN_ANY_NAME`.
    static let anyName = "*"

    /// dlopens `path`, looks up `manifest.entry`, calls it and checks the descriptor's ABI
    /// version, size and required functions; errors name `manifest`'s agent.
    static func open(path: String, manifest: Manifest) throws(AgentRuntimeError) -> AgentV1Library {
        let agent = manifest.name
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw AgentRuntimeError(
                .notLoadable, agent: agent, "'\(path)' is not a loadable library: \(lastDynamicLinkerError())")
        }
        _ = dlerror()
        guard let symbol = dlsym(handle, manifest.entry) else {
            throw AgentRuntimeError(
                .entryMissing, agent: agent,
                "'\(path)' does not export the entry symbol '\(manifest.entry)' (\(lastDynamicLinkerError())); "
                    + "a plugin defines it with AGENT_PLUGIN_DEFINE or @_cdecl(\"\(manifest.entry)\")")
        }
        let entry = unsafeBitCast(symbol, to: agent_plugin_entry_fn.self)
        guard let raw = entry(UInt32(AGENT_ABI_VERSION_MAJOR), UInt32(AGENT_ABI_VERSION_MINOR)) else {
            throw AgentRuntimeError(
                .pluginDeclined, agent: agent,
                "'\(path)': \(manifest.entry)(\(AGENT_ABI_VERSION_MAJOR), \(AGENT_ABI_VERSION_MINOR)) returned NULL: "
                    + "the plugin cannot serve a host speaking ABI "
                    + "\(AGENT_ABI_VERSION_MAJOR).\(AGENT_ABI_VERSION_MINOR)")
        }
        let bytes = UnsafeRawPointer(raw)
        let major = bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        let minor = bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        let size = Int(bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let hostMajor = UInt32(AGENT_ABI_VERSION_MAJOR)
        let hostMinor = UInt32(AGENT_ABI_VERSION_MINOR)
        guard major == hostMajor, minor <= hostMinor else {
            throw AgentRuntimeError(
                .abiUnsupported, agent: agent,
                "'\(path)': plugin speaks ABI \(major).\(minor), this host speaks \(hostMajor).\(hostMinor): "
                    + "major versions must match and the plugin's minor may not be above the host's")
        }
        guard size >= AgentV1Plugin.minimumDescriptorSize else {
            throw AgentRuntimeError(
                .descriptorTooSmall, agent: agent,
                "'\(path)': descriptor struct_size is \(size) bytes, an ABI 1.0 descriptor needs at least "
                    + "\(AgentV1Plugin.minimumDescriptorSize) (through `shutdown`)")
        }
        var descriptor = agent_plugin_descriptor()
        withUnsafeMutableBytes(of: &descriptor) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: min(size, target.count)))
        }
        guard let run = descriptor.run, let freeOutput = descriptor.free_output else {
            let missing = [descriptor.run == nil ? "run" : nil, descriptor.free_output == nil ? "free_output" : nil]
                .compactMap { $0 }.joined(separator: " and ")
            throw AgentRuntimeError(
                .missingFunction, agent: agent,
                "'\(path)': descriptor has no \(missing) function; both `run` and `free_output` are required")
        }
        return AgentV1Library(
            path: path, name: descriptor.name.map { String(cString: $0) },
            version: descriptor.version.map { String(cString: $0) } ?? "", initFunction: descriptor.`init`,
            runFunction: run, freeOutputFunction: freeOutput, shutdownFunction: descriptor.shutdown)
    }
}

private func lastDynamicLinkerError() -> String {
    guard let message = dlerror() else { return "no error text from the dynamic linker" }
    return String(cString: message)
}
