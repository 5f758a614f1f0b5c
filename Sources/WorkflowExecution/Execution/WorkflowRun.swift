import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import WorkflowPlanning

// Implementation notes
// The driver of one workflow run: it owns the threads, the lock and the timer, and carries
// out what RunStateMachine decides; it decides nothing itself. Every input reaches the
// machine under `condition`, with the clock's time, and the actions it returns are carried
// out before the lock is released (events appended to the log, starts queued, timers set,
// attempts cancelled or abandoned).
// Worker threads loop: take a queued start, run it outside the lock, hand the result to the
// machine and take the next start themselves, so a chain of agents runs on one thread with
// no wake-ups; idle threads are woken only for the starts the finishing thread cannot take.
// Recording in bursts: a completion and the starts it unblocks are appended in one machine
// step; the thread that takes a start flushes before calling the plugin, and flush() returns
// only once everything appended before it is recorded, so the completion and those starts
// go to the recorder in one record() call and a dependent's plugin never runs before the
// output it reads is committed. With `pipelinedCommits` the thread queues the burst for the
// log's committer thread instead and calls the plugin at once; bursts are committed in the
// order they were appended, so an output is still never committed before the outputs it
// was computed from. A worker with nothing to start flushes before it idles; a
// timer or control call flushes what it appended.
// A call that ignores cancellation is abandoned when the machine says so: its thread is
// written off (it ends when the call returns) and replaced.

/// The threaded driver of one plan's execution.
final class WorkflowRun: @unchecked Sendable {
    let workflowId: String
    let log: EventLog
    let runner: any AgentRunner
    let options: ExecutorOptions
    let logger: Logger
    private let parts: AgentInput.RunParts
    private var timer: RunTimer!

    // Guarded by `condition`. Not a Mutex: idle pool threads wait on it for work.
    let condition = NSCondition()
    private var machine: RunStateMachine
    private var queue: [RunStateMachine.Start] = []
    private var queueHead = 0
    /// Calls in flight: each node's latest by node (no hashing on the common path), and older
    /// ones still running (timed out, abandoned) by attempt.
    private var latestCalls: [AttemptContext?] = []
    private var olderCalls: [RunStateMachine.AttemptID: AttemptContext] = [:]
    private var idle = 0
    /// Pool threads, not counting written-off ones.
    private var threads = 0
    private(set) var writtenOffThreads = 0
    private var finished = false
    private var finishReported = false

    /// Guards `finalStatus` and `waiters` (apart from `condition`, whose signals are for workers).
    /// Not a Mutex: `waitFinished` waits on it.
    private let doneCondition = NSCondition()
    private var finalStatus: WorkflowStatus?
    private var waiters: [CheckedContinuation<WorkflowStatus, Never>] = []

    init(
        plan: ExecutionPlan, workflowId: String, resume: ResumeState?, catalog: Catalog, runner: any AgentRunner,
        recorder: (any WorkflowRecorder)?, planner: Planner, options: ExecutorOptions, logger: Logger
    ) {
        self.workflowId = workflowId
        self.runner = runner
        self.options = options
        self.logger = logger
        let artifacts = options.artifactsDirectory(for: workflowId)
        self.parts = AgentInput.RunParts(
            workflowId: workflowId, campaign: plan.request.campaign, artifactsDirectory: artifacts,
            baseDirectory: options.baseDirectory)
        self.log = EventLog(
            workflowId: workflowId, firstSequence: (resume?.lastSequence ?? 0) + 1, recorder: recorder,
            clock: options.clock)
        machine = RunStateMachine(
            plan: plan, resume: resume, catalog: catalog, planner: planner, retry: options.retry,
            grace: options.cancellationGrace, random: options.random, artifactsDirectory: artifacts,
            at: options.clock.now())
    }

    /// Emits workflow.started, starts the timer and the worker threads.
    func start() {
        condition.lock()
        timer = RunTimer(clock: options.clock, name: "agenthost-timer-\(workflowId)")
        scheduleHeartbeat()
        perform(machine.start(at: options.clock.now()), continuing: false, grow: false)
        let count = max(1, min(machine.state.maxConcurrency, machine.state.nodes.count))
        threads = count
        unlockReportingFinish()
        flush()
        for number in 0..<count { spawnWorker(number) }
    }

    // MARK: - Control

    func pause() { control { $0.pause(at: $1) } }
    func resume() { control { $0.resume(at: $1) } }
    func cancel(reason: String) { control { $0.cancel(reason: reason, at: $1) } }
    func interrupt(reason: String) { control { $0.interrupt(reason: reason, at: $1) } }

    /// Hands one input to the machine from outside the workers (control, timers, a recorder failure).
    private func control(_ input: (inout RunStateMachine, Double) -> [RunStateMachine.Action]) {
        condition.lock()
        perform(input(&machine, options.clock.now()), continuing: false)
        unlockReportingFinish()
        flush()
    }

    // MARK: - Worker threads

    private func spawnWorker(_ number: Int) {
        let thread = Thread { [self] in workerLoop() }
        thread.name = "agenthost-worker-\(number)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func workerLoop() {
        condition.lock()
        while true {
            if queueHead < queue.count {
                let start = queue[queueHead]
                queueHead += 1
                if queueHead == queue.count {
                    queue.removeAll(keepingCapacity: true)
                    queueHead = 0
                }
                let (request, context, settled) = prepare(start)
                condition.unlock()
                // One record() call for the burst: the completion this thread just handed over, the
                // starts it unblocked (this one included) and whatever else is pending. The plugin
                // is called only once it is committed (pipelined: once it is queued for the
                // committer), and not at all for an attempt the machine settled (timed out,
                // abandoned) before a thread took it.
                let recorded = options.pipelinedCommits ? queueBurst() : flush()
                let result =
                    settled
                    ? AttemptResult(outcome: .cancelled(message: "not run: settled before it started"))
                    : recorded ? runner.runAttempt(request) : notRecorded()
                condition.lock()
                if options.pipelinedCommits && recorded && mayEndRun(result) {
                    // Pipelined: what was queued is committed before a result that may end the
                    // run is handed over, so a run never ends `completed` with a failed commit.
                    condition.unlock()
                    flush()
                    condition.lock()
                }
                forget(start.attempt, context)
                let writtenOff = context.abandoned
                perform(
                    machine.attemptEnded(start.attempt, result, at: options.clock.now()), continuing: !writtenOff)
                if writtenOff {
                    // This thread was replaced when its call was abandoned: it ends here.
                    unlockReportingFinish()
                    flush()
                    return
                }
                continue
            }
            if log.hasPending {
                // Nothing to start: make what this thread handed over durable before it idles.
                condition.unlock()
                flush()
                condition.lock()
                continue
            }
            if finished { break }
            idle += 1
            condition.wait()
            idle -= 1
        }
        threads -= 1
        unlockReportingFinish()
    }

    /// Under the lock: the request for a start the machine decided, its context, and whether
    /// the machine settled the attempt already. A stop the machine asked for while the start
    /// waited for a thread is passed on at once.
    private func prepare(_ start: RunStateMachine.Start) -> (AttemptRequest, AttemptContext, settled: Bool) {
        let node = start.attempt.node
        let details = machine.details(of: start)
        let context = AttemptContext(agent: start.agent, attempt: start.attempt.number, log: log)
        if latestCalls.count <= node { latestCalls += Array(repeating: nil, count: node + 1 - latestCalls.count) }
        if let older = latestCalls[node] {
            olderCalls[RunStateMachine.AttemptID(node: node, number: older.attempt)] = older
        }
        latestCalls[node] = context
        let input = AgentInput(run: parts, agent: start.agent, attempt: start.attempt.number, entries: details.entries)
        var request = AttemptRequest(
            manifest: details.manifest, source: input, attempt: start.attempt.number,
            timeoutSeconds: details.manifest.timeoutSeconds, deadline: start.deadline,
            cancellationGrace: options.cancellationGrace, context: context, cancellation: context.cancellation)
        request.workflowId = workflowId
        request.priority = details.priority
        if let reason = details.stopReason { context.cancellation.cancel(reason: reason) }
        return (request, context, details.settled)
    }

    /// Under the lock: whether handing `result` to the machine may end the run: it did not
    /// succeed, or its agent is the last unsettled one.
    private func mayEndRun(_ result: AttemptResult) -> Bool {
        if case .succeeded = result.outcome { return machine.state.unsettled <= 1 }
        return true
    }

    /// Under the lock: the call of attempt `id`, while it is in flight.
    private func call(_ id: RunStateMachine.AttemptID) -> AttemptContext? {
        if id.node < latestCalls.count, let latest = latestCalls[id.node], latest.attempt == id.number { return latest }
        return olderCalls.isEmpty ? nil : olderCalls[id]
    }

    /// Under the lock: attempt `id`'s call is no longer in flight.
    private func forget(_ id: RunStateMachine.AttemptID, _ context: AttemptContext) {
        if latestCalls[id.node] === context {
            latestCalls[id.node] = nil
        } else if olderCalls[id] === context {
            olderCalls[id] = nil
        }
    }

    /// The result of an attempt whose agent.started (or the completion before it) could not be
    /// recorded: the plugin is not called, and the workflow is failing already.
    private func notRecorded() -> AttemptResult {
        let reason = log.failure ?? "the recorder failed"
        return AttemptResult(outcome: .cancelled(message: "not run: the recorder failed (\(reason))"))
    }

    // MARK: - Carrying out actions (under the lock)

    private func perform(_ actions: [RunStateMachine.Action], continuing: Bool, grow: Bool = true) {
        for action in actions {
            switch action {
            case .record(let event):
                log.append(
                    event.type, agent: event.agent, attempt: event.attempt, message: event.message, data: event.data)
            case .start(let start):
                queue.append(start)
            case .schedule(let timer, let due):
                self.timer.schedule(at: due) { [self] in control { $0.timerFired(timer, at: $1) } }
            case .cancel(let id, let reason):
                guard let context = call(id) else { continue }
                // A call settled at its deadline keeps running: what it reports now is not shown.
                if !machine.isLive(id) { context.silence() }
                context.cancellation.cancel(reason: reason)
            case .abandon(let id):
                guard let context = call(id) else { continue }
                forget(id, context)
                context.abandoned = true
                context.silence()
                writtenOffThreads += 1
                threads -= 1
                logger.warning("abandoned a thread running \(context.agent) (attempt \(context.attempt))")
            case .finish:
                finished = true
            }
        }
        // Recovery may have added agents, and abandoned threads need replacing.
        if grow && !finished {
            let wanted = min(machine.state.maxConcurrency, machine.state.unsettled + queue.count - queueHead)
            while threads < wanted {
                threads += 1
                spawnWorker(100 + threads + writtenOffThreads)
            }
        }
        if finished {
            condition.broadcast()
            return
        }
        let startable = queue.count - queueHead - (continuing ? 1 : 0)
        let wake = min(idle, max(0, startable))
        if wake >= idle && wake > 0 {
            condition.broadcast()
        } else {
            for _ in 0..<wake { condition.signal() }
        }
    }

    /// Releases the lock; the first caller after the run finished records the end and wakes
    /// everyone waiting for it.
    private func unlockReportingFinish() {
        let report = finished && !finishReported
        if report { finishReported = true }
        condition.unlock()
        guard report else { return }
        log.flush()
        log.stopCommitter()
        timer.stop()
        let status = log.status
        doneCondition.lock()
        finalStatus = status
        let resumed = waiters
        waiters = []
        doneCondition.broadcast()
        doneCondition.unlock()
        for waiter in resumed { waiter.resume(returning: status) }
    }

    // MARK: - Recording

    /// Flushes pending events; a recorder failure fails the workflow.
    /// - Returns: false when the recorder has failed (now or before).
    @discardableResult
    private func flush() -> Bool {
        guard let failure = log.flush() else { return true }
        recorderFailed(failure)
        return false
    }

    /// Queues pending events for the log's committer thread (the commit pipeline); a commit
    /// that fails there fails the workflow as a failed flush does.
    /// - Returns: false when the recorder has failed already.
    private func queueBurst() -> Bool {
        let failure = log.enqueue { [weak self] failure in
            self?.control { $0.recorderFailed(reason: "the recorder failed: \(failure)", at: $1) }
        }
        guard let failure else { return true }
        recorderFailed(failure)
        return false
    }

    /// Hands a recorder failure to the machine: the workflow fails.
    private func recorderFailed(_ failure: String) {
        condition.lock()
        perform(
            machine.recorderFailed(reason: "the recorder failed: \(failure)", at: options.clock.now()),
            continuing: false)
        unlockReportingFinish()
    }

    private func scheduleHeartbeat() {
        timer.schedule(at: options.clock.now() + options.heartbeatInterval) { [self] in
            if let failure = log.heartbeat() {
                control { $0.recorderFailed(reason: "the recorder failed: \(failure)", at: $1) }
                return
            }
            scheduleHeartbeat()
        }
    }

    // MARK: - The end

    /// Blocks until the run is over.
    func waitFinished() -> WorkflowStatus {
        doneCondition.lock()
        defer { doneCondition.unlock() }
        while finalStatus == nil { doneCondition.wait() }
        return finalStatus!
    }

    /// Suspends until the run is over.
    func finishedAsync() async -> WorkflowStatus {
        await withCheckedContinuation { continuation in
            doneCondition.lock()
            if let finalStatus {
                doneCondition.unlock()
                continuation.resume(returning: finalStatus)
            } else {
                waiters.append(continuation)
                doneCondition.unlock()
            }
        }
    }
}
