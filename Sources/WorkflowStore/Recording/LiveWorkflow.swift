import AgentCatalog
import Foundation
import OrderedCollections
import Synchronization
import WorkflowEvents

/// The store's in-memory fold of one workflow's recorded events, with the counters the
/// live-state rows need kept up to date in O(1) per agent event.
struct LiveWorkflow: Sendable {
    var status: WorkflowStatus
    var counts: [WorkflowStatus.AgentState: Int] = [:]
    var running: OrderedSet<String> = []
    /// Sum of the estimates of agents still waiting or running.
    var remainingWork = 0.0
    /// Sum of every agent's estimate.
    var totalWork = 0.0

    init(workflowId: String) { status = WorkflowStatus(workflowId: workflowId) }

    init(workflowId: String, events: [WorkflowEvent]) {
        status = WorkflowStatus(workflowId: workflowId, events: events)
        recount()
    }

    /// What an applied event changed, so the caller writes only those rows.
    enum Change {
        case none
        case agent(String)
        case all
    }

    /// Applies `event` to the fold and the counters.
    mutating func apply(_ event: WorkflowEvent) -> Change {
        switch event.type {
        case .agentStarted, .agentProgress, .agentCompleted, .agentFailed, .agentRetrying, .agentSkipped:
            guard let agent = event.agent else {
                status.apply(event)
                return .none
            }
            let before = status.agents[agent]
            status.apply(event)
            guard let after = status.agents[agent] else { return .none }
            if let before {
                move(agent, from: before.state, to: after.state, estimate: after.estimateSeconds)
            } else {
                counts[after.state, default: 0] += 1
                if after.state == .running { running.append(agent) }
                remainingWork += (after.state == .waiting || after.state == .running) ? after.estimateSeconds ?? 0 : 0
                totalWork += after.estimateSeconds ?? 0
            }
            return .agent(agent)
        case .agentLog:
            status.apply(event)
            return .none
        case .workflowStarted, .planResequenced, .workflowInterrupted, .workflowRetried:
            status.apply(event)
            recount()
            return .all
        case .workflowPaused, .workflowResumed, .workflowCancelled, .workflowCompleted, .workflowFailed:
            status.apply(event)
            return .none
        }
    }

    var total: Int { status.order.count }

    var progressPercentage: Double {
        WorkflowStatus.progressPercentage(completed: counts[.completed, default: 0], total: total, state: status.state)
    }

    /// When the workflow should finish by the estimates: the last event's time plus the
    /// remaining work scaled by the plan's parallelism (estimated duration / total work).
    var estimatedCompletion: Double? {
        if status.state.isFinished { return status.finishedAt }
        guard let now = status.lastTimestamp, totalWork > 0 else {
            if let startedAt = status.startedAt, let estimated = status.estimatedSeconds { return startedAt + estimated }
            return nil
        }
        let parallelism = min(1, (status.estimatedSeconds ?? totalWork) / totalWork)
        return now + remainingWork * parallelism
    }

    // MARK: - Counters

    private mutating func move(
        _ agent: String, from old: WorkflowStatus.AgentState, to new: WorkflowStatus.AgentState, estimate: Double?
    ) {
        guard old != new else { return }
        counts[old, default: 0] -= 1
        counts[new, default: 0] += 1
        if old == .running { running.remove(agent) }
        if new == .running { running.append(agent) }
        let wasOpen = old == .waiting || old == .running
        let isOpen = new == .waiting || new == .running
        if wasOpen != isOpen { remainingWork += (isOpen ? 1 : -1) * (estimate ?? 0) }
    }

    private mutating func recount() {
        counts = [:]
        running = []
        remainingWork = 0
        totalWork = 0
        for name in status.order {
            guard let record = status.agents[name] else { continue }
            counts[record.state, default: 0] += 1
            if record.state == .running { running.append(name) }
            let estimate = record.estimateSeconds ?? 0
            totalWork += estimate
            if record.state == .waiting || record.state == .running { remainingWork += estimate }
        }
    }
}

/// The folds of workflows this store is recording. An entry is taken out for the length of
/// a write transaction and put back only when it committed.
final class LiveCache: Sendable {
    private let workflows = Mutex<[String: LiveWorkflow]>([:])

    func take(_ id: String) -> LiveWorkflow? {
        workflows.withLock { $0.removeValue(forKey: id) }
    }

    func put(_ id: String, _ workflow: LiveWorkflow) {
        workflows.withLock { $0[id] = workflow }
    }
}
