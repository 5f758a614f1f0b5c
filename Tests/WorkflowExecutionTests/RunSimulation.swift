import AgentCatalog
import Foundation
import WorkflowPlanning

@testable import WorkflowExecution

/// What a simulated agent does on one attempt.
enum Step: Sendable, Equatable {
    /// Succeeds after `seconds`.
    case succeed(after: Double)
    /// Fails after `seconds`.
    case fail(after: Double, retryable: Bool)
    /// Runs `seconds` unless told to stop, then answers "cancelled" 10 ms later.
    case cooperative(after: Double)
    /// Never returns on its own and ignores cancellation.
    case hang
    /// Returns `seconds` after it was told to stop, having ignored the request until then.
    case lateAfterCancel(seconds: Double)
    /// Lost with the cluster node `node` after `seconds` (its lease was reaped).
    case lostNode(after: Double, node: String)
}

/// Runs a RunStateMachine with no threads and no plugins: a discrete-event simulation on a
/// stepping clock. Attempts end when their script says; timers fire when due; every action is
/// carried out as the threaded driver would, and what happened is kept for the assertions.
struct RunSimulation {
    struct Call {
        var agent: String
        var step: Step
        var started: Double
        /// When the call returns, if it will.
        var ends: Double?
        /// Whether it still holds its slot (not abandoned).
        var counted = true
    }

    var machine: RunStateMachine
    let catalog: Catalog
    var now: Double
    private(set) var events: [WorkflowEvent] = []
    private var timers: [(due: Double, order: Int, timer: RunStateMachine.Timer)] = []
    private var order = 0
    private(set) var calls: [RunStateMachine.AttemptID: Call] = [:]
    private(set) var outcome: RunStateMachine.Outcome?
    private(set) var cancelled: [RunStateMachine.AttemptID: Double] = [:]
    private(set) var abandoned: [RunStateMachine.AttemptID] = []
    /// Every start, in order: agent, attempt, time.
    private(set) var starts: [(agent: String, attempt: Int, at: Double)] = []
    /// Most calls holding a slot at once, and most units of each resource.
    private(set) var peakCalls = 0
    private(set) var peakResources: [String: Int] = [:]
    var script: [String: [Step]]

    /// A simulation of `request` planned over `manifests`, starting at t = 1000.
    init(
        _ manifests: [Manifest], request: WorkflowRequest, script: [String: [Step]] = [:], grace: Double = 2,
        retry: RetryPolicy = RetryPolicy(initialInterval: 1, multiplier: 2, maximumInterval: 8, jitter: .none),
        random: @escaping @Sendable () -> Double = { 0.5 }, resume: ResumeState? = nil
    ) throws {
        catalog = Catalog(agents: manifests)
        let planner = Planner(catalog: catalog)
        let plan = try planner.plan(request)
        now = 1000
        self.script = script
        machine = RunStateMachine(
            plan: plan, resume: resume, catalog: catalog, planner: planner, retry: retry, grace: grace,
            random: random, artifactsDirectory: "/tmp/runs/wf-sim", at: now)
    }

    /// The plan the machine runs.
    var plan: ExecutionPlan { machine.plan }

    /// The fold of every recorded event (what status and the store show).
    var status: WorkflowStatus { WorkflowStatus(workflowId: "wf-sim", events: events) }

    /// Starts the run and simulates until nothing more happens (or `limit` is reached).
    mutating func run(until limit: Double = .infinity) {
        if events.isEmpty { apply(machine.start(at: now)) }
        advance(until: limit)
    }

    /// Simulates until nothing more happens or the clock would pass `limit`.
    mutating func advance(until limit: Double) {
        while true {
            let callEnd = calls.filter { $0.value.ends != nil }.min {
                ($0.value.ends!, $0.key.node) < ($1.value.ends!, $1.key.node)
            }
            let timer = timers.min { ($0.due, $0.order) < ($1.due, $1.order) }
            let next = [callEnd?.value.ends, timer?.due].compactMap { $0 }.min()
            guard let next, next <= limit else { break }
            now = max(now, next)
            if let callEnd, callEnd.value.ends == next, timer.map({ $0.due >= next }) ?? true {
                let id = callEnd.key
                let call = calls.removeValue(forKey: id)!
                apply(machine.attemptEnded(id, result(of: call, id), at: now))
            } else if let timer {
                timers.removeAll { $0.order == timer.order }
                apply(machine.timerFired(timer.timer, at: now))
            }
        }
        if limit.isFinite { now = max(now, limit) }
    }

    mutating func pause() { apply(machine.pause(at: now)) }
    mutating func resume() { apply(machine.resume(at: now)) }
    mutating func cancel(_ reason: String) { apply(machine.cancel(reason: reason, at: now)) }
    mutating func interrupt(_ reason: String) { apply(machine.interrupt(reason: reason, at: now)) }
    mutating func recorderFailed(_ reason: String) { apply(machine.recorderFailed(reason: reason, at: now)) }

    /// Carries out actions as the driver does.
    mutating func apply(_ actions: [RunStateMachine.Action]) {
        for action in actions {
            switch action {
            case .record(let draft):
                events.append(
                    WorkflowEvent(
                        sequence: Int64(events.count + 1), workflowId: "wf-sim", type: draft.type, agent: draft.agent,
                        attempt: draft.attempt, timestamp: now, message: draft.message, data: draft.data))
            case .start(let start):
                let steps = script[start.agent] ?? []
                let step = steps.isEmpty ? .succeed(after: 1) : steps[min(start.attempt.number, steps.count) - 1]
                calls[start.attempt] = Call(agent: start.agent, step: step, started: now, ends: ends(of: step))
                starts.append((start.agent, start.attempt.number, now))
                notePeaks()
            case .schedule(let timer, let due):
                order += 1
                timers.append((due, order, timer))
            case .cancel(let id, _):
                cancelled[id] = now
                guard var call = calls[id] else { continue }
                switch call.step {
                case .cooperative: call.ends = min(call.ends ?? .infinity, now + 0.01)
                case .lateAfterCancel(let seconds): call.ends = now + seconds
                default: break
                }
                calls[id] = call
            case .abandon(let id):
                abandoned.append(id)
                calls[id]?.counted = false
            case .finish(let outcome):
                self.outcome = outcome
            }
        }
    }

    private func ends(of step: Step) -> Double? {
        switch step {
        case .succeed(let seconds), .fail(let seconds, _), .cooperative(let seconds), .lostNode(let seconds, _):
            return now + seconds
        case .hang, .lateAfterCancel: return nil
        }
    }

    private func result(of call: Call, _ id: RunStateMachine.AttemptID) -> AttemptResult {
        switch call.step {
        case .succeed:
            return AttemptResult(
                outcome: .succeeded(["agent": .string(call.agent), "attempt": .integer(Int64(id.number))]))
        case .fail(_, let retryable):
            return AttemptResult(
                outcome: .failed(message: "\(call.agent) failed on attempt \(id.number)", retryable: retryable))
        case .lostNode(_, let node):
            return AttemptResult(
                outcome: .failed(message: "node \(node) lost (its lease ended)", retryable: true), node: node,
                lostNode: node)
        case .cooperative:
            if cancelled[id] != nil { return AttemptResult(outcome: .cancelled(message: nil)) }
            return AttemptResult(outcome: .succeeded(["agent": .string(call.agent)]))
        case .hang, .lateAfterCancel:
            return AttemptResult(outcome: .succeeded(["late": true]))
        }
    }

    private mutating func notePeaks() {
        let counted = calls.values.filter(\.counted)
        peakCalls = max(peakCalls, counted.count)
        var units: [String: Int] = [:]
        for call in counted {
            for (resource, amount) in catalog.agent(named: call.agent)?.resources ?? [:] {
                units[resource, default: 0] += amount
            }
        }
        for (resource, amount) in units { peakResources[resource] = max(peakResources[resource] ?? 0, amount) }
    }

    // MARK: - Reading what happened

    func events(_ type: EventType, of agent: String? = nil) -> [WorkflowEvent] {
        events.filter { $0.type == type && (agent == nil || $0.agent == agent) }
    }

    func starts(of agent: String) -> [Double] { starts.filter { $0.agent == agent }.map(\.at) }

    /// When `agent`'s attempts ended (completed or failed), from the events.
    func ends(of agent: String) -> [Double] {
        events.filter { ($0.type == .agentCompleted || $0.type == .agentFailed) && $0.agent == agent }.map(\.timestamp)
    }

    /// The machine's own view of each agent, in the fold's vocabulary.
    var machineStates: [String: WorkflowStatus.AgentState] {
        var states: [String: WorkflowStatus.AgentState] = [:]
        for node in machine.state.nodes where !node.retired || node.state == .skipped {
            switch node.state {
            case .completed: states[node.name] = .completed
            case .failed: states[node.name] = node.cancelled ? .cancelled : .failed
            case .skipped: states[node.name] = .skipped
            case .running: states[node.name] = .running
            case .waiting, .ready, .backoff: states[node.name] = .waiting
            }
        }
        return states
    }
}
