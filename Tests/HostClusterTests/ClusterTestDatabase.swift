import AgentCatalog
import AgentRuntime
import Foundation
import HostCluster
import Logging
import TestSupport
import WorkflowExecution

/// One PostgreSQL server (TestSupport) for the test process, a fresh database per test.
enum ClusterTestDatabase {
    static let server: Result<PostgresServer, any Error> = Result { try PostgresServer() }

    static let logger = Logger(label: "cluster-tests")

    /// A new, migrated database; `url` is its connection URL.
    static func fresh() throws -> (database: ClusterDatabase, url: String, server: PostgresServer) {
        let server = try server.get()
        let name = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try server.createDatabase(name)
        let url = server.url(host: "127.0.0.1", database: name)
        return (try ClusterDatabase(url: ClusterURL(url), logger: logger), url, server)
    }
}

/// Blocks on an async queue call (the tests run on Swift Testing's threads, like the CLI's).
func sync<T: Sendable>(_ database: ClusterDatabase, _ body: @escaping @Sendable (AttemptQueue) async throws -> T) throws -> T {
    try database.run(seconds: 30, body)
}

/// A queued attempt of `agent` with plugin `sha`.
func queued(_ workflow: String, _ agent: String, attempt: Int = 1, sha: String, priority: Double) -> QueuedAttempt {
    QueuedAttempt(
        key: AttemptKey(workflowId: workflow, agent: agent, attempt: attempt), agentVersion: "1.0.0", pluginSha256: sha,
        priority: priority, input: Array(#"{"agent":"\#(agent)"}"#.utf8))
}

/// Registers node `name` for `agents` (agent -> sha).
func register(_ database: ClusterDatabase, _ name: String, _ agents: [String: String], now: Double? = nil) throws {
    let registrations = agents.sorted { $0.key < $1.key }.map {
        AgentRegistration(agent: $0.key, version: "1.0.0", pluginSha256: $0.value)
    }
    try sync(database) { queue in
        try await queue.register(node: name, slots: 4, leaseSeconds: 3, pid: 1, agents: registrations, now: now)
    }
}

/// A call context that keeps the log lines.
final class RecordingContext: AgentCallContext, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func log(_ level: AgentLogLevel, _ message: String) { lock.withLock { lines.append(message) } }
    func progress(_ fraction: Double, _ message: String?) {}
    var isCancelled: Bool { false }
    var logged: [String] { lock.withLock { lines } }
}

/// A request for attempt `attempt` of `agent` in `workflow`.
func attemptRequest(
    _ workflow: String, _ agent: String, attempt: Int, context: RecordingContext = RecordingContext(),
    cancellation: AttemptCancellation = AttemptCancellation()
) -> AttemptRequest {
    var request = AttemptRequest(
        manifest: Manifest(name: agent, library: "libTestExecAgent.so"), input: ["agent": .string(agent)],
        attempt: attempt, timeoutSeconds: 600, deadline: .infinity, cancellationGrace: 1, context: context,
        cancellation: cancellation)
    request.workflowId = workflow
    request.priority = 1
    return request
}

/// Runs `runner.runAttempt(request)` on its own thread (as the executor does).
final class BackgroundAttempt: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: AttemptResult?

    init(_ runner: RemoteAgentRunner, _ request: AttemptRequest) {
        Thread { [self] in
            result = runner.runAttempt(request)
            done.signal()
        }.start()
    }

    /// The result; nil when it has not ended within `seconds` (a failure of the test, not a decision).
    func wait(seconds: Double = 30) -> AttemptResult? {
        done.wait(timeout: .now() + seconds) == .success ? result : nil
    }
}

/// Polls `condition` until it holds or `seconds` pass; waits for an effect, decides nothing.
func eventually(seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}
