import AgentCatalog
import Foundation
import HTTPTypes
import HostProtocol
import WorkflowHosting
import Hummingbird
import HummingbirdTesting
import Testing
import WorkflowExecution
import WorkflowStore

@testable import HostHTTP

/// Server-Sent Events and NDJSON of a workflow's events, and the runs of other processes.
@Suite struct EventStreamTests {
    /// `(id, event, data)` of each SSE message.
    func messages(_ text: String) -> [(id: Int64?, event: String?, data: JSONValue)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: Int64?
            var event: String?
            var data: JSONValue?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = try? JSONValue(parsing: String(line.dropFirst(6))) }
            }
            return data.map { (id, event, $0) }
        }
    }

    @Test func theStreamReplaysFromOneAndEndsAfterTheTerminalEvent() async throws {
        let dashboard = try TestDashboard()
        let id = try await dashboard.finishedWorkflow()
        let last = (await dashboard.call("workflow/status", ["workflow_id": .string(id)]))["execution_info"]?["last_sequence"]
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/workflows/\(id)/events", method: .get, headers: local()) {
                response in
                #expect(response.headers[.contentType] == "text/event-stream")
                var events = messages(text(response))
                #expect(events.last?.event == "end", "the stream says it is over, so EventSource does not reconnect")
                events.removeLast()
                #expect(events.map(\.id) == (0..<(last?.integerValue ?? 0)).map { $0 + 1 })
                #expect(events.first?.event == "workflow.started")
                #expect(events.last?.event == "workflow.completed")
                #expect(events.last?.data["sequence"] == last)
            }
            // A reconnect after the end is told the same at once.
            try await client.execute(
                uri: "/api/v1/workflows/\(id)/events", method: .get,
                headers: local([HTTPField.Name("Last-Event-ID")!: "\(last?.integerValue ?? 0)"])
            ) {
                #expect(messages(text($0)).map(\.event) == ["end"])
            }
        }
    }

    @Test func aRetriedWorkflowIsStreamedPastItsFirstEndToItsLast() async throws {
        let dashboard = try TestDashboard(held: ["writer"])
        let started = await dashboard.call("workflow/execute", ["request": editorRequest])
        let id = try #require(started["workflow_id"]?.stringValue)
        _ = await dashboard.call("workflow/cancel", ["workflow_id": .string(id)])
        _ = await dashboard.call("workflow/wait", ["workflow_id": .string(id)])
        dashboard.runner.release()
        _ = await dashboard.call("workflow/retry", ["workflow_id": .string(id)])
        let final = await dashboard.call("workflow/wait", ["workflow_id": .string(id)])
        #expect(final["state"] == "completed")
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/workflows/\(id)/events", method: .get, headers: local()) {
                let types = messages(text($0)).compactMap(\.event)
                #expect(types.contains("workflow.cancelled"))
                #expect(types.contains("workflow.retried"))
                #expect(Array(types.suffix(2)) == ["workflow.completed", "end"])
            }
            // NDJSON carries events only, through the same last one.
            try await client.execute(
                uri: "/api/v1/workflows/\(id)/events", method: .get, headers: local([.accept: "application/x-ndjson"])
            ) { response in
                let lines = text(response).split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
                #expect(lines.last?["type"] == "workflow.completed")
            }
        }
    }

    @Test func aTerminalEventBeforeTheLastKnownSequenceDoesNotEndTheFeed() async {
        let feed = EventFeed(from: 1, lastKnown: 4)
        feed.offer([
            WorkflowEvent(sequence: 1, workflowId: "wf", type: .workflowFailed, timestamp: 0),
            WorkflowEvent(sequence: 2, workflowId: "wf", type: .workflowRetried, timestamp: 0),
            WorkflowEvent(sequence: 3, workflowId: "wf", type: .agentStarted, timestamp: 0),
            WorkflowEvent(sequence: 4, workflowId: "wf", type: .workflowCompleted, timestamp: 0),
            WorkflowEvent(sequence: 5, workflowId: "wf", type: .agentStarted, timestamp: 0),
        ])
        #expect(await feed.take()?.map(\.sequence) == [1, 2, 3, 4])
        #expect(await feed.take() == nil)
    }

    @Test func fromAndLastEventIDResumeWhereAsked() async throws {
        let dashboard = try TestDashboard()
        let id = try await dashboard.finishedWorkflow()
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/workflows/\(id)/events?from=3", method: .get, headers: local()) {
                #expect(messages(text($0)).first?.id == 3)
            }
            try await client.execute(
                uri: "/api/v1/workflows/\(id)/events", method: .get,
                headers: local([HTTPField.Name("Last-Event-ID")!: "4"])
            ) {
                #expect(messages(text($0)).first?.id == 5)
            }
            try await client.execute(uri: "/api/v1/workflows/\(id)/events?from=0", method: .get, headers: local()) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test func ndjsonWhenAsked() async throws {
        let dashboard = try TestDashboard()
        let id = try await dashboard.finishedWorkflow()
        try await dashboard.test { client in
            try await client.execute(
                uri: "/api/v1/workflows/\(id)/events", method: .get, headers: local([.accept: "application/x-ndjson"])
            ) { response in
                #expect(response.headers[.contentType] == "application/x-ndjson")
                let lines = text(response).split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
                #expect(lines.first?["sequence"] == 1)
                #expect(lines.last?["type"] == "workflow.completed")
            }
        }
    }

    @Test func aRunRecordedByAnotherProcessIsFollowedToItsEnd() async throws {
        let dashboard = try TestDashboard()
        // Another host on the same database file, as `agenthost run` in a terminal would be.
        let otherStore = try SQLiteStore(path: dashboard.folder + "/state.sqlite")
        let runner = GateRunner(held: ["writer"])
        let other = ExecutorBackend(store: otherStore, runner: runner, logger: quietLogger)
        let otherRPC = HostProtocol.ProtocolServer.inProcess(
            directory: .init { testCatalog() }, backend: other, logger: quietLogger)
        guard case .success(let started) = await otherRPC.call("workflow/execute", params: ["request": editorRequest])
        else { Issue.record("the other host did not start"); return }
        let id = try #require(started["workflow_id"]?.stringValue)
        let release = Task {
            try await Task.sleep(for: .milliseconds(300))
            runner.release()
        }
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/workflows/\(id)/events", method: .get, headers: local()) {
                var events = messages(text($0))
                #expect(events.last?.event == "end")
                events.removeLast()
                #expect(events.last?.event == "workflow.completed")
                #expect(events.map(\.id) == (0..<Int64(events.count)).map { $0 + 1 })
            }
        }
        _ = try await release.value
    }

    @Test func theRunsListShowsEveryStoredRunWithItsTitle() async throws {
        let dashboard = try TestDashboard()
        let id = try await dashboard.finishedWorkflow()
        let runs = await dashboard.server.runSummaries()
        #expect(runs.map { $0["id"] } == [.string(id)])
        #expect(runs.first?["title"] == "Solar")
        #expect(runs.first?["state"] == "completed")
    }

    @Test func theFeedKeepsEachSequenceOnceAndInOrder() async {
        let feed = EventFeed(from: 2)
        func event(_ sequence: Int64, _ type: EventType = .agentStarted) -> WorkflowEvent {
            WorkflowEvent(sequence: sequence, workflowId: "wf", type: type, timestamp: 0)
        }
        feed.offer([event(1), event(2), event(3)])
        feed.offer([event(2), event(3), event(4)])
        feed.offer(event(6))
        feed.offer([event(5), event(6, .workflowCompleted), event(7)])
        #expect(await feed.take()?.map(\.sequence) == [2, 3, 4, 5, 6])
        #expect(await feed.take() == nil)
    }
}
