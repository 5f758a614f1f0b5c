import AgentCatalog
import Foundation
import Testing
import WorkflowEvents
@testable import WorkflowStore

/// Schema v4: what a workflow was run with; the signal an attempt died of; a retry recorded
/// in the same workflow's history.
@Suite struct FoldersAndRetryTests {
    @Test func theFoldersAWorkflowRanWithAreKept() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        let folders = WorkflowFolders(manifests: ["/srv/agents", "/opt/more"], plugins: ["/srv/lib"], baseDirectory: "/srv/req")
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil, folders: folders)
        try store.createWorkflow(id: "wf-2", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        #expect(try store.folders(workflowId: "wf-1") == folders)
        #expect(try store.folders(workflowId: "wf-2") == nil, "none recorded is a result, not an error")
        #expect(throws: StoreError.self) { try store.folders(workflowId: "wf-3") }
        #expect(try store.schemaVersion() == StoreSchema.version)
    }

    @Test func theSignalAnAttemptDiedOfIsStoredFromItsName() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        var script = EventScript("wf-1")
        script.add(.workflowStarted, at: 0, data: ["agents": ["research", "outline"]])
        script.add(.agentStarted, "research", attempt: 1, at: 0)
        script.add(.agentFailed, "research", attempt: 1, at: 1, message: "crashed its worker: killed by SIGSEGV",
                   data: ["retryable": true, "timed_out": false, "signal": "SIGSEGV", "final": false])
        script.add(.agentStarted, "research", attempt: 2, at: 2)
        script.add(.agentFailed, "research", attempt: 2, at: 3, message: "crashed its worker: killed by signal 42",
                   data: ["retryable": true, "timed_out": false, "signal": "signal 42"])
        try store.record(script.events)
        let runs = try store.runs(workflowId: "wf-1").filter { $0.agent == "research" }
        #expect(runs.map(\.signal) == [Int(SIGSEGV), 42])
    }

    @Test func aRetryReopensTheWorkflowAndItsAgents() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        var script = EventScript("wf-1")
        script.add(.workflowStarted, at: 0, data: ["agents": ["research", "outline", "writer", "editor"]])
        script.add(.agentStarted, "research", attempt: 1, at: 0)
        script.add(.agentCompleted, "research", attempt: 1, at: 1, data: ["output": ["notes": "panels"]])
        script.add(.agentStarted, "outline", attempt: 1, at: 1)
        script.add(.agentFailed, "outline", attempt: 1, at: 2, message: "no notes", data: ["final": true])
        script.add(.agentSkipped, "writer", at: 2, message: "hard dependency outline failed")
        script.add(.agentSkipped, "editor", at: 2, message: "hard dependency writer skipped")
        script.add(.workflowFailed, at: 2, message: "outline failed")
        try store.record(script.events)
        #expect(try store.status(workflowId: "wf-1").progressPercentage == 25)
        script.add(.workflowRetried, at: 5, message: "fixed the notes",
                   data: ["agents": ["outline", "writer", "editor"], "kept": ["research"]])
        try store.record(Array(script.events.suffix(1)))
        let status = try store.status(workflowId: "wf-1")
        #expect(status.state == .pending)
        #expect(status.message == "fixed the notes")
        #expect(status.count(.waiting) == 3)
        #expect(status.agents["research"]?.state == .completed)
        #expect(status.agents["outline"]?.attempts == 1, "attempts go on from the last")
        let resume = try store.resumeState(workflowId: "wf-1")
        #expect(resume.settled.isEmpty)
        #expect(Array(resume.completedOutputs.keys) == ["research"])
        #expect(try store.workflows().first?.state == .pending)
    }
}

/// One analytics implementation: a run kept in memory (no store) gets the attempts the store
/// would have written, so its analytics are the store's.
@Suite struct AnalyticsFromEventsTests {
    @Test func theAttemptsReadFromEventsAreTheStoresRuns() throws {
        let store = try SQLiteStore(path: temporaryDatabasePath())
        try store.createWorkflow(id: "wf-1", request: sampleRequest, plan: samplePlanValue, requestFile: nil)
        var script = EventScript("wf-1")
        script.add(.workflowStarted, at: 0, data: ["agents": ["research", "outline", "writer", "editor"]])
        script.add(.agentStarted, "research", attempt: 1, at: 0, data: ["worker_pid": 4242])
        script.add(.agentFailed, "research", attempt: 1, at: 1, message: "crashed its worker: killed by SIGSEGV",
                   data: ["retryable": true, "timed_out": false, "signal": "SIGSEGV", "final": false])
        script.add(.agentRetrying, "research", attempt: 2, at: 1, message: "retrying", data: ["delay_seconds": 0.5])
        script.add(.agentStarted, "research", attempt: 2, at: 1.5)
        script.add(.agentCompleted, "research", attempt: 2, at: 3, data: ["output": ["notes": "x"], "duration_seconds": 1.25])
        script.add(.agentStarted, "outline", attempt: 1, at: 3)
        script.add(.agentStarted, "writer", attempt: 1, at: 3.5)
        script.add(.agentFailed, "outline", attempt: 1, at: 4, message: "timed out", data: ["retryable": true, "timed_out": true])
        script.add(.workflowInterrupted, at: 5, message: "the host stopped")
        script.add(.workflowStarted, at: 9, data: ["agents": ["research", "outline", "writer", "editor"], "resumed": true])
        script.add(.agentStarted, "writer", attempt: 2, at: 9)
        script.add(.agentCompleted, "writer", attempt: 2, at: 10, data: ["output": ["text": "y"]])
        script.add(.agentStarted, "editor", attempt: 1, at: 10)
        script.add(.workflowCancelled, at: 11, message: "by the user")
        try store.record(script.events)
        let fromStore = try store.runs(workflowId: "wf-1")
        let fromEvents = AgentRun.runs(from: script.events)
        #expect(fromEvents == fromStore)
        #expect(fromEvents.contains { $0.signal == Int(SIGSEGV) && $0.workerPid == 4242 })
    }
}
