import AgentCatalog
import Foundation
import GRDB
import Testing
import WorkflowEvents
@testable import WorkflowStore

@Suite struct ResumeAndControlTests {
    @Test func resumeStateHasCommittedOutputsAndAttempts() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        let events = sampleRun("wf-1")
        try store.record(Array(events[0..<9]))  // research and outline done, writer running: then kill -9
        let state = try store.resumeState(workflowId: "wf-1")
        #expect(state.lastSequence == 9)
        #expect(state.completedOutputs.keys.sorted() == ["outline", "research"])
        #expect(state.completedOutputs["research"] == ["notes": "panels"])
        #expect(state.attempts == ["research": 1, "outline": 2, "writer": 1])
        #expect(state.settled.isEmpty)

        // The resumed host starts again after the last sequence: the running attempt is closed.
        var resumed = EventScript("wf-1")
        resumed.events = Array(events[0..<9])
        resumed.add(.workflowStarted, at: 2000, data: ["agents": ["research", "outline", "writer", "editor"]])
        resumed.add(.agentStarted, "writer", attempt: 2, at: 2000)
        try store.record(Array(resumed.events[9...]))
        let writerRuns = try store.runs(workflowId: "wf-1").filter { $0.agent == "writer" }
        #expect(writerRuns.map(\.status) == [.interrupted, .running])
        #expect(try store.resumeState(workflowId: "wf-1").attempts["writer"] == 2)
        #expect(try store.status(workflowId: "wf-1", now: 2001).agents["writer"]?.attempts == 2)
    }

    @Test func failedAndSkippedAgentsAreSettled() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        var script = EventScript("wf-1")
        script.add(.workflowStarted, at: 0, data: ["agents": ["research", "outline", "writer", "editor"]])
        script.add(.agentStarted, "research", attempt: 1, at: 0)
        script.add(.agentFailed, "research", attempt: 1, at: 1, message: "crashed (signal 11)",
                   data: ["retryable": false, "timed_out": false, "signal": 11])
        script.add(.agentSkipped, "outline", at: 1, message: "hard dependency research failed")
        try store.record(script.events)
        let state = try store.resumeState(workflowId: "wf-1")
        #expect(state.settled == ["research": "crashed (signal 11)", "outline": "hard dependency research failed"])
        #expect(try store.runs(workflowId: "wf-1").first?.signal == 11)
    }

    @Test func aStaleHeartbeatShowsTheWorkflowInterrupted() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath(), staleAfterSeconds: 10)
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        try store.record(Array(sampleRun("wf-1")[0..<9]))  // last event at 1018
        try store.heartbeat(workflowId: "wf-1", timestamp: 1025)
        #expect(try store.status(workflowId: "wf-1", now: 1030).state == .running)
        #expect(try store.workflows(now: 1030).first?.state == .running)

        let stale = try store.status(workflowId: "wf-1", now: 1036)
        #expect(stale.state == .interrupted)
        #expect(stale.agents["writer"]?.state == .waiting)
        #expect(stale.message?.contains("agenthost resume wf-1") == true)
        #expect(try store.workflows(now: 1036).first?.state == .interrupted)

        // A finished workflow never turns interrupted.
        let done = try SQLiteStore(path: temporaryDatabasePath())
        try done.record(sampleRun("wf-2"))
        #expect(try done.status(workflowId: "wf-2", now: 99_999).state == .completed)
    }

    @Test func controlRequestsReachTheHostThroughTheDatabase() throws {
        let path = temporaryDatabasePath()
        let host = try SQLiteStore(path: path)
        let cli = try SQLiteStore(path: path)  // another process's view of the same file
        try host.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        try host.record(Array(sampleRun("wf-1")[0..<3]))
        try host.heartbeat(workflowId: "wf-1", timestamp: 1011)
        #expect(try host.pendingControl(workflowId: "wf-1") == nil)

        try cli.requestControl(workflowId: "wf-1", .pause, now: 1012)
        #expect(try host.pendingControl(workflowId: "wf-1") == .pause)
        #expect(try host.pendingControl(workflowId: "wf-1") == nil)  // each request is delivered once

        try cli.requestControl(workflowId: "wf-1", .resume, now: 1013)
        try cli.requestControl(workflowId: "wf-1", .cancel, now: 1013)
        try cli.requestControl(workflowId: "wf-1", .pause, now: 1013)
        #expect(try host.pendingControl(workflowId: "wf-1") == .cancel)  // cancel wins

        let unknown = #expect(throws: StoreError.self) { try cli.requestControl(workflowId: "nope", .cancel) }
        #expect(unknown?.code == .unknownWorkflow)
    }

    @Test func cancellingAnInterruptedWorkflowEndsItAtOnce() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        try store.record(Array(sampleRun("wf-1")[0..<4]))  // outline running at 1010, then the host died
        #expect(throws: StoreError.self) { try store.requestControl(workflowId: "wf-1", .pause, now: 5000) }
        try store.requestControl(workflowId: "wf-1", .cancel, now: 5000)
        let status = try store.status(workflowId: "wf-1", now: 5001)
        #expect(status.state == .cancelled)
        #expect(try store.runs(workflowId: "wf-1").last?.status == .interrupted)
        let finished = #expect(throws: StoreError.self) { try store.requestControl(workflowId: "wf-1", .cancel, now: 5002) }
        #expect(finished?.code == .finished)
    }
}
