import AgentCatalog

/// Where the executor writes what happens, so that nothing is lost when the host dies.
///
/// The executor calls `record` from its own threads, in sequence order, and waits for it
/// to return before acting on what it recorded: an `agent.completed` event (which carries
/// the output in `data["output"]`) is recorded before any dependent of that agent starts.
/// Implementations: the SQLite store (WorkflowStore) and `InMemoryRecorder` for tests.
public protocol WorkflowRecorder: Sendable {
    /// Makes `events` durable, in order, as one unit (all or none).
    /// - Throws: when they could not be recorded; the executor then fails the workflow
    ///   rather than run on with state it cannot keep.
    func record(_ events: [WorkflowEvent]) throws

    /// The heartbeat: the host running `workflowId` is alive at `timestamp`.
    func heartbeat(workflowId: String, timestamp: Double) throws
}

/// What a resumed workflow already has: the outputs committed before the host stopped.
public struct ResumeState: Sendable {
    /// Output of every agent whose `agent.completed` was recorded, by agent name.
    public var completedOutputs: [String: JSONObject]
    /// Agents recorded as finally failed or skipped, with their reason.
    public var settled: [String: String]
    /// Attempts already made per agent (a resumed attempt continues the count).
    public var attempts: [String: Int]
    /// The last recorded sequence number; new events continue after it.
    public var lastSequence: Int64

    public init(
        completedOutputs: [String: JSONObject] = [:], settled: [String: String] = [:],
        attempts: [String: Int] = [:], lastSequence: Int64 = 0
    ) {
        self.completedOutputs = completedOutputs
        self.settled = settled
        self.attempts = attempts
        self.lastSequence = lastSequence
    }
}
