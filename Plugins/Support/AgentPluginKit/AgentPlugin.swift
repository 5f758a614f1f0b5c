// AgentPlugin.swift — turns a Swift closure into an agent-v1 plugin (agent_plugin.h).
//
// Implementation notes: a plugin file creates one `AgentPlugin` per agent in a global
// `let` (initialised once, thread-safely) and returns `plugin.entry(hostMajor:)` from its
// `@_cdecl` entry function. The C function pointers in the descriptor cannot capture, so
// each plugin takes one of `AgentPlugin.maxPerLibrary` slots; its `init` stores the slot
// number as the plugin state and `run` finds the closure through it. This file declares
// no protocol conformances on its own types: every plugin .so carries its own copy of this
// module and they are loaded RTLD_LOCAL.
import AgentPluginABI
import Foundation

/// The body of an agent: receives the run's context, returns the output JSON object.
public typealias AgentBody = @Sendable (AgentContext) throws -> [String: Any]

/// One agent exposed through the C ABI; create it once, in a global `let`.
public final class AgentPlugin: @unchecked Sendable {
    /// How many agents one library may define (each needs its own entry symbol).
    public static let maxPerLibrary = 4

    /// The agent's name, as in its manifest.
    public let name: String
    /// The static descriptor handed to the host.
    private let descriptor: UnsafeMutablePointer<agent_plugin_descriptor>

    /// Registers `body` as the agent `name` in `slot` (0 ..< maxPerLibrary, unique per library).
    public init(slot: Int, name: String, version: String, description: String, body: @escaping AgentBody) {
        precondition(slot >= 0 && slot < AgentPlugin.maxPerLibrary, "AgentPlugin slot \(slot) out of range")
        self.name = name
        AgentPluginSlots.store(slot: slot, body: body, name: name)
        let d = UnsafeMutablePointer<agent_plugin_descriptor>.allocate(capacity: 1)
        d.initialize(to: agent_plugin_descriptor())
        d.pointee.abi_major = UInt32(AGENT_ABI_VERSION_MAJOR)
        d.pointee.abi_minor = UInt32(AGENT_ABI_VERSION_MINOR)
        d.pointee.struct_size = UInt32(MemoryLayout<agent_plugin_descriptor>.size)
        d.pointee.name = UnsafePointer(strdup(name))
        d.pointee.version = UnsafePointer(strdup(version))
        d.pointee.description = UnsafePointer(strdup(description))
        d.pointee.`init` = AgentPluginSlots.initFunctions[slot]
        d.pointee.run = agentPluginKitRun
        d.pointee.free_output = agentPluginKitFreeOutput
        d.pointee.shutdown = nil
        descriptor = d
    }

    /// The descriptor for a host speaking ABI `hostMajor`, or nil for another major version.
    public func entry(hostMajor: UInt32) -> UnsafePointer<agent_plugin_descriptor>? {
        hostMajor == UInt32(AGENT_ABI_VERSION_MAJOR) ? UnsafePointer(descriptor) : nil
    }
}

// MARK: - Errors

/// Error domain of failures raised by agent bodies.
public let agentErrorDomain = "AgentPluginKit"

/// A failure to report as AGENT_STATUS_ERROR, or AGENT_STATUS_RETRYABLE when `retryable`.
///
/// Built on NSError so this module declares no Error conformance of its own.
public func agentError(_ message: String, retryable: Bool = false) -> Error {
    NSError(
        domain: agentErrorDomain, code: Int(retryable ? AGENT_STATUS_RETRYABLE : AGENT_STATUS_ERROR),
        userInfo: [NSLocalizedDescriptionKey: message])
}

/// The failure a body throws when the host asked it to stop.
public func agentCancelled(_ agent: String) -> Error {
    NSError(
        domain: agentErrorDomain, code: Int(AGENT_STATUS_CANCELLED),
        userInfo: [NSLocalizedDescriptionKey: "\(agent): cancelled by the host"])
}

// MARK: - Slots and C entry points

/// Bodies of the agents of this library, by slot.
enum AgentPluginSlots {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var bodies: [AgentBody?] = Array(repeating: nil, count: AgentPlugin.maxPerLibrary)
    nonisolated(unsafe) private static var names: [String] = Array(repeating: "agent", count: AgentPlugin.maxPerLibrary)

    static func store(slot: Int, body: @escaping AgentBody, name: String) {
        lock.lock()
        defer { lock.unlock() }
        bodies[slot] = body
        names[slot] = name
    }

    static func lookup(slot: Int) -> (AgentBody?, String) {
        lock.lock()
        defer { lock.unlock() }
        guard slot >= 0 && slot < bodies.count else { return (nil, "agent") }
        return (bodies[slot], names[slot])
    }

    /// One `init` per slot: records the slot number as the plugin state.
    static let initFunctions: [agent_init_fn] = [
        { _, _, _, state in state?.pointee = UnsafeMutableRawPointer(bitPattern: 1); return AGENT_STATUS_OK },
        { _, _, _, state in state?.pointee = UnsafeMutableRawPointer(bitPattern: 2); return AGENT_STATUS_OK },
        { _, _, _, state in state?.pointee = UnsafeMutableRawPointer(bitPattern: 3); return AGENT_STATUS_OK },
        { _, _, _, state in state?.pointee = UnsafeMutableRawPointer(bitPattern: 4); return AGENT_STATUS_OK },
    ]
}

/// `run` of every Swift agent: decodes the input, calls the body, encodes its output.
private let agentPluginKitRun: agent_run_fn = { state, host, json, length, output in
    // A host that skipped `init` gets the library's first agent.
    let slot = state.map { Int(bitPattern: $0) - 1 } ?? 0
    let (body, name) = AgentPluginSlots.lookup(slot: slot)
    guard let output else { return AGENT_STATUS_ERROR }
    guard let body else {
        setOutput(output, text: "no agent registered in slot \(slot) of this library")
        return AGENT_STATUS_ERROR
    }
    let data = json.map { Data(bytes: $0, count: length) } ?? Data()
    guard let object = try? JSONSerialization.jsonObject(with: data), let input = object as? [String: Any] else {
        setOutput(output, text: "\(name): input is not a JSON object")
        return AGENT_STATUS_ERROR
    }
    do {
        let context = AgentContext(agent: name, input: input, host: host)
        var result = try body(context)
        let degraded = context.degradations(adding: result)
        if !degraded.isEmpty { result["worked_without"] = degraded }
        guard JSONSerialization.isValidJSONObject(result) else {
            setOutput(output, text: "\(name): produced an output that is not valid JSON")
            return AGENT_STATUS_ERROR
        }
        let encoded = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .withoutEscapingSlashes])
        setOutput(output, bytes: encoded)
        return AGENT_STATUS_OK
    } catch {
        let ns = error as NSError
        let message = ns.userInfo[NSLocalizedDescriptionKey] as? String ?? "\(name): \(error)"
        setOutput(output, text: message)
        if ns.domain == agentErrorDomain, let status = Int32(exactly: ns.code) { return status }
        return AGENT_STATUS_ERROR
    }
}

/// `free_output` of every Swift agent: releases the malloc'd bytes.
private let agentPluginKitFreeOutput: agent_free_output_fn = { _, output in
    guard let output else { return }
    free(output.pointee.plugin_data)
    output.pointee.plugin_data = nil
    output.pointee.data = nil
    output.pointee.length = 0
}

private func setOutput(_ output: UnsafeMutablePointer<agent_output>, text: String) {
    setOutput(output, bytes: Data(text.utf8))
}

private func setOutput(_ output: UnsafeMutablePointer<agent_output>, bytes: Data) {
    let buffer = malloc(max(bytes.count, 1))!
    bytes.withUnsafeBytes { raw in
        if let base = raw.baseAddress { memcpy(buffer, base, bytes.count) }
    }
    output.pointee.plugin_data = buffer
    output.pointee.data = UnsafePointer(buffer.assumingMemoryBound(to: CChar.self))
    output.pointee.length = bytes.count
}
