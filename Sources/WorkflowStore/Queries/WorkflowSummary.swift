import AgentCatalog
import WorkflowEvents

/// One line of `agenthost history`: a stored workflow at a glance.
public struct WorkflowSummary: Sendable, Hashable {
    /// The workflow's id.
    public var id: String
    /// Where it stands; `.interrupted` when it was running or paused and its heartbeat is stale.
    public var state: WorkflowStatus.State
    /// `campaign.title` of its request, when given.
    public var title: String?
    /// The file its request came from, when known.
    public var requestFile: String?
    /// When it was stored (seconds since 1970).
    public var createdAt: Double
    /// When it first started.
    public var startedAt: Double?
    /// When it ended.
    public var finishedAt: Double?
    /// Share of its agents in a final state, 0 to 100.
    public var progressPercentage: Double
    /// Number of planned agents.
    public var agentCount: Int
    /// Agents completed, failed, skipped.
    public var completed: Int, failed: Int, skipped: Int
    /// The last heartbeat of its host.
    public var heartbeatAt: Double?

    /// `{id, state, title, created_at, started_at, finished_at, progress_percentage, counts}`.
    public var json: JSONValue {
        var object: JSONObject = ["id": .string(id), "state": .string(state.rawValue)]
        if let title { object["title"] = .string(title) }
        if let requestFile { object["request_file"] = .string(requestFile) }
        object["created_at"] = .number(createdAt)
        if let startedAt { object["started_at"] = .number(startedAt) }
        if let finishedAt { object["finished_at"] = .number(finishedAt) }
        object["progress_percentage"] = .number(progressPercentage)
        object["counts"] = [
            "total": .integer(Int64(agentCount)), "completed": .integer(Int64(completed)),
            "failed": .integer(Int64(failed)), "skipped": .integer(Int64(skipped)),
        ]
        if let heartbeatAt { object["heartbeat_at"] = .number(heartbeatAt) }
        return .object(object)
    }
}

/// One attempt of one agent, as stored in `agent_runs`.
public struct AgentRun: Sendable, Hashable {
    /// How an attempt ended.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Still running (or the host died and no resume has closed it yet).
        case running
        /// Produced its output.
        case completed
        /// Returned an error, crashed or timed out.
        case failed
        /// Cut short: the host stopped or the workflow ended while it ran.
        case interrupted
    }

    /// The agent's name.
    public var agent: String
    /// 1-based attempt number.
    public var attempt: Int
    /// How the attempt ended.
    public var status: Status
    /// When it started (seconds since 1970).
    public var startedAt: Double
    /// When it ended.
    public var finishedAt: Double?
    /// How long it ran.
    public var durationSeconds: Double?
    /// The error message, for failed or interrupted attempts.
    public var error: String?
    /// Whether the failure was retryable; whether it timed out; the signal that killed its worker.
    public var retryable: Bool?, timedOut: Bool?, signal: Int?
    /// The pid of the worker process that ran it (process isolation).
    public var workerPid: Int?

    /// The run as a JSON object with snake_case keys.
    public var json: JSONValue {
        var object: JSONObject = [
            "agent": .string(agent), "attempt": .integer(Int64(attempt)), "status": .string(status.rawValue),
            "started_at": .number(startedAt),
        ]
        if let finishedAt { object["finished_at"] = .number(finishedAt) }
        if let durationSeconds { object["duration_seconds"] = .number(durationSeconds) }
        if let error { object["error"] = .string(error) }
        if let retryable { object["retryable"] = .bool(retryable) }
        if let timedOut { object["timed_out"] = .bool(timedOut) }
        if let signal { object["signal"] = .integer(Int64(signal)) }
        if let workerPid { object["worker_pid"] = .integer(Int64(workerPid)) }
        return .object(object)
    }
}
