import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import TestSupport
import Testing

/// A manifest whose file lies in `folder` (default: a fresh temporary folder).
func manifest(
    _ name: String, library: String, in folder: String? = nil, parallelSafe: Bool = true,
    sha256: String? = nil, config: JSONValue = .null, kind: Manifest.Kind = .agentV1
) throws -> Manifest {
    let folder = try folder ?? makeTemporaryFolder()
    return Manifest(
        name: name, library: library, kind: kind, parallelSafe: parallelSafe, sha256: sha256, config: config,
        source: ManifestSource(file: folder + "/\(name).json", order: 0))
}

/// A runtime that finds libraries in `pluginFolders`, then the build folder.
func makeRuntime(pluginFolders: [String] = []) -> AgentRuntime {
    AgentRuntime(
        searchPaths: PluginSearchPaths(pluginFolders: pluginFolders, executableFolder: buildFolder),
        logger: Logger(label: "AgentRuntimeTests"))
}

/// Copies a built test plugin into `folder` (a private copy: its static counters are its own).
@discardableResult
func copyPlugin(_ fileName: String, into folder: String, as newName: String? = nil) throws -> String {
    let target = folder + "/" + (newName ?? fileName)
    try FileManager.default.copyItem(atPath: buildFolder + "/" + fileName, toPath: target)
    chmod(target, 0o755)
    return target
}

/// The error `body` throws, failing the test when it throws none.
func loadError(_ body: () throws(AgentRuntimeError) -> Void) -> AgentRuntimeError? {
    do {
        try body()
        Issue.record("expected an AgentRuntimeError, got none")
        return nil
    } catch {
        return error
    }
}

/// A call context that records what the plugin reported. `@unchecked Sendable`: guarded by `lock`.
final class RecordingContext: AgentCallContext, @unchecked Sendable {
    private let lock = NSLock()
    private var logLines: [(AgentLogLevel, String)] = []
    private var progressReports: [(Double, String?)] = []
    private var cancelled: Bool

    init(cancelled: Bool = false) { self.cancelled = cancelled }

    var logs: [(AgentLogLevel, String)] { lock.withLock { logLines } }
    var progressed: [(Double, String?)] { lock.withLock { progressReports } }
    func cancel() { lock.withLock { cancelled = true } }

    func log(_ level: AgentLogLevel, _ message: String) { lock.withLock { logLines.append((level, message)) } }
    func progress(_ fraction: Double, _ message: String?) {
        lock.withLock { progressReports.append((fraction, message)) }
    }
    var isCancelled: Bool { lock.withLock { cancelled } }
}
