import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import Testing
import WorkflowPlanning

@testable import WorkflowExecution

/// A recorder whose commit of `agent`'s completion waits until `open` is signalled, for at
/// most `patience` seconds (a bound on the wait, never a timing check).
final class GatedRecorder: WorkflowRecorder, @unchecked Sendable {
    let open = DispatchSemaphore(value: 0)
    private let agent: String
    private let patience: Double
    private let lock = NSLock()
    private var stored: [WorkflowEvent] = []
    private var openedInTime: Bool?

    init(holding agent: String, patience: Double) {
        self.agent = agent
        self.patience = patience
    }

    var events: [WorkflowEvent] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// Whether `open` was signalled while the completion's commit waited (nil: it never waited).
    var opened: Bool? {
        lock.lock()
        defer { lock.unlock() }
        return openedInTime
    }

    func record(_ events: [WorkflowEvent]) throws {
        if events.contains(where: { $0.type == .agentCompleted && $0.agent == agent }) {
            let opened = open.wait(timeout: .now() + patience) == .success
            lock.lock()
            openedInTime = opened
            lock.unlock()
        }
        lock.lock()
        stored.append(contentsOf: events)
        lock.unlock()
    }

    func heartbeat(workflowId: String, timestamp: Double) throws {}
}

/// Succeeds for every agent; running `signalling` signals `semaphore`.
struct SignallingRunner: AgentRunner {
    let signalling: String
    let semaphore: DispatchSemaphore
    func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        if request.manifest.name == signalling { semaphore.signal() }
        return AttemptResult(outcome: .succeeded(["agent": .string(request.manifest.name)]))
    }
}

@Suite struct CommitPipelineTests {
    private let chain = [
        agent("a", order: 0), agent("b", [.agent("a")], order: 1), agent("c", [.agent("b")], order: 2),
    ]

    private func executor(runner: any AgentRunner, recorder: any WorkflowRecorder, pipelined: Bool) throws -> (
        WorkflowExecutor, ExecutionPlan
    ) {
        let catalog = Catalog(agents: chain)
        let planner = Planner(catalog: catalog)
        let plan = try planner.plan(WorkflowRequest(goal: .agents(["c"]), strategy: .adaptive, maxConcurrency: 4))
        let executor = WorkflowExecutor(
            catalog: catalog, runner: runner, recorder: recorder, planner: planner,
            options: ExecutorOptions(
                artifactsRoot: "/tmp/agenthost-tests", baseDirectory: "/tmp", pipelinedCommits: pipelined),
            logger: Logger(label: "test"))
        return (executor, plan)
    }

    @Test func dependentsRunWhileTheCommitOfTheirInputIsQueuedAndCommitsKeepTheirOrder() throws {
        let recorder = GatedRecorder(holding: "a", patience: 30)
        // c can only run while a's completion is still being committed if b and c start
        // without waiting for commits; it then lets that commit finish.
        let runner = SignallingRunner(signalling: "c", semaphore: recorder.open)
        let (executor, plan) = try executor(runner: runner, recorder: recorder, pipelined: true)
        let status = executor.start(plan: plan, workflowId: "wf-pipe").wait()
        #expect(status.state == .completed)
        #expect(recorder.opened == true)
        // Every event recorded once, in sequence order, and each dependent's start after the
        // completion of the agent it reads.
        let recorded = recorder.events
        #expect(recorded.map(\.sequence) == (0..<recorded.count).map { Int64($0 + 1) })
        #expect(recorded.last?.type == .workflowCompleted)
        func index(_ type: EventType, _ agent: String) -> Int? {
            recorded.firstIndex { $0.type == type && $0.agent == agent }
        }
        for (dependency, dependent) in [("a", "b"), ("b", "c")] {
            let completed = try #require(index(.agentCompleted, dependency))
            let started = try #require(index(.agentStarted, dependent))
            #expect(completed < started)
        }
    }

    @Test func withoutThePipelineNoDependentRunsBeforeItsInputIsCommitted() throws {
        let recorder = GatedRecorder(holding: "a", patience: 0.2)
        let runner = SignallingRunner(signalling: "c", semaphore: recorder.open)
        let (executor, plan) = try executor(runner: runner, recorder: recorder, pipelined: false)
        // The gate waits its patience out: c never runs while a's completion is uncommitted.
        let status = executor.start(plan: plan, workflowId: "wf-strict").wait()
        #expect(status.state == .completed)
        #expect(recorder.opened == false)
    }

    @Test func aCommitThatFailsInThePipelineFailsTheWorkflow() throws {
        for failAfter in [1, 2, 3, 4, 5, 6] {
            let runner = FakeRunner()
            let harness = try Harness(chain, goal: ["c"], runner: runner, pipelined: true)
            harness.recorder.failAfter(events: failAfter, message: "disk full")
            let (handle, status) = harness.run("wf-fail-\(failAfter)")
            #expect(status.state == .failed, "failing after \(failAfter) events")
            #expect(status.message == "the recorder failed: disk full")
            // What was recorded is a prefix of the log, and the run did not end completed.
            let recorded = harness.recorder.events
            #expect(recorded.map(\.sequence) == Array(handle.events().prefix(recorded.count).map(\.sequence)))
            #expect(!recorded.contains { $0.type == .workflowCompleted })
        }
    }
}
