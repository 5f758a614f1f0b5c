import AgentCatalog
import Dispatch
import Foundation
import HostProtocol
import WorkflowHosting
import Testing

/// Hostile and careless clients at the edges of docs/PROTOCOL.md: ordering around
/// `initialize`, notifications, client responses, the end of input, and huge lines.
@Suite struct ProtocolEdgeTests {
    private static let initializeLine =
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocol_version":"1.0"}}"#

    private static func listLine(_ id: Int) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"agents/list"}"#
    }

    @Test func requestsSentInTheSameWriteAsInitializeAreHandledAfterIt() {
        let harness = ServerHarness()
        let lines = [Self.initializeLine] + (2...21).map(Self.listLine)
        harness.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        for id in 2...21 {
            let response = harness.inbox.response(to: .integer(Int64(id)))
            #expect(errorCode(response ?? .null) == nil, "request \(id): \(response?.compactText ?? "no response")")
            #expect(response?["result"]?["agents"]?.arrayValue?.count == 5)
        }
        _ = harness.finish()
    }

    @Test func aNotificationIsNeverAnsweredEvenWhenMalformed() {
        let harness = ServerHarness()
        harness.initialize()
        harness.send(#"{"jsonrpc":"2.0","method":"$/cancel_request","params":[7]}"#)
        harness.send(#"{"jsonrpc":"2.0","method":"workflow/status","params":"wf-1"}"#)
        harness.send(#"{"jsonrpc":"1.0","method":"agents/list"}"#)
        harness.send(#"{"jsonrpc":"2.0","method":"agents/list","extra":true}"#)
        harness.send(#"{"jsonrpc":"2.0","method":"no/such/method"}"#)
        let marker = harness.request("agents/list")
        #expect(errorCode(marker) == nil)
        // Exactly two frames: the initialize response and the marker's.
        #expect(harness.inbox.all.count == 2, "\(harness.inbox.all.map(\.compactText))")
        _ = harness.finish()
    }

    @Test func responseMessagesFromTheClientAreIgnored() {
        let harness = ServerHarness()
        harness.initialize()
        harness.send(#"{"jsonrpc":"2.0","id":null,"result":{"ok":true}}"#)
        harness.send(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"Method not found"}}"#)
        harness.send(#"{"jsonrpc":"2.0","result":42}"#)
        harness.send(#"{"jsonrpc":"2.0","id":"abc","error":{"code":1,"message":"no"}}"#)
        let marker = harness.request("agents/list")
        #expect(errorCode(marker) == nil)
        #expect(harness.inbox.all.count == 2, "\(harness.inbox.all.map(\.compactText))")
        _ = harness.finish()
    }

    @Test func requestsInFlightWhenInputEndsGetTheirRealAnswer() {
        let backend = FakeBackend()
        let harness = ServerHarness(backend: backend)
        harness.initialize()
        let id = result(harness.request("workflow/execute", ["request": ["goal": ["agents": ["editor"]]]]))[
            "workflow_id"]?.stringValue ?? "?"
        // Three status requests held up inside the backend, and a wait on the running workflow.
        let gate = DispatchSemaphore(value: 0)
        backend.statusGate = gate
        let slow = (0..<3).map { _ in harness.post("workflow/status", ["workflow_id": .string(id)]) }
        let wait = harness.post("workflow/wait", ["workflow_id": .string(id)])
        let ended = DispatchSemaphore(value: 0)
        // A thread of its own: the held requests occupy Dispatch's worker threads, and a block
        // queued behind them on the global pool may not start before the gate opens.
        Thread {
            _ = harness.finish()
            ended.signal()
        }.start()
        // Only once the server has seen the end of its input do the held requests go on.
        #expect(backend.interruptions.wait(timeout: .now() + 20) == .success)
        for _ in 0..<64 { gate.signal() }
        #expect(ended.wait(timeout: .now() + 20) == .success)
        for request in slow {
            let response = harness.inbox.response(to: request)
            #expect(errorCode(response ?? .null) == nil, "\(response?.compactText ?? "no response")")
            #expect(response?["result"]?["workflow_id"] == .string(id))
        }
        let waited = harness.inbox.response(to: wait)
        #expect(waited?["result"]?["state"] == "interrupted", "\(waited?.compactText ?? "no response")")
    }

    @Test func initializeAndRequestsFollowedAtOnceByTheEndOfInputAreAllAnswered() {
        let harness = ServerHarness()
        let lines = [Self.initializeLine] + (2...6).map(Self.listLine)
        harness.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(harness.finish() == .endOfInput(interrupted: []))
        #expect(harness.inbox.waitForEnd())
        for id in 1...6 {
            let response = harness.inbox.response(to: .integer(Int64(id)), timeout: 1)
            #expect(response?["result"] != nil, "request \(id): \(response?.compactText ?? "no response")")
        }
    }

    @Test func aHugeLineDoesNotHoldUpTheRequestsAfterIt() {
        let harness = ServerHarness(maximumLineBytes: 32 << 20)
        harness.initialize()
        // 12 MB of \u escapes in an unknown param: parsing it is the only slow part.
        let escapes = String(repeating: #"\u00e9"#, count: 2_000_000)
        harness.send(#"{"jsonrpc":"2.0","id":"huge","method":"agents/list","params":{"padding":""#
            + escapes + #""}}"#)
        harness.send(Self.listLine(2))
        let small = harness.inbox.response(to: 2)
        let huge = harness.inbox.response(to: "huge", timeout: 120)
        #expect(errorCode(huge ?? .null) == -32602, "the huge line is parsed and answered")
        let frames = harness.inbox.all
        let smallIndex = frames.firstIndex { $0["id"] == 2 }
        let hugeIndex = frames.firstIndex { $0["id"] == "huge" }
        #expect(small != nil && smallIndex != nil && hugeIndex != nil && smallIndex! < hugeIndex!)
        _ = harness.finish()
    }

    @Test func aSubscriberGetsEveryEventUpToTheLastWhenTheSessionEnds() {
        let extra = (1...150).map { Manifest(name: "agent_\($0)", outputs: ["out_\($0)"], estimateSeconds: 1) }
        let backend = FakeBackend()
        let harness = ServerHarness(directory: AgentDirectory { testDiscovery(extra: extra) }, backend: backend)
        harness.initialize()
        let goal: JSONValue = ["agents": .array(extra.map { .string($0.name) })]
        let id = result(harness.request("workflow/execute", ["request": ["goal": goal]]))["workflow_id"]?
            .stringValue ?? "?"
        #expect(errorCode(harness.request("workflow/subscribe", ["workflow_id": .string(id)])) == nil)
        backend.complete(id)
        let stored = (try? backend.status(workflowId: id).lastSequence) ?? 0
        #expect(stored > 400)
        _ = harness.finish()
        #expect(harness.inbox.waitForEnd())
        let streamed = harness.inbox.events(of: id).compactMap { $0["params"]?["sequence"]?.integerValue }
        #expect(streamed == Array(1...stored))
    }

    @Test func executeReportsACampaignSourceThatDoesNotExistNamingTheField() {
        let harness = ServerHarness()
        harness.initialize()
        let base = NSTemporaryDirectory()
        let request: JSONValue = ["goal": ["agents": ["planner"]], "campaign": ["sources": ["no-such-file.md"]]]
        let response = harness.request("workflow/execute", ["request": request, "base_directory": .string(base)])
        #expect(errorCode(response) == -32602)
        #expect(response["error"]?["data"]?["param"] == "request.campaign.sources[0]")
        #expect(response["error"]?["message"]?.stringValue?.contains("no-such-file.md") == true)
        #expect(result(harness.request("workflow/list"))["workflows"]?.arrayValue?.isEmpty == true)
        _ = harness.finish()
    }
}
