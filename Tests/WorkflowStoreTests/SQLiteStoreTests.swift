import AgentCatalog
import Foundation
import GRDB
import Testing
import WorkflowExecution
@testable import WorkflowStore

@Suite struct SQLiteStoreTests {
    @Test func migratesAnEmptyFileAndReopens() throws {
        let path = temporaryDatabasePath()
        do {
            let store = try SQLiteStore(path: path)
            #expect(try store.schemaVersion() == StoreSchema.version)
            try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlan, requestFile: "req.json")
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.schemaVersion() == StoreSchema.version)
        #expect(try reopened.workflows().map(\.id) == ["wf-1"])
        let tables = try reopened.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
        }
        for table in [
            "execution_plans", "agent_dependencies", "workflow_state_live", "workflows", "agent_runs", "agent_outputs",
            "workflow_events", "agent_performance", "agent_state_live", "plan_agents", "workflow_control",
            "workflow_agents_by_state",
        ] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        let journal = try reopened.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        #expect(try reopened.integrityCheck() == ["ok"])
    }

    @Test func pathPrefersFlagThenEnvironmentThenDefault() {
        #expect(SQLiteStore.path(explicit: "a.sqlite", environment: ["AGENTHOST_DB": "b.sqlite"]) == "a.sqlite")
        #expect(SQLiteStore.path(explicit: nil, environment: ["AGENTHOST_DB": "b.sqlite"]) == "b.sqlite")
        #expect(SQLiteStore.path(explicit: nil, environment: [:]) == ".agenthost/state.sqlite")
    }

    @Test func createWorkflowFillsPlanTables() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlan, requestFile: "req.json")
        let (plan, dependencies) = try store.pool.read { db in
            (
                try Row.fetchOne(db, sql: "SELECT * FROM execution_plans WHERE id = 'wf-1'"),
                try Row.fetchAll(db, sql: "SELECT agent, depends_on, dependency_type FROM agent_dependencies ORDER BY agent, depends_on")
            )
        }
        #expect(plan?["strategy"] == "adaptive")
        #expect(plan?["recovery"] == "retry_alternative")
        #expect(plan?["planned_sequence"] == #"["research","outline","writer","editor"]"#)
        #expect(plan?["parallel_groups"] == #"[["research"],["outline"],["writer"],["editor"]]"#)
        #expect(dependencies.map { "\($0["agent"] as String)<-\($0["depends_on"] as String):\($0["dependency_type"] as String)" } == [
            "editor<-writer:hard", "outline<-research:hard", "writer<-outline:hard", "writer<-research:soft",
        ])
        #expect(try store.plan(workflowId: "wf-1").compactText == samplePlan.compactText)
        #expect(try store.request(workflowId: "wf-1") == sampleRequest)
        let summary = try #require(try store.workflows().first)
        #expect(summary.state == .pending)
        #expect(summary.title == "Solar for schools")
        #expect(summary.agentCount == 4)
        let status = try store.status(workflowId: "wf-1")
        #expect(status.state == .pending)
        #expect(status.order == ["research", "outline", "writer", "editor"])
        #expect(throws: StoreError.self) { try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlan, requestFile: nil) }
    }

    @Test func recordingARunFillsEveryTable() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlan, requestFile: nil)
        let events = sampleRun("wf-1")
        for event in events { try store.record([event]) }

        #expect(try store.events(workflowId: "wf-1", after: 0, limit: nil).map(\.json.compactText) == events.map(\.json.compactText))
        #expect(try store.events(workflowId: "wf-1", after: 12, limit: 1).map(\.sequence) == [13])

        let runs = try store.runs(workflowId: "wf-1")
        #expect(runs.map { "\($0.agent)#\($0.attempt):\($0.status.rawValue)" } == [
            "research#1:completed", "outline#1:failed", "outline#2:completed", "writer#1:completed", "editor#1:completed",
        ])
        #expect(runs[0].workerPid == 4242)
        #expect(runs[1].error == "rate limited" && runs[1].retryable == true && runs[1].timedOut == false)
        #expect(runs[1].durationSeconds == 2)
        #expect(runs[3].durationSeconds == 25)

        #expect(try store.output(workflowId: "wf-1", agent: "writer") == ["draft": "Solar panels on schools"])
        #expect(try store.output(workflowId: "wf-1", agent: "nobody") == nil)

        let (live, performance, byState, agentRows) = try store.pool.read { db in
            (
                try Row.fetchOne(db, sql: "SELECT * FROM workflow_state_live WHERE workflow_id = 'wf-1'"),
                try Row.fetchAll(db, sql: "SELECT agent, duration_seconds FROM agent_performance ORDER BY id"),
                try Row.fetchOne(db, sql: "SELECT * FROM workflow_agents_by_state WHERE workflow_id = 'wf-1'"),
                try Row.fetchAll(db, sql: "SELECT agent, state, attempts FROM agent_state_live ORDER BY position")
            )
        }
        #expect(live?["state"] == "completed")
        #expect(live?["last_sequence"] == 14)
        #expect(live?["completed_count"] == 4)
        #expect(live?["progress_percentage"] == 100.0)
        #expect(live?["running_agents"] == "[]")
        #expect(live?["estimated_completion_at"] == 1047.0)
        #expect(performance.map { "\($0["agent"] as String)=\($0["duration_seconds"] as Double)" } == [
            "research=10.0", "outline=5.0", "writer=25.0", "editor=4.0",
        ])
        #expect(byState?["completed_agents"] == #"["research","outline","writer","editor"]"#)
        #expect(agentRows.map { "\($0["agent"] as String):\($0["state"] as String):\($0["attempts"] as Int)" } == [
            "research:completed:1", "outline:completed:2", "writer:completed:1", "editor:completed:1",
        ])

        let summary = try #require(try store.workflows().first)
        #expect(summary.state == .completed)
        #expect(summary.startedAt == 1000 && summary.finishedAt == 1047)
        let status = try store.status(workflowId: "wf-1", now: 5000)
        #expect(status.state == .completed)
        #expect(status.progressPercentage == 100)
        #expect(status.agents["outline"]?.attempts == 2)
        #expect(status == WorkflowStatus(workflowId: "wf-1", events: events))
    }

    @Test func liveStateFollowsARunInProgress() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlan, requestFile: nil)
        let events = sampleRun("wf-1")
        try store.record(Array(events[0..<9]))  // writer just started
        let live = try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflow_state_live WHERE workflow_id = 'wf-1'")
        }
        #expect(live?["state"] == "running")
        #expect(live?["running_agents"] == #"["writer"]"#)
        #expect(live?["completed_count"] == 2)
        #expect(live?["waiting_count"] == 1)
        #expect(live?["progress_percentage"] == 50.0)
        #expect(live?["heartbeat_at"] == 1018.0)
        // writer (20 s) + editor (5 s) remain; the plan is sequential (40 s for 40 s of work).
        #expect(live?["estimated_completion_at"] == 1043.0)
        let status = try store.status(workflowId: "wf-1", now: 1019)
        #expect(status.state == .running)
        #expect(status.agents["writer"]?.state == .running)
    }

    @Test func outOfOrderEventsAreRefusedAndNothingIsWritten() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlan, requestFile: nil)
        let events = sampleRun("wf-1")
        try store.record(Array(events[0..<2]))
        let error = #expect(throws: StoreError.self) { try store.record([events[2], events[4]]) }
        #expect(error?.code == .badSequence)
        #expect(error?.message.contains("sequence 5 arrived; expected 4") == true)
        #expect(try store.events(workflowId: "wf-1").count == 2)
        #expect(try store.output(workflowId: "wf-1", agent: "research") == nil)
        #expect(throws: StoreError.self) { try store.record([events[1]]) }  // twice
        try store.record(Array(events[2...]))
        #expect(try store.events(workflowId: "wf-1").count == events.count)
    }

    @Test func eventsOfAnUnknownWorkflowAreRefused() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        let event = WorkflowEvent(sequence: 1, workflowId: "ghost", type: .agentStarted, agent: "a", timestamp: 1)
        let error = #expect(throws: StoreError.self) { try store.record([event]) }
        #expect(error?.code == .unknownWorkflow)
        #expect(error?.message.contains("ghost") == true)
        #expect(throws: StoreError.self) { try store.status(workflowId: "ghost") }
        #expect(throws: StoreError.self) { try store.heartbeat(workflowId: "ghost", timestamp: 1) }
    }

    @Test func workflowStartedCreatesAWorkflowFromItsPlan() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.record(sampleRun("wf-auto"))
        #expect(try store.plan(workflowId: "wf-auto").compactText == samplePlan.compactText)
        #expect(try store.workflows().first?.title == "Solar for schools")
        #expect(try store.dependencies(workflowId: "wf-auto")["writer"]?.count == 2)
    }

    @Test func aSecondStoreSeesWritesAndTheFoldResyncs() throws {
        let path = temporaryDatabasePath()
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        try first.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlan, requestFile: nil)
        let events = sampleRun("wf-1")
        try first.record(Array(events[0..<4]))
        try second.record(Array(events[4..<8]))  // e.g. a resumed host in another process
        try first.record(Array(events[8...]))  // the first store's fold is stale and must reload
        #expect(try second.status(workflowId: "wf-1").state == .completed)
        let completed = try first.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT completed_count FROM workflow_state_live")
        }
        #expect(completed == 4)
    }
}
