import AgentCatalog
import Foundation
import Testing
import WorkflowPlanning

@testable import WorkflowExecution

@Suite struct ControlTests {
    private let chain = [
        agent("a", order: 0), agent("b", [.agent("a")], order: 1), agent("c", [.agent("b")], order: 2),
    ]

    @Test func pauseStopsNewStartsAndResumeGoesOn() throws {
        let release = DispatchSemaphore(value: 0)
        let runner = FakeRunner(["a": .gate(release)])
        let harness = try Harness(chain, goal: ["c"], runner: runner)
        let handle = harness.executor.start(plan: harness.plan, workflowId: "wf-pause")
        waitForStart(of: "a", in: handle)
        handle.pause()
        let completed = DispatchSemaphore(value: 0)
        let subscription = handle.subscribe { if $0.type == .agentCompleted && $0.agent == "a" { completed.signal() } }
        release.signal()
        completed.wait()
        subscription.cancel()
        let paused = handle.status()
        #expect(paused.state == .paused)
        #expect(paused.agents["a"]?.state == .completed)
        #expect(paused.agents["b"]?.state == .waiting)
        #expect(runner.runs(of: "b").isEmpty)
        handle.resume()
        let status = handle.wait()
        #expect(status.state == .completed)
        let types = handle.events().map(\.type)
        #expect(types.contains(.workflowPaused) && types.contains(.workflowResumed))
    }

    @Test func aTimeoutIsReportedAtTheDeadlineNotAfterTheGrace() throws {
        // The agent ignores is_cancelled; the grace is far longer than any test may wait.
        let release = DispatchSemaphore(value: 0)
        let manifests = [agent("deaf", timeout: 0.05, order: 0)]
        let runner = FakeRunner(["deaf": .gate(release)])
        let harness = try Harness(manifests, goal: ["deaf"], runner: runner, grace: 600)
        let handle = harness.executor.start(plan: harness.plan, workflowId: "wf-deadline")
        let failed = DispatchSemaphore(value: 0)
        let subscription = handle.subscribe { if $0.type == .agentFailed { failed.signal() } }
        defer { release.signal() }
        // Generous: it only bounds a test that would otherwise wait for the 600 s grace.
        #expect(failed.wait(timeout: .now() + 60) == .success, "agent.failed did not come before the grace ran out")
        subscription.cancel()
        let status = handle.status()
        #expect(status.agents["deaf"]?.state == .failed)
        #expect(status.agents["deaf"]?.message == "timed out after 50 ms (attempt 1)")
        #expect(runner.runs.isEmpty, "the call is still running")
        // The run ends without waiting for the call: it is left behind.
        #expect(handle.wait().state == .failed)
        #expect(handle.abandonedThreads == 1)
    }

    @Test func interruptLeavesTheWorkflowResumable() throws {
        let runner = FakeRunner(["b": .waitForCancel])
        let harness = try Harness(chain, goal: ["c"], runner: runner, grace: 30)
        let handle = harness.executor.start(plan: harness.plan, workflowId: "wf-interrupt")
        waitForStart(of: "b", in: handle)
        handle.interrupt(reason: "interrupted (SIGINT)")
        let status = handle.wait()
        #expect(status.state == .interrupted)
        #expect(status.agents["a"]?.state == .completed)
        #expect(status.agents["b"]?.state == .waiting)
        #expect(harness.recorder.events.last?.type == .workflowInterrupted)
        #expect(!harness.recorder.events.contains { $0.type == .agentFailed })
    }

    @Test func cancelTellsRunningAgentsAndEndsTheWorkflow() throws {
        let runner = FakeRunner(["a": .waitForCancel])
        // The agent stops when told; a long grace keeps a loaded machine from abandoning it first.
        let harness = try Harness(chain, goal: ["c"], runner: runner, grace: 30)
        let handle = harness.executor.start(plan: harness.plan, workflowId: "wf-cancel")
        waitForStart(of: "a", in: handle)
        handle.cancel(reason: "user pressed ctrl-c")
        let status = handle.wait()
        #expect(status.state == .cancelled)
        #expect(status.message == "user pressed ctrl-c")
        #expect(status.agents["a"]?.state == .cancelled)
        #expect(status.agents["a"]?.message == "cancelled: workflow cancelled: user pressed ctrl-c")
        #expect(runner.runs(of: "b").isEmpty)
        #expect(handle.events().last?.type == .workflowCancelled)
    }

    @Test func hangingAgentTimesOutIsAbandonedAndTheWorkflowGoesOn() throws {
        let manifests = [
            agent("hangs", timeout: 0.05, order: 0), agent("other", order: 1),
            agent("soft", [.agent("hangs", .soft)], order: 2),
        ]
        let runner = FakeRunner(["hangs": .hang(ms: 3000)])  // far beyond timeout + grace, even on a loaded machine
        let harness = try Harness(manifests, goal: ["soft", "other"], runner: runner, grace: 0.05)
        let (handle, status) = harness.run()
        #expect(status.agents["hangs"]?.state == .failed)
        #expect(status.agents["hangs"]?.message?.contains("timed out after 50 ms") == true)
        #expect(status.names(.completed) == ["other", "soft"])
        #expect(handle.abandonedThreads == 1)
        let failed = handle.events().first { $0.type == .agentFailed }
        #expect(failed?.data?["timed_out"] == true)
    }

    @Test func recorderFailureFailsTheWorkflow() throws {
        let runner = FakeRunner(["a": .succeed(sleepMs: 5)])
        let harness = try Harness(chain, goal: ["c"], runner: runner)
        harness.recorder.failAfter(events: 3, message: "disk I/O error")
        let (_, status) = harness.run()
        #expect(status.state == .failed)
        #expect(status.message == "the recorder failed: disk I/O error")
        #expect(runner.runs(of: "c").isEmpty)
    }

    @Test func anAgentWhoseStartCouldNotBeRecordedIsNotRun() throws {
        let runner = FakeRunner()
        let harness = try Harness(chain, goal: ["c"], runner: runner)
        // workflow.started and a's agent.started are recorded; the burst holding a's
        // completion and b's start is not.
        harness.recorder.failAfter(events: 2, message: "disk full")
        let (handle, status) = harness.run()
        #expect(status.state == .failed)
        #expect(status.message == "the recorder failed: disk full")
        #expect(runner.runs.map(\.agent) == ["a"])
        #expect(harness.recorder.events.map(\.type) == [.workflowStarted, .agentStarted])
        let b = handle.events().filter { $0.agent == "b" }
        #expect(b.prefix(2).map(\.type) == [.agentStarted, .agentFailed])
        #expect(b.dropFirst().first?.message?.contains("not run: the recorder failed") == true)
    }

    @Test func resumeRunsOnlyWhatWasNotDoneAndContinuesTheSequence() throws {
        let runner = FakeRunner()
        let harness = try Harness(chain, goal: ["c"], runner: runner)
        let resume = ResumeState(completedOutputs: ["a": ["from": "before"]], attempts: ["b": 1], lastSequence: 41)
        let handle = harness.executor.start(plan: harness.plan, workflowId: "wf-resume", resume: resume)
        let status = handle.wait()
        #expect(status.state == .completed)
        #expect(runner.runs.map(\.agent) == ["b", "c"])
        #expect(runner.runs(of: "b").first?.attempt == 2)
        #expect(runner.runs(of: "b").first?.input["inputs"]?["a"]?["from"] == "before")
        #expect(handle.events().first?.sequence == 42)
        #expect(status.agents["a"]?.state == .completed)
    }

    @Test func finishedDeliversTheFinalStatusToAsyncCallers() async throws {
        let harness = try Harness(chain, goal: ["c"], runner: FakeRunner())
        let handle = harness.executor.start(plan: harness.plan, workflowId: "wf-async")
        let status = await handle.finished()
        #expect(status.state == .completed)
    }
}

/// Blocks until `agent` has started in the workflow behind `handle`.
func waitForStart(of agent: String, in handle: WorkflowHandle) {
    let started = DispatchSemaphore(value: 0)
    let subscription = handle.subscribe { event in
        if event.type == .agentStarted && event.agent == agent { started.signal() }
    }
    started.wait()
    subscription.cancel()
}
