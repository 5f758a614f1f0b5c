import AgentCatalog
import Foundation
import Testing
import WorkflowEvents
import WorkflowPlanning
@testable import WorkflowStore

@Suite struct EstimatesAndAnalyticsTests {
    let writer = Manifest(name: "writer", estimateSeconds: 20)

    @Test func learnedEstimatesFollowTheMedianOfRecentRuns() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        #expect(store.learnedEstimates().estimate(for: writer) == Estimate(seconds: 20, source: .manifest))
        for (index, seconds) in [25.0, 40.0, 30.0].enumerated() {
            try store.record(sampleRun("wf-\(index)", start: 1000 + Double(index) * 100, writerSeconds: seconds))
        }
        let learned = store.learnedEstimates()
        #expect(learned.loadError == nil)
        #expect(learned.estimate(for: writer) == Estimate(seconds: 30, source: .learned(samples: 3)))
        #expect(store.learnedEstimates(window: 2).estimate(for: writer) == Estimate(seconds: 35, source: .learned(samples: 2)))
        let nobody = Manifest(name: "translator", estimateSeconds: 7)
        #expect(learned.estimate(for: nobody) == Estimate(seconds: 7, source: .manifest))
        // Failed attempts do not count: outline's history is its successful 5 s runs only.
        #expect(learned.learned("outline")?.seconds == 5)
    }

    @Test func learnedEstimatesChangeThePlansEstimate() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        let catalog = Catalog(agents: [
            Manifest(name: "research", estimateSeconds: 10),
            Manifest(name: "outline", dependencies: [.agent("research")], estimateSeconds: 5),
            Manifest(name: "writer", dependencies: [.agent("outline"), .agent("research", .soft)], estimateSeconds: 20),
            Manifest(name: "editor", dependencies: [.agent("writer")], estimateSeconds: 5),
        ])
        let request = WorkflowRequest(goal: .agents(["editor"]), strategy: .sequential)
        let before = try Planner(catalog: catalog, estimates: store.learnedEstimates()).plan(request)
        #expect(before.estimatedSeconds == 40)
        try store.record(sampleRun("wf-1", writerSeconds: 60))
        let after = try Planner(catalog: catalog, estimates: store.learnedEstimates()).plan(request)
        // research 10, outline 5, writer 60, editor 4 (learned from the run).
        #expect(after.estimatedSeconds == 79)
        #expect(after.agent(named: "writer")?.estimate.source == .learned(samples: 1))
    }

    @Test func medianOfEvenAndOddCounts() {
        #expect(LearnedEstimates.median([]) == nil)
        #expect(LearnedEstimates.median([3, 1, 2]) == 2)
        #expect(LearnedEstimates.median([4, 1, 3, 2]) == 2.5)
    }

    @Test func analyticsComparesEstimatesWithTheRun() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        try store.record(sampleRun("wf-1", writerSeconds: 40))
        let analytics = try store.analytics(workflowId: "wf-1", now: 2000)
        #expect(analytics.state == .completed)
        #expect(analytics.estimatedSeconds == 40)
        #expect(analytics.actualSeconds == 62)
        #expect(analytics.criticalPath == ["research", "outline", "writer", "editor"])
        #expect(analytics.bottlenecks.first == .init(agent: "writer", seconds: 40, share: 40.0 / 62))
        #expect(analytics.retries == [.init(agent: "outline", attempts: 2, errors: ["rate limited"])])
        let outline = try #require(analytics.agents.first { $0.agent == "outline" })
        #expect(outline.actualSeconds == 5 && outline.attemptSeconds == 7 && outline.spanSeconds == 8)
        #expect(analytics.estimatedWorkSeconds == 40)
        #expect(analytics.actualWorkSeconds == 10 + 7 + 40 + 4)
        #expect(analytics.recommendations.contains { $0.hasPrefix("The run took 1 min 2 s against an estimate of 40 s") })
        #expect(analytics.recommendations.contains { $0.hasPrefix("writer ran 40 s, 2.0x its estimate of 20 s") })
        #expect(analytics.recommendations.contains { $0.hasPrefix("outline needed 2 attempts (first error: rate limited)") })
        #expect(analytics.json["critical_path"] == ["research", "outline", "writer", "editor"])
        let table = analytics.table
        #expect(table.contains("critical path: research -> outline -> writer -> editor"))
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("writer ") && $0.contains("2.00x") })
    }

    @Test func theCriticalPathFollowsWhatAnAgentWaitedFor() {
        // b and c both depend on a; d depends on b and c; c finished last, so d waited for c.
        var status = WorkflowStatus(workflowId: "wf")
        var script = EventScript("wf")
        script.add(.workflowStarted, at: 0, data: ["agents": ["a", "b", "c", "d"]])
        var runs: [AgentRun] = []
        for (name, start, end) in [("a", 0.0, 2.0), ("b", 2.0, 3.0), ("c", 2.0, 9.0), ("d", 9.5, 10.0)] {
            script.add(.agentStarted, name, attempt: 1, at: start)
            script.add(.agentCompleted, name, attempt: 1, at: end)
            runs.append(AgentRun(agent: name, attempt: 1, status: .completed, startedAt: start, finishedAt: end, durationSeconds: end - start))
        }
        script.add(.workflowCompleted, at: 10)
        for event in script.events { status.apply(event) }
        let analytics = WorkflowAnalytics.compute(
            status: status, runs: runs, dependencies: ["b": ["a"], "c": ["a"], "d": ["b", "c"]])
        #expect(analytics.criticalPath == ["a", "c", "d"])
        #expect(analytics.agents.first { $0.agent == "d" }?.waitSeconds == 0.5)
    }

    @Test func theReportIsOneSelfContainedFile() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        let request: JSONValue = ["campaign": ["title": "Solar <script>alert(1)</script> & schools"]]
        try store.createWorkflow(id: "wf-1", request: request, plan: samplePlanValue, requestFile: nil)
        try store.record(sampleRun("wf-1"))
        let html = try store.reportHTML(workflowId: "wf-1", now: 2000)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Solar &lt;script&gt;alert(1)&lt;/script&gt; &amp; schools"))
        #expect(!html.contains("<script"))
        for forbidden in ["src=", "href=", "@import", "url(", "<link"] { #expect(!html.contains(forbidden), "found \(forbidden)") }
        #expect(html.components(separatedBy: "<svg").count == 3)  // the DAG and the timeline
        for agent in ["research", "outline", "writer", "editor"] { #expect(html.contains(">\(agent)</text>")) }
        #expect(html.contains("class=\"bar failed\""))  // outline's first attempt
        #expect(html.components(separatedBy: "class=\"bar completed\"").count == 5)
        #expect(html.contains("class=\"edge critical\""))
        #expect(html.contains("stroke-dasharray=\"6 4\""))  // writer's soft dependency on research
    }

    @Test func dependencyLevelsPlaceAgentsInColumns() {
        let levels = RunReport.levels(
            order: ["a", "b", "c", "d"], dependencies: ["b": [("a", "hard")], "c": [("a", "hard")], "d": [("b", "hard"), ("c", "soft")]])
        #expect(levels == ["a": 0, "b": 1, "c": 1, "d": 2])
        #expect(RunReport.tickStep(47) == 10)
        #expect(RunReport.tickStep(0.3) == 0.05)
    }
}
