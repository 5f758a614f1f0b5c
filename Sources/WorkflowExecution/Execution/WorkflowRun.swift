import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import WorkflowPlanning

// Implementation notes
// One WorkflowRun per started workflow. Its state (SchedulerState plus outputs and the
// running attempts) sits under `condition`. Worker threads loop: take the next agent the
// scheduler allows, run it outside the lock, settle it, and take the next one themselves,
// so a chain of agents runs on one thread with no wake-ups; an idle thread is woken only
// when more agents became ready than the finishing thread can take.
// Recording in bursts: a completion is appended and settled at once (its dependents become
// ready), and the worker flushes when it has taken its next start, so the completion and the
// starts it unblocked go to the recorder in one record() call (one transaction). The promise
// holds because every thread flushes after appending an agent.started and before calling the
// plugin, and flush() returns only once everything appended before it is recorded: a
// dependent's plugin never runs before the output it reads is committed. A worker with
// nothing to start flushes before it idles. A failed attempt still ends in two phases (its
// events are flushed before recovery acts on them); `settling` counts attempts between the
// phases so no thread mistakes the run for finished. The timer thread fires retries,
// deadlines, grace periods and heartbeats.

/// The execution of one plan.
final class WorkflowRun: @unchecked Sendable {
    let workflowId: String
    let log: EventLog
    let catalog: Catalog
    let runner: any AgentRunner
    let planner: Planner
    let options: ExecutorOptions
    let logger: Logger
    let artifactsDirectory: String
    private(set) var timer: RunTimer!

    // Guarded by `condition`.
    let condition = NSCondition()
    var plan: ExecutionPlan
    var request: WorkflowRequest
    var state: SchedulerState
    var manifests: [Manifest] = []
    var outputs: [JSONObject?] = []
    /// Compact bytes of `outputs`, made when a dependent first reads one.
    var outputBytes: [[UInt8]?] = []
    /// The input members shared by every attempt (the request's campaign does not change).
    var inputParts: AgentInput.RunParts?
    var errors: [String?] = []
    /// For substitutes: the node they replace (transitively, the original).
    var originOf: [Int: Int] = [:]
    var tried: [Int: Set<String>] = [:]
    var excluded: Set<String> = []
    /// Agents that failed for good or were skipped and were not made good by recovery.
    var unrecovered: [String] = []
    var running: [Int: AttemptContext] = [:]
    var settling = 0
    var idle = 0
    var threads = 0
    var writtenOffThreads = 0
    var cancelReason: String?
    var failReason: String?
    var finished = false
    /// Guards `finalStatus` and `waiters` (apart from `condition`, whose signals are for workers).
    let doneCondition = NSCondition()
    var finalStatus: WorkflowStatus?
    var waiters: [CheckedContinuation<WorkflowStatus, Never>] = []
    let startedAt: Double

    init(
        plan: ExecutionPlan, workflowId: String, resume: ResumeState?, catalog: Catalog, runner: any AgentRunner,
        recorder: (any WorkflowRecorder)?, planner: Planner, options: ExecutorOptions, logger: Logger
    ) {
        self.workflowId = workflowId
        self.plan = plan
        self.request = plan.request
        self.catalog = catalog
        self.runner = runner
        self.planner = planner
        self.options = options
        self.logger = logger
        self.artifactsDirectory = options.artifactsDirectory(for: workflowId)
        self.log = EventLog(
            workflowId: workflowId, firstSequence: (resume?.lastSequence ?? 0) + 1, recorder: recorder,
            clock: options.clock)
        self.startedAt = options.clock.now()
        state = SchedulerState(plan: plan, limits: plan.resources)
        for agent in plan.agents {
            manifests.append(catalog.agent(named: agent.name) ?? Manifest(name: agent.name))
        }
        outputs = Array(repeating: nil, count: manifests.count)
        errors = Array(repeating: nil, count: manifests.count)
        applyResume(resume)
    }

    /// Emits workflow.started, starts the timer and the worker threads.
    func start() {
        condition.lock()
        log.append(
            .workflowStarted, message: "started \(plan.agents.count) agents (\(plan.strategy.rawValue))",
            data: startedData())
        for (node, cause) in state.admitSettledWaiters() { appendSkipped(node, cause: cause) }
        timer = RunTimer(clock: options.clock, name: "agenthost-timer-\(workflowId)")
        scheduleHeartbeat()
        let count = max(1, min(state.maxConcurrency, state.nodes.count))
        threads = count
        condition.unlock()
        flush()
        for number in 0..<count { spawnWorker(number) }
    }

    // MARK: - Worker threads

    func spawnWorker(_ number: Int) {
        let thread = Thread { [self] in workerLoop() }
        thread.name = "agenthost-worker-\(number)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func workerLoop() {
        condition.lock()
        while true {
            if let node = state.nextStart() {
                let request = prepareAttempt(node)
                condition.unlock()
                // One record() call for the burst: the completion this thread just settled, the
                // starts it unblocked (this one included) and whatever else is pending. The plugin
                // is called only once it is committed.
                let result = flush() ? runner.runAttempt(request.0) : notRecorded(request.1)
                if !endAttempt(request.1, result, continuing: true) { return }
                condition.lock()
                continue
            }
            if log.hasPending {
                // Nothing to start: make what this thread settled durable before it idles.
                condition.unlock()
                flush()
                condition.lock()
                continue
            }
            if finished { break }
            if settling == 0 && state.isQuiescent {
                finishLocked()
                break
            }
            idle += 1
            condition.wait()
            idle -= 1
        }
        threads -= 1
        condition.unlock()
    }

    /// Under the lock: the attempt request for `node`, which the scheduler just started.
    private func prepareAttempt(_ node: Int) -> (AttemptRequest, AttemptContext) {
        let manifest = manifests[node]
        let attempt = state.nodes[node].attempts
        let now = options.clock.now()
        let context = AttemptContext(node: node, agent: manifest.name, attempt: attempt, startedAt: now, log: log)
        running[node] = context
        if state.strategy != .sequential {
            let passed = state.overtaken(by: node)
            if !passed.isEmpty { appendPromotion(node, passed: passed) }
        }
        log.append(
            .agentStarted, agent: manifest.name, attempt: attempt,
            data: ["agent_version": .string(manifest.version), "agent_identity": .string(manifest.identity)])
        let timeout = manifest.timeoutSeconds
        let deadline = now + timeout
        if timeout.isFinite && timeout > 0 {
            timer.schedule(at: deadline) { [self] in timeOut(context, after: timeout) }
        }
        let request = AttemptRequest(
            manifest: manifest, source: input(for: node, attempt: attempt), attempt: attempt, timeoutSeconds: timeout,
            deadline: deadline, cancellationGrace: options.cancellationGrace, context: context,
            cancellation: context.cancellation)
        return (request, context)
    }

    /// Under the lock: the agent input for `node`, as parts (see AgentInput). Each output is
    /// serialized once, when a dependent first reads it.
    func input(for node: Int, attempt: Int) -> AgentInput {
        if inputParts == nil {
            inputParts = AgentInput.RunParts(
                workflowId: workflowId, campaign: request.campaign, artifactsDirectory: artifactsDirectory,
                baseDirectory: options.baseDirectory)
        }
        var entries: [AgentInput.Entry] = []
        entries.reserveCapacity(state.nodes[node].dependencies.count)
        for edge in state.nodes[node].dependencies {
            let dependency = edge.node
            let key = state.nodes[dependency].outputKey
            let entry: AgentInput.Entry
            switch state.nodes[dependency].state {
            case .completed:
                guard let output = outputs[dependency] else { continue }
                if outputBytes.count < outputs.count {
                    outputBytes += Array(repeating: nil, count: outputs.count - outputBytes.count)
                }
                let bytes = outputBytes[dependency] ?? JSONValue.object(output).compactBytes
                outputBytes[dependency] = bytes
                entry = AgentInput.Entry(key: key, value: output, bytes: bytes)
            case .failed, .skipped:
                guard edge.type == .soft else { continue }
                let error: JSONObject = ["error": .string(errors[dependency] ?? "did not complete")]
                entry = AgentInput.Entry(key: key, value: error, bytes: JSONValue.object(error).compactBytes)
            default:
                continue
            }
            // A key met again keeps its first place and takes the later value (as a JSONObject would).
            if let earlier = entries.firstIndex(where: { $0.key == key }) {
                entries[earlier].value = entry.value
                entries[earlier].bytes = entry.bytes
            } else {
                entries.append(entry)
            }
        }
        return AgentInput(run: inputParts!, agent: manifests[node].name, attempt: attempt, entries: entries)
    }

    // MARK: - Ending attempts

    /// Settles an attempt once. Returns false when it had been settled already (the thread
    /// that ran it was written off and must end).
    @discardableResult
    func endAttempt(_ context: AttemptContext, _ result: AttemptResult, continuing: Bool) -> Bool {
        condition.lock()
        if context.settled {
            if continuing { threads -= 1 }
            condition.unlock()
            return false
        }
        context.settled = true
        running[context.node] = nil
        settling += 1
        let node = context.node
        let name = manifests[node].name
        let duration = options.clock.now() - context.startedAt
        switch result.outcome {
        case .succeeded(let output):
            // The completion is appended, not yet recorded: dependents become ready now, but
            // every thread that starts one flushes before calling its plugin, and flush() drains
            // everything appended before it (the completion included) in one record() call.
            outputs[node] = output
            var data: JSONObject = ["output": .object(output), "duration_seconds": .number(duration)]
            if let pid = result.workerPid { data["worker_pid"] = .integer(Int64(pid)) }
            log.append(.agentCompleted, agent: name, attempt: context.attempt, data: .object(data))
            settling -= 1
            state.attemptEnded(node)
            state.settle(node, as: .completed)
        case .failed, .cancelled:
            let failure = describeFailure(context, result, after: duration)
            let retries = RetryPolicy.maxRetries(
                manifest: manifests[node].maxRetries, requestOverride: request.maxRetries)
            let willRetry = failure.retryable && context.attempt <= retries && !state.stopping
            var data: JSONObject = [
                "retryable": .bool(failure.retryable), "timed_out": .bool(failure.timedOut), "final": .bool(!willRetry),
                "duration_seconds": .number(duration),
            ]
            if let signal = result.signal { data["signal"] = .string(signal) }
            if case .cancelled = result.outcome, !failure.timedOut { data["cancelled"] = true }
            if let pid = result.workerPid { data["worker_pid"] = .integer(Int64(pid)) }
            log.append(
                .agentFailed, agent: name, attempt: context.attempt, message: failure.message, data: .object(data))
            if willRetry {
                let delay = options.retry.delay(beforeRetry: context.attempt, random: options.random())
                log.append(
                    .agentRetrying, agent: name, attempt: context.attempt + 1,
                    message: "retrying after attempt \(context.attempt) failed: \(failure.message)",
                    data: ["delay_seconds": .number(delay), "next_attempt": .integer(Int64(context.attempt + 1))])
                state.enterBackoff(node)
                timer.schedule(at: options.clock.now() + delay) { [self] in retryDue(node) }
            }
            condition.unlock()
            flush()
            condition.lock()
            settling -= 1
            state.attemptEnded(node)
            if !willRetry {
                errors[node] = failure.message
                recover(node, message: failure.message)
            }
        }
        wakeWorkers(continuing: continuing)
        condition.unlock()
        // A continuing worker flushes with the next start it takes (or before it idles).
        if !continuing { flush() }
        return true
    }

    /// The result of an attempt whose agent.started (or the completion before it) could not be
    /// recorded: the plugin is not called, and the workflow is failing already.
    private func notRecorded(_ context: AttemptContext) -> AttemptResult {
        let reason = log.failure ?? "the recorder failed"
        return AttemptResult(outcome: .cancelled(message: "not run: the recorder failed (\(reason))"))
    }

    private func describeFailure(
        _ context: AttemptContext, _ result: AttemptResult, after duration: Double
    ) -> (message: String, retryable: Bool, timedOut: Bool) {
        let timedOut = result.timedOut || context.timedOut
        if timedOut {
            let limit = manifests[context.node].timeoutSeconds
            return ("timed out after \(DurationText.describe(limit)) (attempt \(context.attempt))", true, true)
        }
        switch result.outcome {
        case .failed(let message, let retryable):
            return (message, retryable || result.signal != nil, false)
        case .cancelled(let message):
            let reason = context.cancellation.cancellationReason ?? "the agent cancelled itself"
            return ("cancelled: \(message ?? reason)", false, false)
        case .succeeded:
            return ("", false, false)
        }
    }

    /// Under the lock: wakes idle threads for the agents that may start now, leaving one for
    /// the calling worker thread when it goes on.
    func wakeWorkers(continuing: Bool) {
        let startable = min(state.readyCount, state.maxConcurrency - state.running)
        var wake = min(idle, max(0, startable - (continuing ? 1 : 0)))
        if settling == 0 && state.isQuiescent && !continuing { wake = max(wake, min(idle, 1)) }
        if wake >= idle {
            condition.broadcast()
        } else {
            for _ in 0..<wake { condition.signal() }
        }
    }

    // MARK: - Timers

    private func retryDue(_ node: Int) {
        condition.lock()
        state.leaveBackoff(node)
        wakeWorkers(continuing: false)
        condition.unlock()
    }

    private func timeOut(_ context: AttemptContext, after seconds: Double) {
        condition.lock()
        guard !context.settled else { return condition.unlock() }
        context.timedOut = true
        let isolated = manifests[context.node].isolation == .process
        condition.unlock()
        context.cancellation.cancel(reason: "timed out after \(DurationText.describe(seconds))")
        scheduleAbandon(context, isolated: isolated)
    }

    /// Gives up an attempt still running a grace period after it was told to stop: it fails,
    /// its thread is written off and replaced.
    func scheduleAbandon(_ context: AttemptContext, isolated: Bool) {
        let grace = options.cancellationGrace + (isolated ? options.cancellationGrace + 1 : 0)
        timer.schedule(at: options.clock.now() + grace) { [self] in
            let outcome = AgentCallOutcome.failed(
                message: "\(context.agent) did not stop within the grace period; abandoned", retryable: true)
            guard endAttempt(context, AttemptResult(outcome: outcome, timedOut: context.timedOut), continuing: false)
            else { return }
            condition.lock()
            writtenOffThreads += 1
            logger.warning("abandoned a thread running \(context.agent) (attempt \(context.attempt))")
            let replace = !finished
            if replace { threads += 1 }
            condition.unlock()
            if replace { spawnWorker(100 + writtenOffThreads) }
        }
    }

    private func scheduleHeartbeat() {
        timer.schedule(at: options.clock.now() + options.heartbeatInterval) { [self] in
            if let failure = log.heartbeat() {
                fail(reason: "the recorder failed: \(failure)")
                return
            }
            scheduleHeartbeat()
        }
    }

    // MARK: - Events

    /// Flushes pending events; a recorder failure fails the workflow.
    /// - Returns: false when the recorder has failed (now or before).
    @discardableResult
    func flush() -> Bool {
        if let failure = log.flush() {
            condition.lock()
            let first = failReason == nil && !finished
            condition.unlock()
            if first { fail(reason: "the recorder failed: \(failure)") }
            return false
        }
        return true
    }

    func appendSkipped(_ node: Int, cause: Int) {
        let outcome = state.state(of: cause) == .failed ? "failed" : "was skipped"
        let reason = "needs \(manifests[cause].name) (hard), which \(outcome)"
        errors[node] = reason
        unrecovered.append(manifests[node].name)
        log.append(.agentSkipped, agent: manifests[node].name, message: reason)
    }

    private func appendPromotion(_ node: Int, passed: [Int]) {
        let names = passed.map { manifests[$0].name }
        let why = passed.map { waitingReason($0) }.joined(separator: "; ")
        log.append(
            .planResequenced, agent: manifests[node].name,
            message: "started \(manifests[node].name) ahead of \(names.joined(separator: ", ")): \(why)",
            data: [
                "change": "promotion", "agent": .string(manifests[node].name),
                "ahead_of": .array(names.map { .string($0) }),
            ])
    }

    private func waitingReason(_ node: Int) -> String {
        let name = manifests[node].name
        switch state.state(of: node) {
        case .backoff: return "\(name) waits to retry"
        case .ready: return "\(name) waits for a free slot or resource"
        default:
            let waiting = state.nodes[node].dependencies.filter { !state.state(of: $0.node).isSettled }
                .map { manifests[$0.node].name }
            return "\(name) waits for \(waiting.isEmpty ? "its group" : waiting.joined(separator: ", "))"
        }
    }

    func startedData() -> JSONValue {
        var estimates = JSONObject()
        for node in state.nodes { estimates[node.name] = .number(node.estimateSeconds) }
        var data: JSONObject = [
            "plan": plan.json, "agents": .array(state.nodes.map { .string($0.name) }), "estimates": .object(estimates),
            "estimated_seconds": .number(plan.estimatedSeconds), "strategy": .string(plan.strategy.rawValue),
            "recovery": .string(request.recovery.rawValue), "artifacts_dir": .string(artifactsDirectory),
        ]
        let done = state.nodes.indices.filter { state.state(of: $0) == .completed }.map {
            JSONValue.string(state.nodes[$0].name)
        }
        if !done.isEmpty {
            data["resumed"] = true
            data["completed"] = .array(done)
        }
        return .object(data)
    }

    private func applyResume(_ resume: ResumeState?) {
        guard let resume else { return }
        for (name, output) in resume.completedOutputs {
            guard let node = state.indexByName[name] else { continue }
            outputs[node] = output
            state.settle(node, as: .completed)
        }
        for (name, reason) in resume.settled {
            guard let node = state.indexByName[name], !state.state(of: node).isSettled else { continue }
            errors[node] = reason
            unrecovered.append(name)
            state.settle(node, as: .failed)
        }
        for (name, attempts) in resume.attempts {
            if let node = state.indexByName[name] { state.setAttempts(node, attempts) }
        }
    }
}
