import AgentCatalog
import Testing
import WorkflowEvents

/// The status fold's words are true: progress counts completed agents, a cancelled agent
/// says cancelled, a retry reopens what runs again.
@Suite struct WorkflowStatusTests {
    private struct Script {
        var events: [WorkflowEvent] = []
        mutating func add(
            _ type: EventType, _ agent: String? = nil, attempt: Int? = nil, message: String? = nil,
            data: JSONValue? = nil
        ) {
            events.append(
                WorkflowEvent(
                    sequence: Int64(events.count + 1), workflowId: "wf", type: type, agent: agent, attempt: attempt,
                    timestamp: Double(events.count), message: message, data: data))
        }
    }

    @Test func aFailedWorkflowIsNotHundredPercentDone() {
        var script = Script()
        script.add(.workflowStarted, data: ["agents": ["a", "b", "c", "d"]])
        script.add(.agentStarted, "a", attempt: 1)
        script.add(.agentCompleted, "a", attempt: 1)
        script.add(.agentStarted, "b", attempt: 1)
        script.add(.agentFailed, "b", attempt: 1, message: "boom", data: ["final": true])
        script.add(.agentSkipped, "c", message: "hard dependency b failed")
        script.add(.agentSkipped, "d", message: "hard dependency c skipped")
        script.add(.workflowFailed, message: "b failed")
        let status = WorkflowStatus(workflowId: "wf", events: script.events)
        #expect(status.state == .failed)
        #expect(status.progressPercentage == 25)
        #expect(status.json["progress_percentage"] == .number(25))
    }

    @Test func aCancelledAgentSaysCancelledUnderTheSeedsKeys() {
        var script = Script()
        script.add(.workflowStarted, data: ["agents": ["a", "b"]])
        script.add(.agentStarted, "a", attempt: 1)
        script.add(.agentStarted, "b", attempt: 1)
        script.add(.agentFailed, "a", attempt: 1, message: "cancelled: workflow cancelled: by the user",
                   data: ["cancelled": true, "final": true])
        script.add(.agentFailed, "b", attempt: 1, message: "boom", data: ["final": true])
        script.add(.workflowCancelled, message: "by the user")
        let status = WorkflowStatus(workflowId: "wf", events: script.events)
        #expect(status.agents["a"]?.state == .cancelled)
        #expect(status.agents["b"]?.state == .failed)
        let byState = status.json["agents_status"]
        for key in ["running", "completed", "failed", "waiting", "skipped"] {
            #expect(byState?[key]?.arrayValue != nil, "the seed's key \(key) is kept")
        }
        #expect(byState?["cancelled"] == ["a"])
        #expect(byState?["failed"] == ["b"])
        #expect(status.json["counts"]?["cancelled"] == .integer(1))
    }

    @Test func aRetryReopensTheAgentsThatRunAgainAndKeepsTheRest() {
        var script = Script()
        script.add(.workflowStarted, data: ["agents": ["a", "b"]])
        script.add(.agentStarted, "a", attempt: 1)
        script.add(.agentCompleted, "a", attempt: 1)
        script.add(.agentStarted, "b", attempt: 1)
        script.add(.agentFailed, "b", attempt: 1, message: "boom", data: ["final": true])
        script.add(.workflowFailed, message: "b failed")
        script.add(.workflowRetried, message: "source fixed", data: ["agents": ["b"]])
        var status = WorkflowStatus(workflowId: "wf", events: script.events)
        #expect(status.state == .pending)
        #expect(status.finishedAt == nil)
        #expect(status.agents["b"]?.state == .waiting)
        #expect(status.agents["b"]?.message == nil)
        #expect(status.agents["b"]?.attempts == 1)
        #expect(status.agents["a"]?.state == .completed)
        script.add(.workflowStarted, data: ["agents": ["a", "b"], "completed": ["a"], "resumed": true])
        script.add(.agentStarted, "b", attempt: 2)
        script.add(.agentCompleted, "b", attempt: 2)
        script.add(.workflowCompleted)
        status = WorkflowStatus(workflowId: "wf", events: script.events)
        #expect(status.state == .completed)
        #expect(status.progressPercentage == 100)
        #expect(status.agents["b"]?.attempts == 2)
    }
}
