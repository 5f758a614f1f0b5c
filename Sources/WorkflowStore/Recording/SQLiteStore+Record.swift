import AgentCatalog
import Foundation
import GRDB
import WorkflowEvents
import WorkflowPlanning

extension SQLiteStore {
    // MARK: - Creating workflows

    /// Stores a new workflow with its request and plan, before it starts.
    ///
    /// Fills `execution_plans` (plan id = workflow id), `plan_agents`, `agent_dependencies`,
    /// `workflows` (state pending) and the live-state rows (every planned agent waiting), from
    /// the plan's typed values; `plan_json` keeps the whole plan (docs/PLANS.md).
    /// - Parameters:
    ///   - request: the request as given (free JSON; `campaign.title` becomes the title).
    ///   - plan: the plan the workflow runs.
    ///   - requestFile: the file the request came from, when there is one.
    ///   - folders: the manifest and plugin folders and base directory it runs with, for
    ///     `resume` and `retry`.
    /// - Throws: `StoreError.duplicateWorkflow` when `id` is taken.
    public func createWorkflow(
        id: String, request: JSONValue, plan: ExecutionPlan, requestFile: String?, folders: WorkflowFolders? = nil,
        now: Double = Date().timeIntervalSince1970
    ) throws(StoreError) {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM workflows WHERE id = ?", arguments: [id]) == true {
                throw StoreError.duplicateWorkflow(id)
            }
            try Self.insertWorkflow(db, id: id, request: request, plan: plan, requestFile: requestFile, now: now)
            if let folders {
                try db.execute(
                    sql: "UPDATE workflows SET manifest_folders = ?, plugin_folders = ?, base_directory = ? WHERE id = ?",
                    arguments: [
                        JSONValue.array(folders.manifests.map { .string($0) }).compactText,
                        JSONValue.array(folders.plugins.map { .string($0) }).compactText, folders.baseDirectory, id,
                    ])
            }
        }
    }

    static func insertWorkflow(
        _ db: Database, id: String, request: JSONValue, plan: ExecutionPlan, requestFile: String?, now: Double
    ) throws {
        func names(_ list: [String]) -> String { JSONValue.array(list.map { .string($0) }).compactText }
        try db.execute(
            sql: """
                INSERT INTO execution_plans (id, created_at, strategy, recovery, planned_sequence, parallel_groups,
                    critical_path, estimated_seconds, plan_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, now, plan.strategy.rawValue, plan.request.recovery.rawValue, names(plan.order),
                JSONValue.array(plan.groups.map { .array($0.map { .string($0) }) }).compactText,
                names(plan.criticalPath), plan.estimatedSeconds, plan.json.compactText,
            ])
        let insertAgent = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO plan_agents (plan_id, agent, position, group_index, estimate_seconds,
                    estimate_source, critical) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        let insertDependency = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO agent_dependencies (plan_id, agent, depends_on, dependency_type)
                VALUES (?, ?, ?, ?)
                """)
        let position = Dictionary(plan.order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, agent) in plan.agents.enumerated() {
            let source: String
            switch agent.estimate.source {
            case .manifest: source = "manifest"
            case .learned: source = "learned"
            }
            try insertAgent.run(
                .text(id), .text(agent.name), SQLValue(position[agent.name] ?? plan.order.count + index),
                SQLValue(agent.group), .real(agent.estimate.seconds), .text(source), SQLValue(agent.isCritical))
            for dependency in agent.dependencies {
                try insertDependency.run(.text(id), .text(agent.name), .text(dependency.agent), .text(dependency.type.rawValue))
            }
        }
        let title =
            request["campaign"]?["title"]?.stringValue ?? request["title"]?.stringValue
            ?? plan.request.campaign["title"]?.stringValue
        try db.execute(
            sql: """
                INSERT INTO workflows (id, plan_id, state, title, request_json, request_file, created_at)
                VALUES (?, ?, 'pending', ?, ?, ?, ?)
                """,
            arguments: [id, id, title, request.compactText, requestFile, now])
        let estimates = Dictionary(
            plan.agents.map { ($0.name, $0.estimate.seconds) }, uniquingKeysWith: { first, _ in first })
        try db.execute(
            sql: """
                INSERT INTO workflow_live (workflow_id, state, last_sequence, running_agents, total_count,
                    waiting_count, running_count, completed_count, failed_count, skipped_count, progress_percentage,
                    updated_at) VALUES (?, 'pending', 0, '[]', ?, ?, 0, 0, 0, 0, 0, ?)
                """,
            arguments: [id, plan.order.count, plan.order.count, now])
        let insertState = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO agent_state_live (workflow_id, agent, position, state, attempts, estimate_seconds)
                VALUES (?, ?, ?, 'waiting', 0, ?)
                """)
        for (index, name) in plan.order.enumerated() {
            try insertState.run(.text(id), .text(name), SQLValue(index), SQLValue(estimates[name]))
        }
    }

    // MARK: - Recording events

    /// Appends `events` and everything derived from them, in one transaction.
    ///
    /// Per event: a `workflow_events` row; for agent events the attempt's `agent_runs` row
    /// and the agent's `agent_state_live` row; for `agent.completed` the output (`data.output`)
    /// and duration (`data.duration_seconds`, else the attempt's start to the event) go in the
    /// run row. Per call: the live counters on the last event (the `workflow_state_live`
    /// view); on workflow-level events also `workflow_live` and `workflows.state`.
    /// A `workflow.started` event for a workflow not yet stored creates it from `data.plan`
    /// (read as a plan, docs/PLANS.md; `.badData` when it is not one).
    /// When this returns, the events survive a crash of the process (see docs/STORE.md).
    /// - Throws: `StoreError.badSequence` when a sequence is not the next one,
    ///   `.unknownWorkflow` for events of a workflow never created; nothing is written then.
    public func record(_ events: [WorkflowEvent]) throws(StoreError) {
        guard !events.isEmpty else { return }
        var batches: [(id: String, events: [WorkflowEvent])] = []
        for event in events {
            if let index = batches.firstIndex(where: { $0.id == event.workflowId }) {
                batches[index].events.append(event)
            } else {
                batches.append((event.workflowId, [event]))
            }
        }
        let pid = Int64(ProcessInfo.processInfo.processIdentifier)
        let folds: [(String, LiveWorkflow)] = try write { db in
            var folds: [(String, LiveWorkflow)] = []
            for batch in batches {
                folds.append((batch.id, try Self.record(db, workflowId: batch.id, events: batch.events, live: live, pid: pid)))
            }
            return folds
        }
        for (id, fold) in folds where !fold.status.state.isFinished { live.put(id, fold) }
    }

    /// The heartbeat of the host running `workflowId`: it is alive at `timestamp`.
    /// - Throws: `StoreError.unknownWorkflow` when no such workflow is stored.
    public func heartbeat(workflowId: String, timestamp: Double) throws(StoreError) {
        let pid = Int64(ProcessInfo.processInfo.processIdentifier)
        try write { db in
            try db.execute(
                sql: "UPDATE workflow_live SET heartbeat_at = ?, host_pid = ? WHERE workflow_id = ?",
                arguments: [timestamp, pid, workflowId])
            if db.changesCount == 0 { throw StoreError.unknownWorkflow(workflowId) }
        }
    }

    // MARK: - Private

    private static func record(
        _ db: Database, workflowId: String, events: [WorkflowEvent], live: LiveCache, pid: Int64
    ) throws -> LiveWorkflow {
        // The last sequence is the log's (workflow_live.last_sequence only moves with
        // workflow-level events); no row in workflow_live means no such workflow.
        var storedSequence = try db.cachedStatement(
            sql: """
                SELECT coalesce((SELECT sequence FROM workflow_events WHERE workflow_id = ?1
                    ORDER BY sequence DESC LIMIT 1), last_sequence)
                FROM workflow_live WHERE workflow_id = ?1
                """
        ).integer(.text(workflowId))
        if storedSequence == nil {
            guard let first = events.first, first.type == .workflowStarted, let json = first.data?["plan"] else {
                throw StoreError.unknownWorkflow(workflowId)
            }
            let plan: ExecutionPlan
            do { plan = try ExecutionPlan(json: json) } catch {
                throw StoreError.badData("workflow.started data.plan of workflow \(workflowId)", error.message)
            }
            try insertWorkflow(
                db, id: workflowId, request: plan.request.json, plan: plan, requestFile: nil, now: first.timestamp)
            storedSequence = 0
        }
        let lastSequence = storedSequence ?? 0
        // `fold` must be the only reference to the cached fold: another would make the first
        // mutation copy every agent's record.
        var fold = live.take(workflowId) ?? LiveWorkflow(workflowId: workflowId)
        let wasCached = fold.status.lastSequence != 0
        if fold.status.lastSequence != lastSequence {
            fold = LiveWorkflow(workflowId: workflowId, events: try storedEvents(db, workflowId: workflowId))
        }
        // workflow_live (state, host pid) is written when this process first records the
        // workflow and on workflow-level events; agent events only write the log's `live`.
        var workflowLevel = !wasCached
        let previousState = fold.status.lastSequence == 0 ? nil : fold.status.state.rawValue
        let writer = EventWriter(db: db, workflowId: workflowId)
        // agent_state_live is written once per transaction for each agent touched (its last
        // state), not once per event: a completion and the next start share one commit.
        var touched: [String] = []
        var positions: [String: Int] = [:]
        var rewriteAll = false
        for event in events {
            let expected = fold.status.lastSequence + 1
            guard event.sequence == expected else {
                throw StoreError.badSequence(workflowId, got: event.sequence, expected: expected)
            }
            let attempt = event.attempt ?? event.agent.flatMap { fold.status.agents[$0]?.attempts } ?? 1
            let resumed = event.type == .workflowStarted && fold.status.startedAt != nil
            let change = fold.apply(event)
            try writer.append(event, live: event.sequence == events.last?.sequence ? EventWriter.liveColumn(fold) : nil)
            try writer.derive(event, attempt: attempt, resumed: resumed)
            if event.agent == nil && event.type != .agentLog { workflowLevel = true }
            switch change {
            case .none: break
            case .agent(let name):
                if positions[name] == nil {
                    positions[name] = fold.status.order.count - 1
                    touched.append(name)
                }
            case .all: rewriteAll = true
            }
        }
        if rewriteAll {
            try writer.saveAllAgents(fold: fold)
        } else {
            for name in touched { try writer.saveAgent(name, position: positions[name] ?? 0, fold: fold) }
        }
        if workflowLevel || previousState != fold.status.state.rawValue {
            try writer.saveLive(fold, pid: pid, previousState: previousState)
        }
        return fold
    }

    static func storedEvents(_ db: Database, workflowId: String, after: Int64 = 0, limit: Int? = nil) throws -> [WorkflowEvent] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT e.sequence, e.type, e.agent, e.attempt, e.timestamp, e.progress, e.message, e.data,
                    o.output_json FROM workflow_events e
                LEFT JOIN agent_runs o
                    ON o.workflow_id = e.workflow_id AND o.agent = e.agent AND o.output_sequence = e.sequence
                WHERE e.workflow_id = ? AND e.sequence > ? ORDER BY e.sequence LIMIT ?
                """,
            arguments: [workflowId, after, limit ?? -1])
        var events: [WorkflowEvent] = []
        while let row = try rows.next() {
            let typeName: String = row["type"]
            let sequence: Int64 = row["sequence"]
            guard let type = EventType(rawValue: typeName) else {
                throw StoreError.badData("workflow_events \(workflowId)#\(sequence)", "unknown event type \(typeName)")
            }
            let dataText: String? = row["data"]
            var data = try dataText.map { text throws(StoreError) in
                try JSONValue.column(text, "workflow_events \(workflowId)#\(sequence) data")
            }
            if let outputText: String = row["output_json"] {
                let output = try JSONValue.column(outputText, "agent_outputs of workflow \(workflowId)#\(sequence)")
                var object = data?.objectValue ?? [:]
                object.updateValue(output, forKey: "output", insertingAt: 0)
                data = .object(object)
            }
            events.append(
                WorkflowEvent(
                    sequence: sequence, workflowId: workflowId, type: type, agent: row["agent"],
                    attempt: row["attempt"], timestamp: row["timestamp"], progress: row["progress"],
                    message: row["message"], data: data))
        }
        return events
    }
}
