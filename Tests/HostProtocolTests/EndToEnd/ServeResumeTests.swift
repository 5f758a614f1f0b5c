import AgentCatalog
import Foundation
import HostProtocol
import TestSupport
import Testing
import WorkflowStore

/// Workflows that outlive a session, and control from another process through the store.
@Suite struct ServeResumeTests {
    @Test func aWorkflowInterruptedInAnEarlierSessionIsResumed() throws {
        let manifests = try makeTemporaryFolder()
        try writeEchoManifest(in: manifests)
        let first = try ChildServer(manifests: [manifests])
        first.initialize()
        let id = result(first.request("workflow/execute", ["request": echoRequest(["sleep_ms": 600_000])]))[
            "workflow_id"]!
        first.request("workflow/subscribe", ["workflow_id": id])
        #expect(first.inbox.waitFor { $0["params"]?["type"] == "agent.started" } != nil)
        #expect(first.finish() == 1)

        let second = try ChildServer(manifests: [manifests], folder: first.folder)
        second.initialize()
        // The store shows it interrupted once the first host's heartbeat is stale.
        var state: JSONValue = .null
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            state = result(second.request("workflow/status", ["workflow_id": id]))["state"] ?? .null
            if state == "interrupted" { break }
            usleep(250_000)
        }
        #expect(state == "interrupted")
        #expect(result(second.request("workflow/list"))["workflows"]?.arrayValue?.first?["state"] == "interrupted")
        // Resume runs its agent again (it had committed nothing); once it runs, cancel it and
        // check the whole history, both sessions, is one gapless stream.
        let before = second.inbox.all.count
        #expect(errorCode(second.request("workflow/resume", ["workflow_id": id])) == nil)
        #expect(errorCode(second.request("workflow/subscribe", ["workflow_id": id, "from_sequence": 1])) == nil)
        let started = second.inbox.waitForCount(2, after: before) { $0["params"]?["type"] == "agent.started" }
        #expect(started.compactMap { $0["params"]?["attempt"]?.integerValue } == [1, 2])
        #expect(
            errorCode(second.request("workflow/cancel", ["workflow_id": id, "reason": "resumed and stopped"])) == nil)
        let final = result(second.request("workflow/wait", ["workflow_id": id]))
        #expect(final["state"] == "cancelled")
        second.request("shutdown")
        #expect(second.finish() == 0)
        let stored = try SQLiteStore(path: second.databasePath).events(workflowId: id.stringValue!)
        #expect(stored.map(\.sequence) == Array(1...Int64(stored.count)))
        let streamed = second.inbox.events(of: id.stringValue!).compactMap { $0["params"]?["sequence"]?.integerValue }
        #expect(streamed == stored.map(\.sequence))
        #expect(stored.filter { $0.type == .workflowStarted }.count >= 1)
        #expect(stored.last?.type == .workflowCancelled)
    }

    @Test func aCancelRequestedThroughTheStoreByAnotherProcessIsApplied() throws {
        let manifests = try makeTemporaryFolder()
        try writeEchoManifest(in: manifests)
        let server = try ChildServer(manifests: [manifests])
        server.initialize()
        let id = result(server.request("workflow/execute", ["request": echoRequest(["sleep_ms": 600_000])]))[
            "workflow_id"]!
        let store = try SQLiteStore(path: server.databasePath)
        // Wait until the store knows the workflow is running, then ask as `agenthost cancel` would.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try? store.status(workflowId: id.stringValue!).state) != .running { usleep(50_000) }
        try store.requestControl(workflowId: id.stringValue!, .cancel)
        let final = result(server.request("workflow/wait", ["workflow_id": id]))
        #expect(final["state"] == "cancelled")
        server.request("shutdown")
        #expect(server.finish() == 0)
    }
}

/// `agenthost serve --no-store`: everything from memory, for this session only.
@Suite struct ServeWithoutStoreTests {
    @Test func workflowsLiveInMemoryOnly() throws {
        let manifests = try makeTemporaryFolder()
        try writeEchoManifest(in: manifests)
        let server = try ChildServer(manifests: [manifests], arguments: ["--no-store"])
        #expect(result(server.initialize())["capabilities"]?["persistent"] == false)
        let id = result(server.request("workflow/execute", ["request": echoRequest()]))["workflow_id"]!
        #expect(result(server.request("workflow/wait", ["workflow_id": id]))["state"] == "completed")
        let analytics = result(server.request("workflow/analytics", ["workflow_id": id]))
        #expect(analytics["agents"]?.arrayValue?.first?["agent"] == "echo")
        #expect(analytics["critical_path"] == ["echo"])
        #expect(
            result(server.request("workflow/agent_result", ["workflow_id": id, "agent": "echo"]))["output"]?["echo"]
                != nil)
        #expect(result(server.request("workflow/list"))["workflows"]?.arrayValue?.map { $0["workflow_id"] } == [id])
        server.request("shutdown")
        #expect(server.finish() == 0)
        #expect(!FileManager.default.fileExists(atPath: server.databasePath))
    }
}
