import AgentCatalog
import Dispatch
import HostProtocol
import Testing

@Suite struct ProtocolServerSessionTests {
    @Test func handshakeReportsVersionServerAndCapabilities() {
        let harness = ServerHarness()
        let response = harness.initialize()
        let info = result(response)
        #expect(info["protocol_version"] == "1.0")
        #expect(info["server_info"]?["name"] == "agenthost")
        #expect(info["capabilities"]?["methods"]?.arrayValue?.contains("workflow/execute") == true)
        #expect(info["capabilities"]?["max_line_bytes"] == .integer(1 << 20))
        #expect(errorCode(harness.initialize()) == 1010)
        #expect(harness.finish() == .endOfInput(interrupted: []))
    }

    @Test func requestsBeforeInitializeAreRefusedAndTheSessionGoesOn() {
        let harness = ServerHarness()
        let early = harness.request("agents/list")
        #expect(errorCode(early) == 1005)
        #expect(early["error"]?["message"]?.stringValue?.contains("agents/list") == true)
        harness.initialize()
        #expect(result(harness.request("agents/list"))["agents"]?.arrayValue?.count == 5)
        _ = harness.finish()
    }

    @Test func anUnsupportedVersionListsTheSupportedOnes() {
        let harness = ServerHarness()
        let response = harness.request("initialize", ["protocol_version": "0.9"])
        #expect(errorCode(response) == 1009)
        #expect(response["error"]?["data"]?["supported"] == ["1.0"])
        let missing = harness.request("initialize", ["client_info": [:]])
        #expect(errorCode(missing) == -32602)
        #expect(missing["error"]?["data"]?["param"] == "protocol_version")
        #expect(result(harness.initialize())["protocol_version"] == "1.0")
        _ = harness.finish()
    }

    @Test func shutdownThenEndOfInputExitsCleanlyAndRefusesLaterRequests() {
        let harness = ServerHarness()
        harness.initialize()
        let started = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["writer"]]]]))
        let id = started["workflow_id"]?.stringValue ?? ""
        let shutdown = harness.request("shutdown")
        #expect(result(shutdown)["interrupted"] == [.string(id)])
        #expect(errorCode(harness.request("agents/list")) == 1008)
        #expect(harness.finish() == .shutdown)
    }

    @Test func endOfInputInterruptsRunningWorkflows() {
        let harness = ServerHarness()
        harness.initialize()
        let started = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["editor"]]]]))
        let id = started["workflow_id"]?.stringValue ?? "?"
        let exit = harness.finish()
        #expect(exit == .endOfInput(interrupted: [id]))
        #expect((try? harness.backend.status(workflowId: id).state) == .interrupted)
    }

    @Test func cancelRequestEndsASlowRequestWhileOthersGoOn() {
        let harness = ServerHarness()
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["planner"]]]]))[
            "workflow_id"]!
        let gate = DispatchSemaphoreBox()
        harness.backend.statusGate = gate.semaphore
        let slow = harness.post("workflow/status", ["workflow_id": id])
        // Another request is answered while the first one is stuck.
        #expect(result(harness.request("agents/describe", ["agent": "writer"]))["manifest"]?["name"] == "writer")
        harness.send(#"{"jsonrpc":"2.0","method":"$/cancel_request","params":{"id":\#(slow.compactText)}}"#)
        let cancelled = harness.inbox.response(to: slow)
        #expect(errorCode(cancelled ?? .null) == 1004)
        #expect(cancelled?["error"]?["data"]?["id"] == slow)
        harness.backend.statusGate = nil
        gate.semaphore.signal()
        // The late result of the cancelled request is never written: one response per id.
        #expect(result(harness.request("agents/list"))["agents"] != nil)
        #expect(harness.inbox.all.filter { $0["id"] == slow }.count == 1)
        _ = harness.finish()
    }

    @Test func anIdInUseByARequestInFlightIsRefused() {
        let harness = ServerHarness()
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["planner"]]]]))[
            "workflow_id"]!
        let wait = harness.post("workflow/wait", ["workflow_id": id])
        harness.send(#"{"jsonrpc":"2.0","id":\#(wait.compactText),"method":"agents/list"}"#)
        let refused = harness.inbox.waitFor { $0["error"]?["code"] == -32600 && $0["error"]?["data"]?["id"] == wait }
        #expect(refused?["id"] == .null)
        harness.backend.complete(id.stringValue!)
        #expect(result(harness.inbox.response(to: wait) ?? .null)["state"] == "completed")
        _ = harness.finish()
    }
}

/// A semaphore the test releases once.
final class DispatchSemaphoreBox: Sendable {
    let semaphore = DispatchSemaphore(value: 0)
}
