import AgentCatalog
import Foundation
import HostProtocol
import TestSupport
import Testing
import WorkflowExecution
import WorkflowStore

/// `agenthost serve` as a real child process, with the echo test plugin.
@Suite(.serialized) struct ServeProcessTests {
    private func start(arguments: [String] = []) throws -> ChildServer {
        let manifests = try makeTemporaryFolder()
        try writeEchoManifest(in: manifests)
        let server = try ChildServer(manifests: [manifests], arguments: arguments)
        return server
    }

    @Test func everyMethodThroughTheBinary() throws {
        let server = try start()
        #expect(result(server.initialize())["protocol_version"] == "1.0")
        #expect(result(server.request("agents/list"))["agents"]?.arrayValue?.map { $0["name"] } == ["echo"])
        #expect(
            result(server.request("agents/describe", ["agent": "echo"]))["manifest"]?["library"]
                == "libTestEchoAgent.so")
        #expect(result(server.request("agents/reload"))["agents"] == 1)
        let planned = result(server.request("workflow/plan", ["request": echoRequest()]))
        #expect(planned["plan"]?["order"] == ["echo"])
        let started = result(server.request("workflow/execute", ["plan_id": planned["plan_id"]!]))
        let id = started["workflow_id"]!
        let final = result(server.request("workflow/wait", ["workflow_id": id]))
        #expect(final["state"] == "completed")
        #expect(final["agents_status"]?["completed"] == ["echo"])
        #expect(final["progress_percentage"] == 100)
        let status = result(server.request("workflow/status", ["workflow_id": id]))
        #expect(status["counts"]?["completed"] == 1)
        #expect(status["execution_info"]?["state"] == "completed")
        #expect(result(server.request("workflow/plan_of", ["workflow_id": id]))["plan"]?["order"] == ["echo"])
        let analytics = result(server.request("workflow/analytics", ["workflow_id": id]))
        #expect(analytics["workflow_id"] == id)
        let output = result(server.request("workflow/agent_result", ["workflow_id": id, "agent": "echo"]))
        #expect(output["state"] == "completed")
        #expect(output["output"]?["echo"]?["agent"] == "echo")
        let list = result(server.request("workflow/list"))["workflows"]?.arrayValue ?? []
        #expect(list.map { $0["workflow_id"] } == [id])
        let unknown = server.request("workflow/status", ["workflow_id": "wf-nope"])
        #expect(errorCode(unknown) == 1001)
        let finished = server.request("workflow/cancel", ["workflow_id": id])
        #expect(errorCode(finished) == 1007)
        #expect(result(server.request("shutdown"))["interrupted"] == [])
        #expect(server.finish() == 0)
    }

    @Test func eventsArriveInOrderWithoutGapsAndMatchTheStore() throws {
        let server = try start()
        server.initialize()
        let id = result(server.request("workflow/execute", ["request": echoRequest(["sleep_ms": 50])]))["workflow_id"]!
        let subscribed = result(server.request("workflow/subscribe", ["workflow_id": id, "from_sequence": 1]))
        #expect(subscribed["from_sequence"] == 1)
        let terminal = server.inbox.waitFor { $0["params"]?["type"] == "workflow.completed" }
        #expect(terminal != nil)
        let streamed = server.inbox.events(of: id.stringValue!).compactMap {
            WorkflowEvent(json: $0["params"] ?? .null)
        }
        #expect(streamed.map(\.sequence) == Array(1...Int64(streamed.count)))
        #expect(streamed.first?.type == .workflowStarted)
        #expect(streamed.contains { $0.type == .agentCompleted && $0.agent == "echo" })
        // Replay from the middle gives the same events again.
        server.request("workflow/unsubscribe", ["workflow_id": id])
        let before = server.inbox.all.count
        server.request("workflow/subscribe", ["workflow_id": id, "from_sequence": 3])
        let replayed = server.inbox.waitForCount(streamed.count - 2, after: before) { frame in
            frame["method"] == "workflow/event" && frame["params"]?["workflow_id"] == id
        }
        #expect(replayed.compactMap { $0["params"]?["sequence"]?.integerValue } == Array(3...Int64(streamed.count)))
        #expect(result(server.request("shutdown")) != .null)
        #expect(server.finish() == 0)
        let store = try SQLiteStore(path: server.databasePath)
        let stored = try store.events(workflowId: id.stringValue!)
        #expect(stored.map(\.sequence) == streamed.map(\.sequence))
        #expect(stored.map(\.type) == streamed.map(\.type))
        #expect(stored.map(\.agent) == streamed.map(\.agent))
    }

    @Test func twoWorkflowsRunAtOnceAndAWorkflowAndARequestCanBeCancelled() throws {
        let server = try start()
        server.initialize()
        let slow = result(server.request("workflow/execute", ["request": echoRequest(["sleep_ms": 30_000])]))[
            "workflow_id"]!
        let quick = result(server.request("workflow/execute", ["request": echoRequest(["sleep_ms": 20])]))[
            "workflow_id"]!
        // The quick one finishes while the slow one still runs.
        #expect(result(server.request("workflow/wait", ["workflow_id": quick]))["state"] == "completed")
        #expect(
            result(server.request("workflow/status", ["workflow_id": slow]))["agents_status"]?["running"] == ["echo"])
        // A wait on the slow one is ended by $/cancel_request; the session goes on.
        let wait = server.post("workflow/wait", ["workflow_id": slow])
        server.send(#"{"jsonrpc":"2.0","method":"$/cancel_request","params":{"id":\#(wait.compactText)}}"#)
        let cancelled = server.inbox.response(to: wait)
        #expect(errorCode(cancelled ?? .null) == 1004)
        // Cancelling the workflow stops the sleeping agent.
        #expect(errorCode(server.request("workflow/cancel", ["workflow_id": slow, "reason": "test is done"])) == nil)
        let final = result(server.request("workflow/wait", ["workflow_id": slow]))
        #expect(final["state"] == "cancelled")
        #expect(final["execution_info"]?["message"] == "test is done")
        server.request("shutdown")
        #expect(server.finish() == 0)
    }

    @Test func pauseAndResumeThroughTheBinary() throws {
        let server = try start()
        server.initialize()
        let id = result(server.request("workflow/execute", ["request": echoRequest(["sleep_ms": 200])]))["workflow_id"]!
        let paused = result(server.request("workflow/pause", ["workflow_id": id]))
        #expect(paused["workflow_id"] == id)
        let resumed = server.request("workflow/resume", ["workflow_id": id])
        #expect(errorCode(resumed) == nil)
        #expect(result(server.request("workflow/wait", ["workflow_id": id]))["state"] == "completed")
        server.request("shutdown")
        #expect(server.finish() == 0)
    }

    @Test func aPluginThatPrintsToStdoutDoesNotBreakFraming() throws {
        let server = try start()
        server.initialize()
        let id = result(server.request("workflow/execute", ["request": echoRequest(["mode": "print"])]))["workflow_id"]!
        server.request("workflow/subscribe", ["workflow_id": id])
        #expect(result(server.request("workflow/wait", ["workflow_id": id]))["state"] == "completed")
        #expect(result(server.request("agents/list"))["agents"] != nil)
        server.request("shutdown")
        #expect(server.finish() == 0)
        #expect(server.inbox.lines.allSatisfy { (try? JSONValue(parsing: $0))?.objectValue != nil })
        #expect(!server.inbox.lines.contains { String(decoding: $0, as: UTF8.self).contains("echo printed this") })
        #expect(server.standardError.contains("echo printed this to stdout"))
    }

    @Test func reloadPicksUpADroppedInManifestAndDropsAVanishedOne() throws {
        let manifests = try makeTemporaryFolder()
        let server = try ChildServer(manifests: [manifests])
        server.initialize()
        #expect(result(server.request("agents/list"))["agents"] == [])
        try writeEchoManifest(in: manifests)
        #expect(result(server.request("agents/reload"))["added"] == ["echo"])
        #expect(
            result(
                server.request(
                    "workflow/wait",
                    [
                        "workflow_id": result(server.request("workflow/execute", ["request": echoRequest()]))[
                            "workflow_id"]!
                    ]))["state"] == "completed")
        try FileManager.default.removeItem(atPath: manifests + "/echo.json")
        #expect(result(server.request("agents/reload"))["removed"] == ["echo"])
        #expect(errorCode(server.request("agents/describe", ["agent": "echo"])) == 1002)
        server.request("shutdown")
        #expect(server.finish() == 0)
    }

    @Test func endOfInputInterruptsARunningWorkflowAndExitsNonZero() throws {
        let server = try start()
        server.initialize()
        let id = result(server.request("workflow/execute", ["request": echoRequest(["sleep_ms": 30_000])]))[
            "workflow_id"]!
        #expect(id.stringValue?.hasPrefix("wf-") == true)
        #expect(server.finish() == 1)
    }

    @Test func malformedLinesThroughTheBinaryEachGetTheirError() throws {
        let server = try start(arguments: ["--max-line-bytes", "4096"])
        server.initialize()
        var generator = MalformedLines(seed: 11)
        let cases = (0..<1500).map { generator.make(index: $0) }
        var stream: [UInt8] = []
        for item in cases { stream += item.line + [0x0A] }
        stream += [UInt8](repeating: 0x20, count: 5000) + Array("{}".utf8) + [0x0A]
        server.write(stream)
        let errors = server.inbox.waitForCount(cases.count + 1) { $0["error"] != nil }
        #expect(errors.count == cases.count + 1)
        var byId: [JSONValue: Int64] = [:]
        for response in errors where response["id"] != .null {
            byId[response["id"]!] = response["error"]?["code"]?.integerValue
        }
        for item in cases where item.id != .null { #expect(byId[item.id] == item.code) }
        let anonymous = errors.filter { $0["id"] == .null }.compactMap { $0["error"]?["code"]?.integerValue }
        #expect(anonymous == cases.filter { $0.id == .null }.map(\.code) + [-32600])
        #expect(result(server.request("agents/list"))["agents"]?.arrayValue?.count == 1)
        server.request("shutdown")
        #expect(server.finish() == 0)
    }
}
