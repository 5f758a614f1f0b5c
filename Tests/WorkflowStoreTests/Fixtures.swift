import AgentCatalog
import Foundation
import WorkflowEvents
import WorkflowStore

/// A fresh database path in a new temporary folder (the folder is not created: the store must).
func temporaryDatabasePath(_ name: String = "state.sqlite") -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
    return folder.appendingPathComponent("nested").appendingPathComponent(name).path
}

/// A four-agent plan in the planner's JSON shape: research -> outline -> writer -> editor,
/// writer also soft-depends on research.
let samplePlan: JSONValue = [
    "plan_version": 1, "strategy": "adaptive", "max_concurrency": 2, "estimated_seconds": 40.0,
    "order": ["research", "outline", "writer", "editor"],
    "groups": [["research"], ["outline"], ["writer"], ["editor"]],
    "critical_path": ["research", "outline", "writer", "editor"],
    "agents": [
        ["name": "research", "dependencies": [], "group": 0, "estimate": ["seconds": 10.0, "source": "manifest"],
         "critical": true],
        ["name": "outline", "dependencies": [["agent": "research", "type": "hard"]], "group": 1,
         "estimate": ["seconds": 5.0, "source": "manifest"], "critical": true],
        ["name": "writer",
         "dependencies": [["agent": "outline", "type": "hard"], ["agent": "research", "type": "soft"]],
         "group": 2, "estimate": ["seconds": 20.0, "source": "learned", "samples": 3], "critical": true],
        ["name": "editor", "dependencies": [["agent": "writer", "type": "hard"]], "group": 3,
         "estimate": ["seconds": 5.0, "source": "manifest"], "critical": true],
    ],
    "request": ["campaign": ["title": "Solar for schools"], "recovery": "retry_alternative"],
]

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
