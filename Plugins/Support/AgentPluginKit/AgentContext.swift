// AgentContext.swift — what one run of a Swift agent sees: input fields, host services,
// artifact writing.
import AgentPluginABI
import Foundation

/// The input of one run and the host services available during it.
///
/// Valid only during the run that received it (the host table is borrowed).
public struct AgentContext: @unchecked Sendable {
    /// The agent's name.
    public let agent: String
    /// The whole input object.
    public let input: [String: Any]
    /// The host services table of this call, when the host passed one.
    let host: UnsafePointer<agent_host>?

    /// Creates a context for `input`; `host` may be nil (tests).
    public init(agent: String, input: [String: Any], host: UnsafePointer<agent_host>?) {
        self.agent = agent
        self.input = input
        self.host = host
    }

    /// The request's free campaign object (empty when absent).
    public var campaign: [String: Any] { input["campaign"] as? [String: Any] ?? [:] }
    /// Outputs of the dependencies, by agent name.
    public var inputs: [String: Any] { input["inputs"] as? [String: Any] ?? [:] }
    /// Folder for this run's files, when the host gave one.
    public var artifactsDirectory: String? { JSON.string(input["artifacts_dir"]) }
    /// Folder that relative source paths resolve against (current folder when absent).
    public var baseDirectory: String { JSON.string(input["base_dir"]) ?? FileManager.default.currentDirectoryPath }

    /// The output of dependency `name`, or nil when it is absent or failed (soft dependency).
    public func dependency(_ name: String) -> [String: Any]? {
        guard let value = inputs[name] as? [String: Any], value["error"] == nil else { return nil }
        return value
    }

    /// The error text of a failed soft dependency `name`, nil when it succeeded or is absent.
    public func dependencyError(_ name: String) -> String? {
        guard let value = inputs[name] as? [String: Any], let error = value["error"] else { return nil }
        return JSON.string(error) ?? "\(error)"
    }

    /// The first successful dependency output holding `key`, searching `agents` in order,
    /// then any dependency; nil when none has it.
    public func output(_ key: String, preferring agents: [String] = []) -> Any? {
        for name in agents {
            if let value = dependency(name)?[key] { return value }
        }
        for name in inputs.keys.sorted() {
            if let value = dependency(name)?[key] { return value }
        }
        return nil
    }

    /// Sends a log line to the host.
    public func log(_ level: Int32, _ message: String) {
        guard let host, let log = host.pointee.log else { return }
        message.withCString { log(host, level, $0) }
    }

    /// Reports progress in [0, 1].
    public func progress(_ fraction: Double, _ message: String? = nil) {
        guard let host, let progress = host.pointee.progress else { return }
        if let message {
            message.withCString { progress(host, fraction, $0) }
        } else {
            progress(host, fraction, nil)
        }
    }

    /// Throws the cancellation error when the host wants this run to stop.
    public func checkCancelled() throws {
        guard let host, let isCancelled = host.pointee.is_cancelled else { return }
        if isCancelled(host) != 0 { throw agentCancelled(agent) }
    }

    /// Writes `text` as `name` under the artifacts folder (created when missing).
    ///
    /// - Returns: `[name]` when written, `[]` when the host gave no artifacts folder.
    /// - Throws: an agent error naming the file when it cannot be written.
    @discardableResult
    public func writeArtifact(_ name: String, _ text: String) throws -> [String] {
        guard let folder = artifactsDirectory else { return [] }
        let path = (folder as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw agentError("\(agent): cannot write artifact \(path): \(error.localizedDescription)")
        }
        return [name]
    }

    /// Resolves a source path from the campaign against `base_dir`.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
    }
}
