import AgentCatalog
import Foundation
import GRDB
import WorkflowEvents

/// Writes one workflow's events and the rows derived from them, inside the caller's
/// transaction, through cached prepared statements with bound values.
struct EventWriter {
    let db: Database
    let workflowId: String

    /// Appends the event to the log. The output of `agent.completed` is kept once, in its
    /// `agent_runs` row; reading the log puts it back into `data.output`. `live` (the
    /// workflow's live counters, see `liveColumn`) goes on the last event of a `record` call.
    func append(_ event: WorkflowEvent, live: String? = nil) throws {
        var data = event.data
        if event.type == .agentCompleted, var object = data?.objectValue, object["output"] != nil {
            object.removeValue(forKey: "output")
            data = .object(object)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO workflow_events (workflow_id, sequence, type, agent, attempt, timestamp, progress,
                    message, data, live) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run(
            .text(workflowId), .integer(event.sequence), .text(event.type.rawValue), SQLValue(event.agent),
            SQLValue(event.attempt), .real(event.timestamp), SQLValue(event.progress), SQLValue(event.message),
            SQLValue(data?.compactText), SQLValue(live))
    }

    /// Updates `agent_runs` (with the output of a completion) and `workflows` for the event.
    func derive(_ event: WorkflowEvent, attempt: Int, resumed: Bool) throws {
        let time = event.timestamp
        switch event.type {
        case .workflowStarted:
            if resumed { try closeRunningAttempts(at: time, reason: "the host stopped before this attempt ended") }
            try db.cachedStatement(
                sql: "UPDATE workflows SET started_at = coalesce(started_at, ?), finished_at = NULL WHERE id = ?"
            ).execute(arguments: [time, workflowId])
        case .agentStarted:
            guard let agent = event.agent else { return }
            try db.cachedStatement(
                sql: """
                    INSERT INTO agent_runs (workflow_id, agent, attempt, status, started_at, worker_pid,
                        agent_version, agent_identity)
                    VALUES (?, ?, ?, 'running', ?, ?, ?, ?)
                    ON CONFLICT (workflow_id, agent, attempt) DO UPDATE SET status = 'running',
                        started_at = excluded.started_at, finished_at = NULL, duration_seconds = NULL, error = NULL,
                        worker_pid = excluded.worker_pid, agent_version = excluded.agent_version,
                        agent_identity = excluded.agent_identity
                    """
            ).run(
                .text(workflowId), .text(agent), SQLValue(attempt), .real(time),
                SQLValue(event.data?["worker_pid"]?.integerValue), SQLValue(event.data?["agent_version"]?.stringValue),
                SQLValue(event.data?["agent_identity"]?.stringValue))
        case .agentCompleted:
            guard let agent = event.agent else { return }
            try complete(agent, attempt: attempt, event: event)
        case .agentFailed:
            guard let agent = event.agent else { return }
            let data = event.data
            try db.cachedStatement(
                sql: """
                    INSERT INTO agent_runs (workflow_id, agent, attempt, status, started_at, finished_at,
                        duration_seconds, error, retryable, timed_out, signal, worker_pid)
                    VALUES (?, ?, ?, 'failed', ?, ?, 0, ?, ?, ?, ?, ?)
                    ON CONFLICT (workflow_id, agent, attempt) DO UPDATE SET status = 'failed',
                        finished_at = excluded.finished_at, duration_seconds = excluded.finished_at - started_at,
                        error = excluded.error, retryable = excluded.retryable, timed_out = excluded.timed_out,
                        signal = excluded.signal, worker_pid = coalesce(excluded.worker_pid, worker_pid)
                    """
            ).execute(arguments: [
                workflowId, agent, attempt, time, time, event.message, data?["retryable"]?.boolValue,
                data?["timed_out"]?.boolValue, Self.signalNumber(data?["signal"]), data?["worker_pid"]?.integerValue,
            ])
        case .agentRetrying:
            guard let agent = event.agent else { return }
            try db.cachedStatement(
                sql: """
                    UPDATE agent_runs SET status = 'failed', finished_at = ?, duration_seconds = ? - started_at,
                        error = coalesce(error, ?) WHERE workflow_id = ? AND agent = ? AND status = 'running'
                    """
            ).execute(arguments: [time, time, event.message, workflowId, agent])
        case .workflowInterrupted:
            try closeRunningAttempts(at: time, reason: event.message ?? "workflow interrupted")
        case .workflowCompleted, .workflowFailed, .workflowCancelled:
            try closeRunningAttempts(at: time, reason: event.message ?? "workflow ended (\(event.type.rawValue))")
            try db.cachedStatement(sql: "UPDATE workflows SET finished_at = ? WHERE id = ?")
                .execute(arguments: [time, workflowId])
        case .workflowRetried:
            try db.cachedStatement(sql: "UPDATE workflows SET finished_at = NULL WHERE id = ?")
                .execute(arguments: [workflowId])
        case .agentProgress, .agentLog, .agentSkipped, .planResequenced, .workflowPaused, .workflowResumed:
            break
        }
    }

    /// Writes one agent's `agent_state_live` row from the fold; `position` is used when the row is new.
    func saveAgent(_ name: String, position: Int, fold: LiveWorkflow) throws {
        guard let record = fold.status.agents[name] else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO agent_state_live (workflow_id, agent, position, state, attempts, progress, estimate_seconds,
                    started_at, finished_at, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workflow_id, agent) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
                    progress = excluded.progress, estimate_seconds = coalesce(excluded.estimate_seconds, estimate_seconds),
                    started_at = excluded.started_at, finished_at = excluded.finished_at, message = excluded.message
                """
        ).run(
            .text(workflowId), .text(name), SQLValue(position), .text(record.state.rawValue), SQLValue(record.attempts),
            SQLValue(record.progress), SQLValue(record.estimateSeconds), SQLValue(record.startedAt),
            SQLValue(record.finishedAt), SQLValue(record.message))
    }

    /// Rewrites every agent's `agent_state_live` row (after workflow-wide events).
    func saveAllAgents(fold: LiveWorkflow) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO agent_state_live (workflow_id, agent, position, state, attempts, progress, estimate_seconds,
                    started_at, finished_at, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workflow_id, agent) DO UPDATE SET position = excluded.position, state = excluded.state,
                    attempts = excluded.attempts, progress = excluded.progress,
                    estimate_seconds = coalesce(excluded.estimate_seconds, estimate_seconds),
                    started_at = excluded.started_at, finished_at = excluded.finished_at, message = excluded.message
                """)
        for (position, name) in fold.status.order.enumerated() {
            guard let record = fold.status.agents[name] else { continue }
            try statement.run(
                .text(workflowId), .text(name), SQLValue(position), .text(record.state.rawValue),
                SQLValue(record.attempts), SQLValue(record.progress), SQLValue(record.estimateSeconds),
                SQLValue(record.startedAt), SQLValue(record.finishedAt), SQLValue(record.message))
        }
    }

    /// The live counters of the fold as the `workflow_events.live` JSON array that the
    /// `workflow_state_live` view reads: running agents (in start order), total, waiting,
    /// running, completed, failed and skipped counts, progress percentage, estimated completion.
    static func liveColumn(_ fold: LiveWorkflow) -> String {
        var text = "["
        text += JSONValue.array(fold.running.map { .string($0) }).compactText
        for count in [
            fold.total, fold.counts[.waiting, default: 0], fold.counts[.running, default: 0],
            fold.counts[.completed, default: 0], fold.counts[.failed, default: 0], fold.counts[.skipped, default: 0],
        ] {
            text += ",\(count)"
        }
        text += "," + JSONValue.number(fold.progressPercentage).compactText
        text += "," + (fold.estimatedCompletion.map { JSONValue.number($0).compactText } ?? "null") + "]"
        return text
    }

    /// Writes the `workflow_live` row (state, host, heartbeat and, for readers of an older
    /// log, the counters) and, when it changed, `workflows.state`. Called for workflow-level
    /// events and when this process first records the workflow, not for every agent event.
    func saveLive(_ fold: LiveWorkflow, pid: Int64, previousState: String?) throws {
        let status = fold.status
        try db.cachedStatement(
            sql: """
                UPDATE workflow_live SET state = ?, last_sequence = ?, running_agents = ?, total_count = ?,
                    waiting_count = ?, running_count = ?, completed_count = ?, failed_count = ?, skipped_count = ?,
                    progress_percentage = ?, heartbeat_at = max(coalesce(heartbeat_at, 0), ?), host_pid = ?,
                    estimated_completion_at = ?, updated_at = ? WHERE workflow_id = ?
                """
        ).run(
            .text(status.state.rawValue), .integer(status.lastSequence),
            .text(JSONValue.array(fold.running.map { .string($0) }).compactText), SQLValue(fold.total),
            SQLValue(fold.counts[.waiting, default: 0]), SQLValue(fold.counts[.running, default: 0]),
            SQLValue(fold.counts[.completed, default: 0]), SQLValue(fold.counts[.failed, default: 0]),
            SQLValue(fold.counts[.skipped, default: 0]), .real(fold.progressPercentage),
            .real(status.lastTimestamp ?? 0), .integer(pid), SQLValue(fold.estimatedCompletion),
            .real(status.lastTimestamp ?? 0), .text(workflowId))
        if previousState != status.state.rawValue {
            try db.cachedStatement(sql: "UPDATE workflows SET state = ? WHERE id = ?")
                .execute(arguments: [status.state.rawValue, workflowId])
        }
    }

    /// The number of the signal an `agent.failed` event names: the executor writes its name
    /// ("SIGSEGV", or "signal 42" for one without a name), older events a number.
    static func signalNumber(_ value: JSONValue?) -> Int64? {
        if let number = value?.integerValue { return number }
        guard let name = value?.stringValue else { return nil }
        let named: [String: Int32] = [
            "SIGSEGV": SIGSEGV, "SIGABRT": SIGABRT, "SIGKILL": SIGKILL, "SIGBUS": SIGBUS, "SIGFPE": SIGFPE,
            "SIGILL": SIGILL, "SIGTERM": SIGTERM, "SIGTRAP": SIGTRAP, "SIGINT": SIGINT, "SIGPIPE": SIGPIPE,
        ]
        if let number = named[name] { return Int64(number) }
        return name.hasPrefix("signal ") ? Int64(name.dropFirst("signal ".count)) : nil
    }

    // MARK: - Private

    private func complete(_ agent: String, attempt: Int, event: WorkflowEvent) throws {
        let time = event.timestamp
        let reported = event.data?["duration_seconds"]?.doubleValue
        let output = event.data?["output"] ?? .object([:])
        try db.cachedStatement(
            sql: """
                INSERT INTO agent_runs (workflow_id, agent, attempt, status, started_at, finished_at, duration_seconds,
                    worker_pid, output_json, output_sequence) VALUES (?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workflow_id, agent, attempt) DO UPDATE SET status = 'completed',
                    finished_at = excluded.finished_at,
                    duration_seconds = coalesce(?, excluded.finished_at - started_at), error = NULL,
                    worker_pid = coalesce(excluded.worker_pid, worker_pid), output_json = excluded.output_json,
                    output_sequence = excluded.output_sequence
                """
        ).run(
            .text(workflowId), .text(agent), SQLValue(attempt), .real(time - (reported ?? 0)), .real(time),
            .real(reported ?? 0), SQLValue(event.data?["worker_pid"]?.integerValue), .text(output.compactText),
            .integer(event.sequence), SQLValue(reported))
        // The output is stored once, in the run row (agent_outputs is a view); so is the
        // learned duration (agent_performance is a view).
    }

    private func closeRunningAttempts(at time: Double, reason: String) throws {
        try db.cachedStatement(
            sql: """
                UPDATE agent_runs SET status = 'interrupted', finished_at = ?, duration_seconds = ? - started_at,
                    error = coalesce(error, ?) WHERE workflow_id = ? AND status = 'running'
                """
        ).execute(arguments: [time, time, reason, workflowId])
    }
}
