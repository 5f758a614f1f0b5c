import AgentCatalog
import Foundation
import GRDB
import WorkflowEvents

extension SQLiteStore {
    /// Queues `command` for the host running `workflowId` (it polls with `pendingControl`).
    ///
    /// `cancel` of an interrupted workflow (stale heartbeat: no host will poll) records
    /// `workflow.cancelled` at once instead.
    /// - Throws: `StoreError.unknownWorkflow`; `.finished` when the workflow already ended,
    ///   or for pause/resume of an interrupted one (use `agenthost resume`).
    public func requestControl(
        workflowId: String, _ command: ControlCommand, now: Double = Date().timeIntervalSince1970
    ) throws(StoreError) {
        let row = try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT w.state, l.heartbeat_at, l.host_pid, l.last_sequence FROM workflows w
                    JOIN workflow_state_live l ON l.workflow_id = w.id WHERE w.id = ?
                    """,
                arguments: [workflowId])
        }
        guard let row else { throw .unknownWorkflow(workflowId) }
        let stored = WorkflowStatus.State(rawValue: row["state"]) ?? .pending
        let state = effectiveState(stored, heartbeat: row["heartbeat_at"], hostPid: row["host_pid"], now: now)
        if state.isFinished { throw .finished(workflowId, state: state.rawValue, command: command.rawValue) }
        if state == .interrupted || state == .pending {
            guard command == .cancel else {
                throw .finished(workflowId, state: state.rawValue, command: command.rawValue)
            }
            let last: Int64 = row["last_sequence"]
            try record([
                WorkflowEvent(
                    sequence: last + 1, workflowId: workflowId, type: .workflowCancelled, timestamp: now,
                    message: "cancelled while no host was running it")
            ])
            return
        }
        let pid = Int64(ProcessInfo.processInfo.processIdentifier)
        try write { db in
            try db.execute(
                sql: "INSERT INTO workflow_control (workflow_id, command, requested_at, requested_by_pid) VALUES (?, ?, ?, ?)",
                arguments: [workflowId, command.rawValue, now, pid])
        }
    }

    /// Takes the control request waiting for `workflowId`, if any, marking it consumed.
    ///
    /// Each request is returned once. When several wait, a cancel wins; otherwise the latest
    /// pause or resume does.
    /// - Throws: `StoreError.unknownWorkflow`.
    public func pendingControl(
        workflowId: String, now: Double = Date().timeIntervalSince1970
    ) throws(StoreError) -> ControlCommand? {
        // Polled at every heartbeat: a read, and a write only when something waits.
        let waiting = try read { db in
            try Self.requireWorkflow(db, workflowId)
            return try Bool.fetchOne(
                db, sql: "SELECT 1 FROM workflow_control WHERE workflow_id = ? AND consumed_at IS NULL LIMIT 1",
                arguments: [workflowId]) == true
        }
        guard waiting else { return nil }
        return try write { db in
            let commands = try String.fetchAll(
                db,
                sql: "SELECT command FROM workflow_control WHERE workflow_id = ? AND consumed_at IS NULL ORDER BY id",
                arguments: [workflowId]
            ).compactMap(ControlCommand.init(rawValue:))
            guard let latest = commands.last else { return nil }
            try db.execute(
                sql: "UPDATE workflow_control SET consumed_at = ? WHERE workflow_id = ? AND consumed_at IS NULL",
                arguments: [now, workflowId])
            return commands.contains(.cancel) ? .cancel : latest
        }
    }
}
