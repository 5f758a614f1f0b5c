import AgentCatalog
import Foundation
import GRDB
import WorkflowEvents
import WorkflowPlanning

extension SQLiteStore {
    /// Every stored workflow, newest first.
    /// - Parameter now: the current time, to tell a live run from one whose host died.
    public func workflows(now: Double = Date().timeIntervalSince1970) throws(StoreError) -> [WorkflowSummary] {
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT w.id, w.state, w.title, w.request_file, w.created_at, w.started_at, w.finished_at,
                        l.progress_percentage, l.total_count, l.completed_count, l.failed_count, l.skipped_count,
                        l.heartbeat_at, l.host_pid
                    FROM workflows w LEFT JOIN workflow_state_live l ON l.workflow_id = w.id
                    ORDER BY w.created_at DESC, w.id
                    """)
        }
        return rows.map { row in
            let stored = WorkflowStatus.State(rawValue: row["state"]) ?? .pending
            let heartbeat: Double? = row["heartbeat_at"]
            return WorkflowSummary(
                id: row["id"], state: effectiveState(stored, heartbeat: heartbeat, hostPid: row["host_pid"], now: now),
                title: row["title"],
                requestFile: row["request_file"], createdAt: row["created_at"], startedAt: row["started_at"],
                finishedAt: row["finished_at"], progressPercentage: row["progress_percentage"] ?? 0,
                agentCount: row["total_count"] ?? 0, completed: row["completed_count"] ?? 0,
                failed: row["failed_count"] ?? 0, skipped: row["skipped_count"] ?? 0, heartbeatAt: heartbeat)
        }
    }

    /// The workflow's status, folded from its stored events; `.interrupted` when it was
    /// running or paused and its host's heartbeat is older than `staleAfterSeconds`.
    /// - Throws: `StoreError.unknownWorkflow`.
    public func status(workflowId: String, now: Double = Date().timeIntervalSince1970) throws(StoreError) -> WorkflowStatus {
        let (events, heartbeat, hostPid, plannedAgents) = try read { db in
            let heartbeat = try Row.fetchOne(
                db, sql: "SELECT heartbeat_at, host_pid FROM workflow_state_live WHERE workflow_id = ?",
                arguments: [workflowId])
            guard let heartbeat else { throw StoreError.unknownWorkflow(workflowId) }
            let planned = try Row.fetchAll(
                db, sql: "SELECT agent, estimate_seconds FROM agent_state_live WHERE workflow_id = ? ORDER BY position",
                arguments: [workflowId])
            let heartbeatAt: Double? = heartbeat["heartbeat_at"]
            let hostPid: Int64? = heartbeat["host_pid"]
            return (
                try Self.storedEvents(db, workflowId: workflowId), heartbeatAt, hostPid,
                planned.map { (name: $0["agent"] as String, estimate: $0["estimate_seconds"] as Double?) }
            )
        }
        var status = WorkflowStatus(workflowId: workflowId)
        if events.first?.type != .workflowStarted {
            // Not started yet: show the planned agents as waiting.
            for agent in plannedAgents {
                status.order.append(agent.name)
                var record = WorkflowStatus.AgentRecord()
                record.estimateSeconds = agent.estimate
                status.agents[agent.name] = record
            }
        }
        for event in events { status.apply(event) }
        let effective = effectiveState(status.state, heartbeat: heartbeat, hostPid: hostPid, now: now)
        if effective == .interrupted && status.state != .interrupted {
            status.state = .interrupted
            status.message =
                Self.hostIsGone(hostPid)
                ? "its host (pid \(hostPid ?? 0)) has exited; `agenthost resume \(workflowId)` finishes it"
                : "no heartbeat from the host since \(heartbeat.map { "\(Int(now - $0)) s" } ?? "the start"); `agenthost resume \(workflowId)` finishes it"
            for name in status.order where status.agents[name]?.state == .running { status.agents[name]?.state = .waiting }
        }
        return status
    }

    /// Events of the workflow with a sequence above `sequence`, in order, at most `limit`.
    /// - Throws: `StoreError.unknownWorkflow`.
    public func events(workflowId: String, after sequence: Int64 = 0, limit: Int? = nil) throws(StoreError) -> [WorkflowEvent] {
        try read { db in
            try Self.requireWorkflow(db, workflowId)
            return try Self.storedEvents(db, workflowId: workflowId, after: sequence, limit: limit)
        }
    }

    /// The plan the workflow runs (its JSON as stored).
    /// - Throws: `StoreError.unknownWorkflow`, `.badData`.
    public func plan(workflowId: String) throws(StoreError) -> JSONValue {
        let text = try read { db in
            guard let text = try String.fetchOne(
                db,
                sql: "SELECT p.plan_json FROM workflows w JOIN execution_plans p ON p.id = w.plan_id WHERE w.id = ?",
                arguments: [workflowId])
            else { throw StoreError.unknownWorkflow(workflowId) }
            return text
        }
        return try JSONValue.column(text, "execution_plans.plan_json of workflow \(workflowId)")
    }

    /// The plan the workflow runs, read back as typed values.
    /// - Throws: `StoreError.unknownWorkflow`, `.badData` when the stored plan is not one.
    public func executionPlan(workflowId: String) throws(StoreError) -> ExecutionPlan {
        let json = try plan(workflowId: workflowId)
        do { return try ExecutionPlan(json: json) } catch {
            throw StoreError.badData("the stored plan of workflow \(workflowId)", error.message)
        }
    }

    /// The request the workflow was created from.
    /// - Throws: `StoreError.unknownWorkflow`, `.badData`.
    public func request(workflowId: String) throws(StoreError) -> JSONValue {
        let text = try read { db in
            guard let text = try String.fetchOne(
                db, sql: "SELECT request_json FROM workflows WHERE id = ?", arguments: [workflowId])
            else { throw StoreError.unknownWorkflow(workflowId) }
            return text
        }
        return try JSONValue.column(text, "workflows.request_json of workflow \(workflowId)")
    }

    /// The output `agent` committed in the workflow, or nil when it has none (yet).
    /// - Throws: `StoreError.unknownWorkflow`, `.badData`.
    public func output(workflowId: String, agent: String) throws(StoreError) -> JSONObject? {
        let text = try read { db in
            try Self.requireWorkflow(db, workflowId)
            return try String.fetchOne(
                db, sql: "SELECT output_json FROM agent_outputs WHERE workflow_id = ? AND agent = ?",
                arguments: [workflowId, agent])
        }
        guard let text else { return nil }
        return try JSONValue.column(text, "agent_outputs of \(agent) in workflow \(workflowId)").objectValue ?? [:]
    }

    /// Every attempt of every agent of the workflow, by start time.
    /// - Throws: `StoreError.unknownWorkflow`.
    public func runs(workflowId: String) throws(StoreError) -> [AgentRun] {
        try read { db in
            try Self.requireWorkflow(db, workflowId)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT agent, attempt, status, started_at, finished_at, duration_seconds, error, retryable,
                        timed_out, signal, worker_pid FROM agent_runs WHERE workflow_id = ?
                    ORDER BY started_at, agent, attempt
                    """,
                arguments: [workflowId]
            ).map { row in
                AgentRun(
                    agent: row["agent"], attempt: row["attempt"],
                    status: AgentRun.Status(rawValue: row["status"]) ?? .interrupted, startedAt: row["started_at"],
                    finishedAt: row["finished_at"], durationSeconds: row["duration_seconds"], error: row["error"],
                    retryable: row["retryable"], timedOut: row["timed_out"], signal: row["signal"],
                    workerPid: row["worker_pid"])
            }
        }
    }

    /// The dependencies of each agent in the workflow's plan: agent -> [(dependency, type)].
    /// - Throws: `StoreError.unknownWorkflow`.
    public func dependencies(workflowId: String) throws(StoreError) -> [String: [(agent: String, type: String)]] {
        let rows = try read { db in
            try Self.requireWorkflow(db, workflowId)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT d.agent, d.depends_on, d.dependency_type FROM agent_dependencies d
                    JOIN workflows w ON w.plan_id = d.plan_id WHERE w.id = ? ORDER BY d.agent, d.depends_on
                    """,
                arguments: [workflowId])
        }
        var result: [String: [(agent: String, type: String)]] = [:]
        for row in rows { result[row["agent"], default: []].append((row["depends_on"], row["dependency_type"])) }
        return result
    }

    /// What `resume` needs: committed outputs, settled agents, attempts made, the last sequence.
    /// - Throws: `StoreError.unknownWorkflow`, `.badData`.
    public func resumeState(workflowId: String) throws(StoreError) -> ResumeState {
        let (outputs, settledRows, attemptRows, last) = try read { db in
            guard let last = try Int64.fetchOne(
                db, sql: "SELECT last_sequence FROM workflow_state_live WHERE workflow_id = ?", arguments: [workflowId])
            else { throw StoreError.unknownWorkflow(workflowId) }
            return (
                try Row.fetchAll(
                    db, sql: "SELECT agent, output_json FROM agent_outputs WHERE workflow_id = ?", arguments: [workflowId]),
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT agent, state, message FROM agent_state_live
                        WHERE workflow_id = ? AND state IN ('failed', 'skipped', 'cancelled')
                        """,
                    arguments: [workflowId]),
                try Row.fetchAll(
                    db, sql: "SELECT agent, max(attempt) AS attempts FROM agent_runs WHERE workflow_id = ? GROUP BY agent",
                    arguments: [workflowId]),
                last
            )
        }
        var state = ResumeState(lastSequence: last)
        for row in outputs {
            let agent: String = row["agent"]
            let text: String = row["output_json"]
            state.completedOutputs[agent] =
                try JSONValue.column(text, "agent_outputs of \(agent) in workflow \(workflowId)").objectValue ?? [:]
        }
        for row in settledRows {
            let agent: String = row["agent"]
            let message: String? = row["message"]
            state.settled[agent] = message ?? (row["state"] as String)
        }
        for row in attemptRows { state.attempts[row["agent"]] = row["attempts"] }
        return state
    }

    // MARK: - Helpers

    /// `.interrupted` for a running or paused workflow whose host is gone: its heartbeat is
    /// stale, or the process that last recorded it no longer exists on this machine.
    func effectiveState(
        _ state: WorkflowStatus.State, heartbeat: Double?, hostPid: Int64?, now: Double
    ) -> WorkflowStatus.State {
        guard state == .running || state == .paused else { return state }
        guard let heartbeat else { return .interrupted }
        if Self.hostIsGone(hostPid) { return .interrupted }
        return now - heartbeat > staleAfterSeconds ? .interrupted : state
    }

    /// Whether `pid` names no living process here (kill(pid, 0) fails with ESRCH). A killed
    /// host is seen at once instead of after `staleAfterSeconds`; the heartbeat still covers
    /// hosts on another machine or in another pid namespace.
    static func hostIsGone(_ pid: Int64?) -> Bool {
        guard let pid, pid > 0, pid <= Int64(Int32.max) else { return false }
        return kill(pid_t(pid), 0) != 0 && errno == ESRCH
    }

    static func requireWorkflow(_ db: Database, _ id: String) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM workflows WHERE id = ?", arguments: [id]) != true {
            throw StoreError.unknownWorkflow(id)
        }
    }
}
