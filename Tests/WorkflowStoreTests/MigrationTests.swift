import AgentCatalog
import Foundation
import GRDB
import Testing
import WorkflowExecution
@testable import WorkflowStore

/// A database written by a v2 build (outputs in the `agent_outputs` table, live counters in
/// the `workflow_state_live` table) migrates to v3 and keeps working.
@Suite struct MigrationTests {
    /// The rows a v2 store held after recording the first four events of `sampleRun`
    /// (research completed with its output, outline running).
    func writeVersion2Database(at path: String, events: [WorkflowEvent]) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v2")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO execution_plans (id, created_at, strategy, planned_sequence, parallel_groups,
                        critical_path, plan_json) VALUES ('wf-1', 999, 'adaptive', '[]', '[]', '[]', ?)
                    """, arguments: [samplePlan.compactText])
            try db.execute(
                sql: """
                    INSERT INTO workflows (id, plan_id, state, title, request_json, created_at, started_at)
                    VALUES ('wf-1', 'wf-1', 'running', 'Solar for schools', '{}', 999, 1000)
                    """)
            for event in events {
                var data = event.data
                if event.type == .agentCompleted, var object = data?.objectValue {
                    object.removeValue(forKey: "output")
                    data = .object(object)
                }
                try db.execute(
                    sql: """
                        INSERT INTO workflow_events (workflow_id, sequence, type, agent, attempt, timestamp, data)
                        VALUES ('wf-1', ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [event.sequence, event.type.rawValue, event.agent, event.attempt, event.timestamp,
                                data?.compactText])
            }
            try db.execute(
                sql: """
                    INSERT INTO agent_runs (workflow_id, agent, attempt, status, started_at, finished_at,
                        duration_seconds, worker_pid) VALUES ('wf-1', 'research', 1, 'completed', 1000, 1010, 10, 4242),
                        ('wf-1', 'outline', 1, 'running', 1010, NULL, NULL, NULL);
                    INSERT INTO agent_outputs (workflow_id, agent, attempt, sequence, created_at, output_json)
                    VALUES ('wf-1', 'research', 1, 3, 1010, '{"notes":"panels"}');
                    INSERT INTO workflow_state_live (workflow_id, state, last_sequence, running_agents, total_count,
                        waiting_count, running_count, completed_count, failed_count, skipped_count, progress_percentage,
                        heartbeat_at, host_pid, estimated_completion_at, updated_at)
                    VALUES ('wf-1', 'running', 4, '["outline"]', 4, 2, 1, 1, 0, 0, 25.0, 1010, 1, 1040, 1010);
                    INSERT INTO agent_state_live (workflow_id, agent, position, state, attempts, progress,
                        estimate_seconds, started_at, finished_at) VALUES
                        ('wf-1', 'research', 0, 'completed', 1, 1, 10, 1000, 1010),
                        ('wf-1', 'outline', 1, 'running', 1, 0, 5, 1010, NULL),
                        ('wf-1', 'writer', 2, 'waiting', 0, NULL, 20, NULL, NULL),
                        ('wf-1', 'editor', 3, 'waiting', 0, NULL, 5, NULL, NULL);
                    """)
        }
    }

    @Test func aVersion2DatabaseMigratesAndKeepsRecording() throws {
        let path = temporaryDatabasePath()
        let events = sampleRun("wf-1")
        try writeVersion2Database(at: path, events: Array(events[0..<4]))

        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() == StoreSchema.version)
        #expect(try store.output(workflowId: "wf-1", agent: "research") == ["notes": "panels"])
        let before = try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflow_state_live WHERE workflow_id = 'wf-1'")
        }
        #expect(before?["last_sequence"] == 4)
        #expect(before?["running_agents"] == #"["outline"]"#)
        #expect(before?["completed_count"] == 1)
        #expect(before?["progress_percentage"] == 25.0)
        #expect(try store.status(workflowId: "wf-1", now: 1011) == WorkflowStatus(workflowId: "wf-1", events: Array(events[0..<4])))
        let resume = try store.resumeState(workflowId: "wf-1")
        #expect(resume.lastSequence == 4)
        #expect(resume.completedOutputs == ["research": ["notes": "panels"]])

        try store.record(Array(events[4...]))
        #expect(try store.output(workflowId: "wf-1", agent: "writer") == ["draft": "Solar panels on schools"])
        #expect(try store.status(workflowId: "wf-1", now: 5000) == WorkflowStatus(workflowId: "wf-1", events: events))
        let stored = try store.events(workflowId: "wf-1")
        for (got, want) in zip(stored, events) { #expect(got.data?.compactText == want.data?.compactText, "event \(want.sequence) \(want.type)") }
        let after = try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflow_state_live WHERE workflow_id = 'wf-1'")
        }
        #expect(after?["state"] == "completed")
        #expect(after?["last_sequence"] == 14)
        #expect(after?["completed_count"] == 4)
        #expect(after?["progress_percentage"] == 100.0)
        #expect(try store.resumeState(workflowId: "wf-1").completedOutputs.count == 4)
        #expect(try store.integrityCheck() == ["ok"])
    }
}
