import AgentCatalog
import WorkflowPlanning

// Implementation notes
// Every decision of a workflow run, as a value (Hummingbird's connection state machines are
// the model): the driver (WorkflowRun) calls an input (`start`, `attemptEnded`, `timerFired`,
// `pause`, `cancel`, ...) with the time, under its lock, and carries out the actions it gets
// back in order: `.record` an event (appended to the log, which records it before any plugin
// is called), `.start` an attempt, `.schedule` a timer, `.cancel` an attempt (set
// its `is_cancelled`), `.abandon` a call that ignored cancellation, `.finish` the run. No
// threads, no clock, no I/O here: tests drive it with a stepping clock.
// Attempts: an attempt is live from `.start` until it is settled, by its result, its
// deadline or the end of its grace period. One that timed out is settled at its deadline
// (events and recovery happen then) but its call keeps its slot and resources until it
// returns or the grace period ends ("draining"); a retry waits for that. A call abandoned
// after the grace period is "lingering": it has no slot, and an agent that is not
// parallel_safe is not started again while one of its calls lingers (it would wait for it).
// The run finishes when nothing is live, nothing waits for a retry and nothing can start;
// draining calls are left behind then (`.abandon`).

/// The decisions of one workflow run: what starts, retries, timeouts, recovery, control and
/// the outcome, as actions for the driver.
struct RunStateMachine {
    /// One attempt of one node.
    struct AttemptID: Hashable, Sendable {
        var node: Int
        var number: Int
    }

    /// What a scheduled timer stands for.
    enum Timer: Hashable, Sendable {
        /// The retry delay of `node` ran out.
        case retry(node: Int)
        /// The attempt's `timeout_seconds` ran out.
        case deadline(AttemptID)
        /// The grace period of an attempt told to stop ran out.
        case abandon(AttemptID)
    }

    /// An event as decided; the driver numbers and timestamps it.
    struct Event: Sendable, Equatable {
        var type: EventType
        var agent: String?
        var attempt: Int?
        var message: String?
        var data: JSONValue?
    }

    /// How the run ended.
    enum Outcome: Sendable, Equatable {
        case completed
        case failed(String)
        case cancelled(String)
        /// Stopped without settling what was left: `resume` finishes it.
        case interrupted(String)
    }

    /// An attempt to start now.
    struct Start: Sendable, Equatable {
        var attempt: AttemptID
        var agent: String
        /// When it times out (infinite without a timeout).
        var deadline: Double
    }

    /// What the driver must do, in order.
    enum Action: Sendable, Equatable {
        /// Append the event to the log (it is recorded at the next flush, before any start
        /// decided with it calls its plugin).
        case record(Event)
        case start(Start)
        case schedule(Timer, at: Double)
        case cancel(AttemptID, reason: String)
        case abandon(AttemptID)
        case finish(Outcome)
    }

    var state: SchedulerState
    var plan: ExecutionPlan
    let request: WorkflowRequest
    let catalog: Catalog
    let planner: Planner
    let retry: RetryPolicy
    /// Seconds an attempt told to stop gets before it is abandoned.
    let grace: Double
    /// Values in `0..<1` for retry jitter (seeded in tests).
    let random: @Sendable () -> Double
    let startedAt: Double
    /// `<artifactsRoot>/<workflow_id>`, named in workflow.started.
    let artifactsDirectory: String

    /// Agents that failed for good or were skipped and were not made good by recovery.
    private(set) var unrecovered: [String] = []
    var excluded: Set<String> = []
    var tried: [Int: Set<String>] = [:]
    var cancelReason: String?
    var failReason: String?
    var interruptReason: String?
    var recorderHasFailed = false
    /// Attempts that run and are not settled.
    private(set) var liveCount = 0
    /// Calls given up (abandoned after the grace period, or left behind at the end).
    private(set) var abandonedCalls = 0
    var finished = false

    /// The time of the input being handled.
    var now: Double
    var actions: [Action] = []

    /// The machine for `plan`; `resume` says what an earlier run of the workflow did.
    init(
        plan: ExecutionPlan, resume: ResumeState?, catalog: Catalog, planner: Planner, retry: RetryPolicy,
        grace: Double, random: @escaping @Sendable () -> Double, artifactsDirectory: String, at now: Double
    ) {
        self.artifactsDirectory = artifactsDirectory
        self.plan = plan
        self.request = plan.request
        self.catalog = catalog
        self.planner = planner
        self.retry = retry
        self.grace = grace
        self.random = random
        self.startedAt = now
        self.now = now
        state = SchedulerState(plan: plan, limits: plan.resources) { catalog.agent(named: $0) ?? Manifest(name: $0) }
        applyResume(resume)
    }

    // MARK: - Inputs

    /// Starts the run: workflow.started and the first attempts.
    mutating func start(at now: Double) -> [Action] {
        self.now = now
        emit(
            .workflowStarted, message: "started \(plan.agents.count) agents (\(plan.strategy.rawValue))",
            data: startedData())
        for (node, cause) in state.admitSettledWaiters() { appendSkipped(node, cause: cause) }
        return conclude(at: now)
    }

    /// An attempt's call returned (or was not made: the driver could not record its start).
    mutating func attemptEnded(_ id: AttemptID, _ result: AttemptResult, at now: Double) -> [Action] {
        self.now = now
        guard !finished else { return [] }
        let node = id.node
        if let live = state.nodes[node].live, live.number == id.number {
            endLive(node)
            state.attemptEnded(node)
            settle(id, result, startedAt: live.startedAt, stopReason: live.stopReason, at: now)
        } else if state.nodes[node].draining == id.number {
            endDrain(node, at: now)
        } else if state.nodes[node].lingering > 0 {
            state.nodes[node].lingering -= 1
        }
        return conclude(at: now)
    }

    /// A timer scheduled by a `.schedule` action came due.
    mutating func timerFired(_ timer: Timer, at now: Double) -> [Action] {
        self.now = now
        guard !finished else { return [] }
        switch timer {
        case .retry(let node): retryDue(node, at: now)
        case .deadline(let id): deadlinePassed(id, at: now)
        case .abandon(let id): gracePassed(id, at: now)
        }
        return conclude(at: now)
    }

    // MARK: - Settling attempts

    /// Records how a live attempt ended and decides what follows: dependents, retry or recovery.
    private mutating func settle(
        _ id: AttemptID, _ result: AttemptResult, startedAt: Double, stopReason: String?, at now: Double
    ) {
        let node = id.node
        let name = state.nodes[node].name
        let duration = now - startedAt
        if case .succeeded(let output) = result.outcome {
            state.nodes[node].output = output
            var data: JSONObject = ["output": .object(output), "duration_seconds": .number(duration)]
            if let pid = result.workerPid { data["worker_pid"] = .integer(Int64(pid)) }
            if let node = result.node { data["node"] = .string(node) }
            emit(.agentCompleted, agent: name, attempt: id.number, data: .object(data))
            state.settle(node, as: .completed)
            return
        }
        if interruptReason != nil {
            // Interrupted: the attempt stays unsettled for `resume`; workflow.interrupted closes it.
            state.park(node)
            return
        }
        let failure = describe(result, of: id, stopReason: stopReason)
        var cancelled = false
        if case .cancelled = result.outcome { cancelled = !failure.timedOut }
        fail(
            id, message: failure.message, retryable: failure.retryable, timedOut: failure.timedOut,
            cancelled: cancelled, duration: duration, workerPid: result.workerPid, signal: result.signal,
            node: result.node, lostNode: result.lostNode, at: now)
    }

    /// Emits agent.failed for attempt `id`, then a retry or the agent's recovery. `cancelled`
    /// marks an attempt stopped by a cancel or abort (`data.cancelled`: the agent reads `cancelled`).
    /// An attempt lost with its cluster node (`lostNode`) is retried against
    /// `retry.maxNodeLossRetries`; the others against `max_retries`, not counting node losses.
    private mutating func fail(
        _ id: AttemptID, message: String, retryable: Bool, timedOut: Bool, cancelled: Bool = false,
        duration: Double, workerPid: Int32? = nil, signal: String? = nil, node clusterNode: String? = nil,
        lostNode: String? = nil, at now: Double
    ) {
        let node = id.node
        let retries = RetryPolicy.maxRetries(
            manifest: state.nodes[node].manifest.maxRetries, requestOverride: request.maxRetries)
        let allowed: Bool
        if lostNode != nil {
            state.nodes[node].nodeLosses += 1
            allowed = state.nodes[node].nodeLosses <= max(0, retry.maxNodeLossRetries)
        } else {
            allowed = id.number - state.nodes[node].nodeLosses <= retries
        }
        let willRetry = retryable && allowed && !state.stopping && !blockedByLingering(node)
        var data: JSONObject = [
            "retryable": .bool(retryable), "timed_out": .bool(timedOut), "final": .bool(!willRetry),
            "duration_seconds": .number(duration),
        ]
        if let signal { data["signal"] = .string(signal) }
        if cancelled { data["cancelled"] = true }
        state.nodes[node].cancelled = cancelled && !willRetry
        if let workerPid { data["worker_pid"] = .integer(Int64(workerPid)) }
        if let clusterNode { data["node"] = .string(clusterNode) }
        if let lostNode {
            data["node_lost"] = .string(lostNode)
            data["node_loss_retries"] = .integer(Int64(state.nodes[node].nodeLosses))
        }
        let name = state.nodes[node].name
        emit(.agentFailed, agent: name, attempt: id.number, message: message, data: .object(data))
        if willRetry {
            let delay = retry.delay(beforeRetry: id.number, random: random())
            emit(
                .agentRetrying, agent: name, attempt: id.number + 1,
                message: "retrying after attempt \(id.number) failed: \(message)",
                data: ["delay_seconds": .number(delay), "next_attempt": .integer(Int64(id.number + 1))])
            state.enterBackoff(node)
            actions.append(.schedule(.retry(node: node), at: now + delay))
        } else {
            state.nodes[node].error = message
            recover(node, message: message)
        }
    }

    private func describe(
        _ result: AttemptResult, of id: AttemptID, stopReason: String?
    ) -> (message: String, retryable: Bool, timedOut: Bool) {
        if result.timedOut { return (timeoutMessage(id), true, true) }
        switch result.outcome {
        case .failed(let message, let retryable):
            return (message, retryable || result.signal != nil, false)
        case .cancelled(let message):
            return ("cancelled: \(message ?? stopReason ?? "the agent cancelled itself")", false, false)
        case .succeeded:
            return ("", false, false)
        }
    }

    private func timeoutMessage(_ id: AttemptID) -> String {
        "timed out after \(DurationText.describe(state.nodes[id.node].manifest.timeoutSeconds)) (attempt \(id.number))"
    }

    // MARK: - Timers

    private mutating func retryDue(_ node: Int, at now: Double) {
        guard state.state(of: node) == .backoff else { return }
        if state.nodes[node].draining != nil {
            state.nodes[node].retryWhenDrained = true
        } else if blockedByLingering(node) {
            failLingering(node)
        } else {
            state.leaveBackoff(node)
        }
    }

    /// The deadline: the attempt is settled as timed out now; its call is told to stop and
    /// keeps its slot until it returns or the grace period ends.
    private mutating func deadlinePassed(_ id: AttemptID, at now: Double) {
        let node = id.node
        guard let live = state.nodes[node].live, live.number == id.number else { return }
        endLive(node)
        state.nodes[node].draining = id.number
        let seconds = state.nodes[node].manifest.timeoutSeconds
        actions.append(.cancel(id, reason: "timed out after \(DurationText.describe(seconds))"))
        actions.append(.schedule(.abandon(id), at: now + graceSeconds(node)))
        if interruptReason != nil {
            state.park(node)
            return
        }
        fail(id, message: timeoutMessage(id), retryable: true, timedOut: true, duration: now - live.startedAt, at: now)
    }

    /// The grace period of a stopped attempt ran out: its call is abandoned.
    private mutating func gracePassed(_ id: AttemptID, at now: Double) {
        let node = id.node
        if let live = state.nodes[node].live, live.number == id.number {
            endLive(node)
            state.attemptEnded(node)
            abandon(id)
            if interruptReason != nil {
                state.park(node)
                return
            }
            let name = state.nodes[node].name
            fail(
                id, message: "\(name) did not stop within the grace period; abandoned", retryable: true,
                timedOut: false, duration: now - live.startedAt, at: now)
        } else if state.nodes[node].draining == id.number {
            state.nodes[node].draining = nil
            state.attemptEnded(node)
            abandon(id)
            resumeAfterDrain(node)
        }
    }

    private mutating func endDrain(_ node: Int, at now: Double) {
        state.nodes[node].draining = nil
        state.attemptEnded(node)
        resumeAfterDrain(node)
    }

    /// A draining attempt's slot is free: a retry that waited for it goes ahead.
    private mutating func resumeAfterDrain(_ node: Int) {
        guard state.nodes[node].retryWhenDrained else { return }
        state.nodes[node].retryWhenDrained = false
        if blockedByLingering(node) {
            failLingering(node)
        } else {
            state.leaveBackoff(node)
        }
    }

    private mutating func abandon(_ id: AttemptID) {
        state.nodes[id.node].lingering += 1
        abandonedCalls += 1
        actions.append(.abandon(id))
    }

    /// Whether `node` may not start again because a call of it lingers and it is not parallel_safe.
    private func blockedByLingering(_ node: Int) -> Bool {
        state.nodes[node].lingering > 0 && !state.nodes[node].manifest.parallelSafe
    }

    /// A retry that cannot happen: the agent fails for good.
    private mutating func failLingering(_ node: Int) {
        let name = state.nodes[node].name
        let message =
            "not retried: an abandoned call of \(name) is still running and \(name) is not parallel_safe"
        state.nodes[node].error = message
        emit(
            .agentFailed, agent: name, attempt: state.nodes[node].attempts, message: message,
            data: ["retryable": false, "timed_out": false, "final": true])
        recover(node, message: message)
    }

    /// Seconds from telling `node`'s attempt to stop to abandoning it: the grace period, and for
    /// a process-isolated agent also the time its worker gets to die after being killed.
    func graceSeconds(_ node: Int) -> Double {
        state.nodes[node].manifest.isolation == .process ? 2 * grace + 1 : grace
    }

    /// Whether attempt `id` runs and is not settled.
    mutating func isLive(_ id: AttemptID) -> Bool { state.nodes[id.node].live?.number == id.number }

    private mutating func endLive(_ node: Int) {
        state.nodes[node].live = nil
        liveCount -= 1
    }

    // MARK: - Starting and finishing

    /// Starts what may start, finishes the run when nothing is left, and hands over the actions.
    mutating func conclude(at now: Double) -> [Action] {
        if !finished {
            while let node = state.nextStart() { begin(node, at: now) }
            if liveCount == 0 && state.inBackoff == 0 && (state.readyCount == 0 || state.stopping) {
                finish(at: now)
            }
        }
        // Handed over without copying its elements; the next input gets a buffer of the same size.
        let result = actions
        actions.removeAll(keepingCapacity: true)
        return result
    }

    private mutating func begin(_ node: Int, at now: Double) {
        let number = state.nodes[node].attempts
        let name = state.nodes[node].name
        state.nodes[node].live = SchedulerState.LiveAttempt(number: number, startedAt: now)
        liveCount += 1
        if state.strategy != .sequential {
            let passed = state.overtaken(by: node)
            if !passed.isEmpty { appendPromotion(node, passed: passed) }
        }
        let manifest = state.nodes[node].manifest
        emit(
            .agentStarted, agent: name, attempt: number,
            data: ["agent_version": .string(manifest.version), "agent_identity": .string(manifest.identity)])
        let id = AttemptID(node: node, number: number)
        let timeout = state.nodes[node].manifest.timeoutSeconds
        let timed = timeout.isFinite && timeout > 0
        let deadline = timed ? now + timeout : .infinity
        actions.append(.start(Start(attempt: id, agent: name, deadline: deadline)))
        if timed { actions.append(.schedule(.deadline(id), at: deadline)) }
    }

    /// The final event, once nothing runs or can start; draining in-process calls are left
    /// behind (a process-isolated one returns once its worker is killed).
    private mutating func finish(at now: Double) {
        finished = true
        for node in state.nodes.indices where state.nodes[node].manifest.isolation != .process {
            if let number = state.nodes[node].draining {
                state.nodes[node].draining = nil
                abandon(AttemptID(node: node, number: number))
            }
        }
        // By index, not by Node: a Node (with its manifest) is costly to copy.
        var completed: [JSONValue] = []
        var failed: [JSONValue] = []
        var skipped: [JSONValue] = []
        var stuck: [String] = []
        for node in state.nodes.indices where !state.nodes[node].retired {
            let name = state.nodes[node].name
            switch state.nodes[node].state {
            case .completed: completed.append(.string(name))
            case .failed: failed.append(.string(name))
            case .skipped: skipped.append(.string(name))
            default: stuck.append(name)
            }
        }
        var data: JSONObject = [
            "completed": .array(completed), "failed": .array(failed), "skipped": .array(skipped),
            "duration_seconds": .number(now - startedAt),
        ]
        if abandonedCalls > 0 { data["abandoned_threads"] = .integer(Int64(abandonedCalls)) }
        let outcome: Outcome
        if let interruptReason {
            outcome = .interrupted(interruptReason)
            emit(.workflowInterrupted, message: interruptReason, data: .object(data))
        } else if let cancelReason {
            outcome = .cancelled(cancelReason)
            emit(.workflowCancelled, message: cancelReason, data: .object(data))
        } else if let failReason {
            outcome = .failed(failReason)
            emit(.workflowFailed, message: failReason, data: .object(data))
        } else if !unrecovered.isEmpty {
            let message = "did not complete: \(unrecovered.joined(separator: ", "))"
            outcome = .failed(message)
            emit(.workflowFailed, message: message, data: .object(data))
        } else if !stuck.isEmpty {
            let message = "agents could never start: \(stuck.joined(separator: ", "))"
            outcome = .failed(message)
            emit(.workflowFailed, message: message, data: .object(data))
        } else {
            outcome = .completed
            emit(.workflowCompleted, message: "all \(state.nodes.count) agents completed", data: .object(data))
        }
        actions.append(.finish(outcome))
    }

    // MARK: - Events

    mutating func emit(
        _ type: EventType, agent: String? = nil, attempt: Int? = nil, message: String? = nil, data: JSONValue? = nil
    ) {
        actions.append(.record(Event(type: type, agent: agent, attempt: attempt, message: message, data: data)))
    }

    mutating func appendSkipped(_ node: Int, cause: Int) {
        let outcome = state.state(of: cause) == .failed ? "failed" : "was skipped"
        let reason = "needs \(state.nodes[cause].name) (hard), which \(outcome)"
        state.nodes[node].error = reason
        unrecovered.append(state.nodes[node].name)
        emit(.agentSkipped, agent: state.nodes[node].name, message: reason)
    }

    mutating func markUnrecovered(_ node: Int) { unrecovered.append(state.nodes[node].name) }

    /// The reason the workflow fails (the first one given wins).
    mutating func setFailReason(_ reason: String) { failReason = failReason ?? reason }

    private mutating func appendPromotion(_ node: Int, passed: [Int]) {
        let names = passed.map { state.nodes[$0].name }
        let why = passed.map { waitingReason($0) }.joined(separator: "; ")
        let name = state.nodes[node].name
        emit(
            .planResequenced, agent: name,
            message: "started \(name) ahead of \(names.joined(separator: ", ")): \(why)",
            data: ["change": "promotion", "agent": .string(name), "ahead_of": .array(names.map { .string($0) })])
    }

    private func waitingReason(_ node: Int) -> String {
        let name = state.nodes[node].name
        switch state.state(of: node) {
        case .backoff: return "\(name) waits to retry"
        case .ready: return "\(name) waits for a free slot or resource"
        default:
            let waiting = state.nodes[node].dependencies.filter { !state.state(of: $0.node).isSettled }
                .map { state.nodes[$0.node].name }
            return "\(name) waits for \(waiting.isEmpty ? "its group" : waiting.joined(separator: ", "))"
        }
    }

    private func startedData() -> JSONValue {
        var estimates = JSONObject()
        var agents: [JSONValue] = []
        var done: [JSONValue] = []
        agents.reserveCapacity(state.nodes.count)
        for node in state.nodes.indices {
            let name = state.nodes[node].name
            estimates[name] = .number(state.nodes[node].estimateSeconds)
            agents.append(.string(name))
            if state.nodes[node].state == .completed { done.append(.string(name)) }
        }
        var data: JSONObject = [
            "plan": plan.json, "agents": .array(agents), "estimates": .object(estimates),
            "estimated_seconds": .number(plan.estimatedSeconds), "strategy": .string(plan.strategy.rawValue),
            "recovery": .string(request.recovery.rawValue), "artifacts_dir": .string(artifactsDirectory),
        ]
        if !done.isEmpty {
            data["resumed"] = true
            data["completed"] = .array(done)
        }
        return .object(data)
    }

    private mutating func applyResume(_ resume: ResumeState?) {
        guard let resume else { return }
        for (name, output) in resume.completedOutputs {
            guard let node = state.indexByName[name] else { continue }
            state.nodes[node].output = output
            state.settle(node, as: .completed)
        }
        for (name, reason) in resume.settled {
            guard let node = state.indexByName[name], !state.state(of: node).isSettled else { continue }
            state.nodes[node].error = reason
            unrecovered.append(name)
            state.settle(node, as: .failed)
        }
        for (name, attempts) in resume.attempts {
            if let node = state.indexByName[name] { state.setAttempts(node, attempts) }
        }
    }
}
