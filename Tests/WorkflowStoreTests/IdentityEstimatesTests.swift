import AgentCatalog
import Foundation
import GRDB
import Testing
import WorkflowEvents
import WorkflowPlanning
@testable import WorkflowStore

/// Learned estimates are keyed by the agent's identity (schema v5), not by its name alone.
@Suite struct IdentityEstimatesTests {
    /// `sampleRun` whose writer attempt records `writer` as the agent that ran.
    func run(_ id: String, start: Double, writerSeconds: Double, writer: Manifest) -> [WorkflowEvent] {
        sampleRun(id, start: start, writerSeconds: writerSeconds).map { event in
            guard event.type == .agentStarted, event.agent == "writer" else { return event }
            var event = event
            event.data = ["agent_version": .string(writer.version), "agent_identity": .string(writer.identity)]
            return event
        }
    }

    @Test func onlyRunsOfTheSameAgentTeachItsEstimate() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        let writer = Manifest(name: "writer", version: "1.0.0", library: "libWriter.so", estimateSeconds: 20)
        try store.record(run("wf-1", start: 1000, writerSeconds: 40, writer: writer))
        let learned = store.learnedEstimates()
        #expect(learned.estimate(for: writer) == Estimate(seconds: 40, source: .learned(samples: 1)))
        // Another manifest that reuses the name and version (Examples/seed-graph's writer) is another agent.
        var impostor = writer
        impostor.capabilities = ["content_creation"]
        impostor.estimateSeconds = 300
        #expect(impostor.identity != writer.identity)
        #expect(learned.estimate(for: impostor) == Estimate(seconds: 300, source: .manifest))
        // Tuning operational settings keeps the identity, and so the history.
        var tuned = writer
        tuned.estimateSeconds = 99
        tuned.timeoutSeconds = 5
        #expect(learned.estimate(for: tuned).seconds == 40)
    }

    @Test func aNewVersionLearnsFromTheLastRunVersionAndSaysSo() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        let old = Manifest(name: "writer", version: "1.0.0", library: "libWriter.so", estimateSeconds: 20)
        var older = old
        older.version = "0.9.0"
        try store.record(run("wf-1", start: 1000, writerSeconds: 70, writer: older))
        try store.record(run("wf-2", start: 2000, writerSeconds: 50, writer: old))
        var new = old
        new.version = "1.1.0"
        let estimate = store.learnedEstimates().estimate(for: new)
        #expect(estimate == Estimate(seconds: 50, source: .learned(samples: 1), learnedFromVersion: "1.0.0"))

        let catalog = Catalog(agents: [
            Manifest(name: "research", estimateSeconds: 10),
            Manifest(name: "outline", dependencies: [.agent("research")], estimateSeconds: 5), new,
        ])
        let request = WorkflowRequest(goal: .agents(["writer"]), strategy: .sequential)
        let plan = try Planner(catalog: catalog, estimates: store.learnedEstimates()).plan(request)
        #expect(PlanRenderer.table(plan).contains("learned, 1 run of version 1.0.0"))
        let writerJSON = plan.json["agents"]?.arrayValue?.first { $0["name"] == "writer" }
        #expect(writerJSON?["estimate"]?["learned_from_version"] == "1.0.0")
        #expect(try ExecutionPlan(json: plan.json).agent(named: "writer")?.estimate.learnedFromVersion == "1.0.0")
    }

    @Test func aVersion3DatabaseMigratesAndItsRunsCountForAnyAgentOfTheirName() throws {
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v3")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO execution_plans (id, created_at, strategy, planned_sequence, parallel_groups,
                        critical_path, plan_json) VALUES ('wf-old', 999, 'adaptive', '[]', '[]', '[]', '{}');
                    INSERT INTO workflows (id, plan_id, state, title, request_json, created_at, started_at)
                    VALUES ('wf-old', 'wf-old', 'completed', 'Old', '{}', 999, 1000);
                    INSERT INTO agent_runs (workflow_id, agent, attempt, status, started_at, finished_at, duration_seconds)
                    VALUES ('wf-old', 'writer', 1, 'completed', 1000, 1033, 33)
                    """)
        }
        try queue.close()
        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() == 5)
        let writer = Manifest(name: "writer", version: "2.0.0", estimateSeconds: 20)
        #expect(store.learnedEstimates().estimate(for: writer) == Estimate(seconds: 33, source: .learned(samples: 1)))
    }
}
