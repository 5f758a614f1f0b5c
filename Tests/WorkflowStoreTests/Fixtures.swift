import AgentCatalog
import Foundation
import WorkflowEvents
import WorkflowPlanning
import WorkflowStore

/// A fresh database path in a new temporary folder (the folder is not created: the store must).
func temporaryDatabasePath(_ name: String = "state.sqlite") -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
    return folder.appendingPathComponent("nested").appendingPathComponent(name).path
}

/// A four-agent plan: research -> outline -> writer -> editor, writer also soft-depends on research.
let samplePlanValue: ExecutionPlan = {
    func agent(_ name: String, _ dependencies: [PlannedDependency], group: Int, start: Double, seconds: Double,
               source: Estimate.Source = .manifest) -> PlannedAgent {
        PlannedAgent(
            name: name, dependencies: dependencies, group: group, start: start, earliestStart: start, slack: 0,
            estimate: Estimate(seconds: seconds, source: source), isCritical: true, resources: [:], parallelSafe: true,
            priority: 40 - start)
    }
    let names = ["research", "outline", "writer", "editor"]
    return ExecutionPlan(
        strategy: .adaptive,
        agents: [
            agent("research", [], group: 0, start: 0, seconds: 10),
            agent("outline", [PlannedDependency(agent: "research", type: .hard)], group: 1, start: 10, seconds: 5),
            agent(
                "writer",
                [PlannedDependency(agent: "outline", type: .hard), PlannedDependency(agent: "research", type: .soft)],
                group: 2, start: 15, seconds: 20, source: .learned(samples: 3)),
            agent("editor", [PlannedDependency(agent: "writer", type: .hard)], group: 3, start: 35, seconds: 5),
        ],
        order: names, groups: names.map { [$0] }, criticalPath: names, estimatedSeconds: 40, criticalPathSeconds: 40,
        totalWorkSeconds: 40, peakConcurrency: 1, bottlenecks: [], recommendations: [], maxConcurrency: 2,
        resources: [:],
        request: WorkflowRequest(campaign: ["title": "Solar for schools"], recovery: .retryAlternative),
        alternatives: [:], dropped: [])
}()

/// The sample plan's JSON (docs/PLANS.md).
let samplePlan: JSONValue = samplePlanValue.json

let sampleRequest: JSONValue = ["campaign": ["title": "Solar for schools", "campaign_type": "blog_creation"]]

/// Builds events with consecutive sequence numbers for one workflow.
struct EventScript {
    let workflowId: String
    var events: [WorkflowEvent] = []

    init(_ workflowId: String) { self.workflowId = workflowId }

    mutating func add(
        _ type: EventType, _ agent: String? = nil, attempt: Int? = nil, at time: Double, progress: Double? = nil,
        message: String? = nil, data: JSONValue? = nil
    ) {
        events.append(
            WorkflowEvent(
                sequence: Int64(events.count + 1), workflowId: workflowId, type: type, agent: agent, attempt: attempt,
                timestamp: time, progress: progress, message: message, data: data))
    }
}

/// The whole sample run: outline fails once (retryable) and succeeds on attempt 2.
func sampleRun(_ id: String, start: Double = 1000, writerSeconds: Double = 25) -> [WorkflowEvent] {
    var script = EventScript(id)
    let t = start
    script.add(.workflowStarted, at: t, data: [
        "plan": samplePlan, "agents": ["research", "outline", "writer", "editor"],
        "estimates": ["research": 10.0, "outline": 5.0, "writer": 20.0, "editor": 5.0],
        "estimated_seconds": 40.0, "strategy": "adaptive", "recovery": "retry_alternative",
    ])
    script.add(.agentStarted, "research", attempt: 1, at: t, data: ["worker_pid": 4242])
    script.add(.agentCompleted, "research", attempt: 1, at: t + 10,
               data: ["output": ["notes": "panels"], "duration_seconds": 10.0])
    script.add(.agentStarted, "outline", attempt: 1, at: t + 10)
    script.add(.agentFailed, "outline", attempt: 1, at: t + 12, message: "rate limited",
               data: ["retryable": true, "timed_out": false])
    script.add(.agentRetrying, "outline", attempt: 1, at: t + 12, message: "retrying in 1 s")
    script.add(.agentStarted, "outline", attempt: 2, at: t + 13)
    script.add(.agentCompleted, "outline", attempt: 2, at: t + 18,
               data: ["output": ["sections": ["intro", "costs"]], "duration_seconds": 5.0])
    script.add(.agentStarted, "writer", attempt: 1, at: t + 18)
    script.add(.agentProgress, "writer", attempt: 1, at: t + 28, progress: 0.5)
    script.add(.agentCompleted, "writer", attempt: 1, at: t + 18 + writerSeconds,
               data: ["output": ["draft": "Solar panels on schools"], "duration_seconds": .number(writerSeconds)])
    script.add(.agentStarted, "editor", attempt: 1, at: t + 18 + writerSeconds)
    script.add(.agentCompleted, "editor", attempt: 1, at: t + 22 + writerSeconds,
               data: ["output": ["final": "ok"], "duration_seconds": 4.0])
    script.add(.workflowCompleted, at: t + 22 + writerSeconds)
    return script.events
}
