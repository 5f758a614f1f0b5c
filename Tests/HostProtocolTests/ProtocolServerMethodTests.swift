import AgentCatalog
import HostProtocol
import WorkflowHosting
import Synchronization
import Testing

@Suite struct ProtocolServerMethodTests {
    @Test func agentsListFiltersAndDescribeNamesDependencies() {
        let harness = ServerHarness()
        harness.initialize()
        let writers = result(harness.request("agents/list", ["capability": "copywriting"]))["agents"]
        #expect(writers?.arrayValue?.map { $0["name"] } == ["writer"])
        let byOutput = result(harness.request("agents/list", ["output": "final"]))["agents"]
        #expect(byOutput?.arrayValue?.map { $0["name"] } == ["editor"])
        let writer = result(harness.request("agents/describe", ["agent": "writer"]))
        #expect(writer["manifest"]?["dependencies"] == ["planner"])
        #expect(writer["dependents"] == ["editor"])
        let unknown = harness.request("agents/describe", ["agent": "ghost"])
        #expect(errorCode(unknown) == 1002)
        #expect(unknown["error"]?["data"]?["agent"] == "ghost")
        let wrong = harness.request("agents/describe", ["agent": 3])
        #expect(errorCode(wrong) == -32602)
        #expect(wrong["error"]?["message"]?.stringValue?.contains("agent must be a string, got an integer") == true)
        let extra = harness.request("agents/list", ["colour": "red"])
        #expect(extra["error"]?["data"]?["param"] == "colour")
        _ = harness.finish()
    }

    @Test func reloadPicksUpNewAgentsAndDropsVanishedOnes() {
        let extra = Mutex<[Manifest]>([Manifest(name: "old_timer")])
        let directory = AgentDirectory { testDiscovery(extra: extra.withLock { $0 }) }
        let harness = ServerHarness(directory: directory)
        harness.initialize()
        extra.withLock { $0 = [Manifest(name: "newcomer", capabilities: ["novelty"])] }
        let reload = result(harness.request("agents/reload"))
        #expect(reload["added"] == ["newcomer"])
        #expect(reload["removed"] == ["old_timer"])
        #expect(reload["agents"] == 6)
        #expect(
            result(harness.request("agents/describe", ["agent": "newcomer"]))["manifest"]?["capabilities"] == [
                "novelty"
            ])
        #expect(errorCode(harness.request("agents/describe", ["agent": "old_timer"])) == 1002)
        _ = harness.finish()
    }

    @Test func planReturnsAPlanIdThatExecuteRuns() {
        let harness = ServerHarness()
        harness.initialize()
        let planned = result(
            harness.request("workflow/plan", ["request": ["goal": ["agents": ["editor"]], "strategy": "sequential"]]))
        #expect(planned["plan"]?["order"] == ["planner", "writer", "editor"])
        let planId = planned["plan_id"]!
        let started = result(harness.request("workflow/execute", ["plan_id": planId]))
        #expect(started["plan"] == planned["plan"])
        let workflowId = started["workflow_id"]!
        #expect(result(harness.request("workflow/plan_of", ["workflow_id": workflowId]))["plan"] == planned["plan"])
        #expect(errorCode(harness.request("workflow/execute", ["plan_id": "plan-999"])) == 1011)
        let both = harness.request("workflow/execute", ["plan_id": planId, "request": [:]])
        #expect(both["error"]?["data"]?["param"] == "plan_id")
        let neither = harness.request("workflow/execute", [:])
        #expect(neither["error"]?["data"]?["param"] == "request")
        _ = harness.finish()
    }

    @Test func planErrorsNameTheFieldOrCarryTheCycle() {
        let harness = ServerHarness()
        harness.initialize()
        let cycle = harness.request("workflow/plan", ["request": ["goal": ["agents": ["loop_a"]]]])
        #expect(errorCode(cycle) == 1003)
        #expect(cycle["error"]?["data"]?["code"] == "cycle")
        #expect(cycle["error"]?["message"]?.stringValue?.contains("loop_a") == true)
        let bad = harness.request(
            "workflow/plan", ["request": ["goal": ["agents": ["writer"]], "strategy": "fastest"]])
        #expect(errorCode(bad) == -32602)
        #expect(bad["error"]?["data"]?["param"] == "request.strategy")
        let unknownField = harness.request("workflow/plan", ["request": ["goal": ["agents": ["writer"]], "speed": 1]])
        #expect(unknownField["error"]?["data"]?["param"] == "request.speed")
        let notObject = harness.request("workflow/plan", ["request": "please"])
        #expect(errorCode(notObject) == -32602)
        _ = harness.finish()
    }

    @Test func statusResultAndListFollowTheWorkflow() {
        let harness = ServerHarness()
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["writer"]]]]))[
            "workflow_id"]!
        let before = result(harness.request("workflow/status", ["workflow_id": id]))
        #expect(before["state"] == "running")
        #expect(before["agents_status"]?["waiting"] == ["planner", "writer"])
        #expect(before["progress_percentage"] == 0)
        let pending = result(harness.request("workflow/agent_result", ["workflow_id": id, "agent": "writer"]))
        #expect(pending["state"] == "waiting")
        #expect(pending["output"] == .null)
        harness.backend.complete(id.stringValue!)
        let after = result(harness.request("workflow/status", ["workflow_id": id]))
        #expect(after["state"] == "completed")
        #expect(after["progress_percentage"] == 100)
        #expect(after["counts"]?["completed"] == 2)
        #expect(after["execution_info"]?["last_sequence"] != nil)
        let output = result(harness.request("workflow/agent_result", ["workflow_id": id, "agent": "writer"]))
        #expect(output["output"] == ["text": "output of writer"])
        let stranger = harness.request("workflow/agent_result", ["workflow_id": id, "agent": "editor"])
        #expect(errorCode(stranger) == 1002)
        let list = result(harness.request("workflow/list", ["limit": 10]))["workflows"]?.arrayValue ?? []
        #expect(list.map { $0["workflow_id"] } == [id])
        #expect(list.first?["state"] == "completed")
        #expect(result(harness.request("workflow/analytics", ["workflow_id": id]))["workflow_id"] == id)
        let unknown = harness.request("workflow/status", ["workflow_id": "nope"])
        #expect(errorCode(unknown) == 1001)
        #expect(unknown["error"]?["data"]?["workflow_id"] == "nope")
        #expect(errorCode(harness.request("workflow/list", ["limit": 0])) == -32602)
        _ = harness.finish()
    }

    @Test func pauseResumeAndCancelSteerTheWorkflowAndRefuseFinishedOnes() {
        let harness = ServerHarness()
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["writer"]]]]))[
            "workflow_id"]!
        #expect(result(harness.request("workflow/pause", ["workflow_id": id]))["state"] == "paused")
        #expect(result(harness.request("workflow/resume", ["workflow_id": id]))["state"] == "running")
        let cancelled = result(harness.request("workflow/cancel", ["workflow_id": id, "reason": "changed my mind"]))
        #expect(cancelled["state"] == "cancelled")
        #expect(cancelled["execution_info"]?["message"] == "changed my mind")
        let again = harness.request("workflow/pause", ["workflow_id": id])
        #expect(errorCode(again) == 1007)
        #expect(again["error"]?["data"]?["state"] == "cancelled")
        #expect(harness.backend.calls == ["pause wf-1", "resume wf-1", "cancel wf-1"])
        _ = harness.finish()
    }

    @Test func retryStartsANewAttemptOfACancelledWorkflowAndRefusesOtherStates() {
        let harness = ServerHarness()
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["writer"]]]]))[
            "workflow_id"]!
        let running = harness.request("workflow/retry", ["workflow_id": id])
        #expect(errorCode(running) == 1007)
        #expect(running["error"]?["data"]?["state"] == "running")
        _ = harness.request("workflow/cancel", ["workflow_id": id])
        let badAgents = harness.request("workflow/retry", ["workflow_id": id, "agents": "writer"])
        #expect(errorCode(badAgents) == -32602)
        #expect(badAgents["error"]?["data"]?["param"] == "agents")
        let retried = result(harness.request("workflow/retry", ["workflow_id": id, "reason": "try again"]))
        #expect(retried["agents"] == ["planner", "writer"])
        #expect(retried["status"]?["state"] == "pending")
        #expect(retried["status"]?["execution_info"]?["message"] == "try again")
        #expect(errorCode(harness.request("workflow/retry", ["workflow_id": "wf-404"])) == 1001)
        #expect(harness.backend.calls == ["cancel wf-1", "retry wf-1"])
        _ = harness.finish()
    }

    @Test func subscribeReplaysFromASequenceThenStreamsInOrder() {
        let harness = ServerHarness()
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["editor"]]]]))[
            "workflow_id"]!
        harness.backend.complete(id.stringValue!)
        // 1 started + 3 agents x 3 events + 1 completed = 11 events; ask from 5.
        let subscribed = harness.request("workflow/subscribe", ["workflow_id": id, "from_sequence": 5])
        #expect(result(subscribed)["last_sequence"] == 11)
        let events = harness.inbox.waitForCount(7) { $0["method"] == "workflow/event" }
        #expect(events.map { $0["params"]?["sequence"]?.integerValue ?? 0 } == Array(5...11))
        // The response comes before the first event it announces.
        let frames = harness.inbox.all
        let responseIndex = frames.firstIndex { $0["id"] == subscribed["id"] }
        let firstEvent = frames.firstIndex { $0["method"] == "workflow/event" }
        #expect(responseIndex != nil && firstEvent != nil && responseIndex! < firstEvent!)
        #expect(events.last?["params"]?["type"] == "workflow.completed")
        _ = harness.finish()
    }

    @Test func liveEventsArriveWithoutGapsUntilUnsubscribed() {
        let harness = ServerHarness()
        harness.initialize()
        let first = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["writer"]]]]))[
            "workflow_id"]!
        let second = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["planner"]]]]))[
            "workflow_id"]!
        harness.request("workflow/subscribe", ["workflow_id": first])
        harness.request("workflow/subscribe", ["workflow_id": second])
        harness.backend.complete(second.stringValue!)
        harness.backend.complete(first.stringValue!)
        let firstEvents = harness.inbox.waitForCount(8) {
            $0["method"] == "workflow/event" && $0["params"]?["workflow_id"] == first
        }
        let secondEvents = harness.inbox.waitForCount(5) {
            $0["method"] == "workflow/event" && $0["params"]?["workflow_id"] == second
        }
        #expect(firstEvents.map { $0["params"]?["sequence"]?.integerValue ?? 0 } == Array(1...8))
        #expect(secondEvents.map { $0["params"]?["sequence"]?.integerValue ?? 0 } == Array(1...5))
        let unsubscribed = result(harness.request("workflow/unsubscribe", ["workflow_id": first]))
        #expect(unsubscribed["was_subscribed"] == true)
        #expect(result(harness.request("workflow/unsubscribe", ["workflow_id": first]))["was_subscribed"] == false)
        _ = harness.finish()
    }

    @Test func waitAnswersWhenTheWorkflowFinishes() {
        let harness = ServerHarness()
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["planner"]]]]))[
            "workflow_id"]!
        let wait = harness.post("workflow/wait", ["workflow_id": id])
        #expect(result(harness.request("workflow/status", ["workflow_id": id]))["state"] == "running")
        #expect(harness.inbox.all.contains { $0["id"] == wait } == false)
        harness.backend.complete(id.stringValue!)
        #expect(result(harness.inbox.response(to: wait) ?? .null)["state"] == "completed")
        _ = harness.finish()
    }

    @Test func aSecondSubscribeReplacesTheFirstAndUnsubscribeStopsTheStream() {
        let harness = ServerHarness()
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["planner"]]]]))[
            "workflow_id"]!
        harness.request("workflow/subscribe", ["workflow_id": id])
        harness.request("workflow/subscribe", ["workflow_id": id, "from_sequence": 2])
        harness.backend.complete(id.stringValue!)
        // 1 started + 3 for planner + 1 completed = 5. The first subscription may have sent #1
        // before it was replaced (undelivered events of a closed subscription are dropped);
        // the second sends 2...5, each once.
        let events = harness.inbox.waitForCount(4) {
            $0["method"] == "workflow/event" && $0["params"]?["sequence"] != 1
        }
        _ = harness.request("agents/list")
        let sequences = harness.inbox.events(of: id.stringValue!).compactMap { $0["params"]?["sequence"]?.integerValue }
        #expect(sequences == [1, 2, 3, 4, 5] || sequences == [2, 3, 4, 5])
        #expect(events.count == 4)
        harness.request("workflow/unsubscribe", ["workflow_id": id])
        let second = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["planner"]]]]))[
            "workflow_id"]!
        harness.request("workflow/subscribe", ["workflow_id": second])
        harness.request("workflow/unsubscribe", ["workflow_id": second])
        harness.backend.complete(second.stringValue!)
        _ = harness.request("agents/list")
        let after = harness.inbox.events(of: second.stringValue!).compactMap { $0["params"]?["sequence"]?.integerValue }
        #expect(after == [] || after == [1])
        _ = harness.finish()
    }
}
