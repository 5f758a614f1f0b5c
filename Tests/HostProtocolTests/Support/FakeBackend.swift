import AgentCatalog
import Foundation
import HostProtocol
import WorkflowHosting
import WorkflowExecution
import WorkflowPlanning

/// An in-memory WorkflowBackend whose workflows move only when the test says so.
final class FakeBackend: WorkflowBackend, @unchecked Sendable {
    private struct Workflow {
        var plan: ExecutionPlan
        var events: [WorkflowEvent] = []
        var outputs: [String: JSONValue] = [:]
        var subscribers: [Int: @Sendable (WorkflowEvent) -> Void] = [:]
    }

    private let lock = NSRecursiveLock()
    private var workflows: [String: Workflow] = [:]
    private var order: [String] = []
    private var nextSubscriber = 0
    /// When set, `status` waits for this semaphore (to make a request slow on purpose).
    var statusGate: DispatchSemaphore?
    /// Signalled each time `interruptAll` is called (the server saw the end of its input).
    let interruptions = DispatchSemaphore(value: 0)
    /// Every control call made, as "pause wf-1" etc.
    private(set) var calls: [String] = []

    var isPersistent: Bool { false }

    func estimates() -> any EstimatesProvider { ManifestEstimates() }

    func start(plan: ExecutionPlan, catalog: Catalog, baseDirectory: String?) throws(HostingError) -> String {
        lock.lock()
        defer { lock.unlock() }
        let id = "wf-\(order.count + 1)"
        workflows[id] = Workflow(plan: plan)
        order.append(id)
        let estimates = JSONObject(
            uniqueKeysWithValues: plan.agents.map { ($0.name, JSONValue.number($0.estimate.seconds)) })
        emit(
            id, .workflowStarted,
            data: ["agents": .array(plan.order.map { .string($0) }), "estimates": .object(estimates)])
        return id
    }

    func status(workflowId: String) throws(HostingError) -> WorkflowStatus {
        statusGate?.wait()
        lock.lock()
        defer { lock.unlock() }
        guard let workflow = workflows[workflowId] else { throw HostingError.unknownWorkflow(workflowId) }
        return WorkflowStatus(workflowId: workflowId, events: workflow.events)
    }

    func plan(workflowId: String) throws(HostingError) -> ExecutionPlan {
        try withWorkflow(workflowId) { $0.plan }
    }

    func analytics(workflowId: String) throws(HostingError) -> JSONValue {
        try withWorkflow(workflowId) {
            ["workflow_id": .string(workflowId), "events": .integer(Int64($0.events.count))]
        }
    }

    func output(workflowId: String, agent: String) throws(HostingError) -> JSONValue? {
        try withWorkflow(workflowId) { $0.outputs[agent] }
    }

    func list(limit: Int) throws(HostingError) -> [WorkflowStatus] {
        lock.lock()
        defer { lock.unlock() }
        return order.reversed().prefix(limit).map { WorkflowStatus(workflowId: $0, events: workflows[$0]!.events) }
    }

    func pause(workflowId: String) throws(HostingError) {
        try control("pause", workflowId, .workflowPaused)
    }

    func resume(workflowId: String, catalog: Catalog) throws(HostingError) {
        try control("resume", workflowId, .workflowResumed)
    }

    func retry(workflowId: String, agents: [String], reason: String?, catalog: Catalog) throws(HostingError) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        guard let workflow = workflows[workflowId] else { throw HostingError.unknownWorkflow(workflowId) }
        let status = WorkflowStatus(workflowId: workflowId, events: workflow.events)
        guard status.state == .failed || status.state == .cancelled else {
            throw HostingError.invalidState(
                workflowId: workflowId, state: status.state.rawValue, "only a failed or cancelled workflow can be retried")
        }
        let rerun = agents.isEmpty ? status.order.filter { status.agents[$0]?.state != .completed } : agents
        calls.append("retry \(workflowId)")
        emit(workflowId, .workflowRetried, message: reason, data: ["agents": .array(rerun.map { .string($0) })])
        return rerun
    }

    func cancel(workflowId: String, reason: String?) throws(HostingError) {
        try control("cancel", workflowId, .workflowCancelled, message: reason)
    }

    func subscribe(
        workflowId: String, from: Int64, handler: @escaping @Sendable (WorkflowEvent) -> Void
    ) throws(HostingError) -> any WorkflowEventSubscription {
        lock.lock()
        defer { lock.unlock() }
        guard workflows[workflowId] != nil else { throw HostingError.unknownWorkflow(workflowId) }
        for event in workflows[workflowId]!.events where event.sequence >= from { handler(event) }
        nextSubscriber += 1
        let key = nextSubscriber
        workflows[workflowId]!.subscribers[key] = handler
        return FakeSubscription { [self] in
            lock.lock()
            workflows[workflowId]?.subscribers[key] = nil
            lock.unlock()
        }
    }

    func interruptAll() -> [String] {
        lock.lock()
        defer {
            lock.unlock()
            interruptions.signal()
        }
        var interrupted: [String] = []
        for id in order where !WorkflowStatus(workflowId: id, events: workflows[id]!.events).state.isFinished {
            emit(id, .workflowInterrupted, message: "the host stopped")
            interrupted.append(id)
        }
        return interrupted
    }

    // MARK: - Driving workflows from tests

    /// Runs every agent of the plan to completion, then completes the workflow.
    func complete(_ workflowId: String) {
        lock.lock()
        defer { lock.unlock() }
        for agent in workflows[workflowId]!.plan.order {
            emit(workflowId, .agentStarted, agent: agent, attempt: 1)
            emit(workflowId, .agentProgress, agent: agent, progress: 0.5)
            workflows[workflowId]!.outputs[agent] = ["text": .string("output of \(agent)")]
            emit(
                workflowId, .agentCompleted, agent: agent, attempt: 1,
                data: ["output": ["text": .string("output of \(agent)")]])
        }
        emit(workflowId, .workflowCompleted)
    }

    private func control(_ name: String, _ id: String, _ type: EventType, message: String? = nil) throws(HostingError)
    {
        lock.lock()
        defer { lock.unlock() }
        guard workflows[id] != nil else { throw HostingError.unknownWorkflow(id) }
        calls.append("\(name) \(id)")
        emit(id, type, message: message)
    }

    private func withWorkflow<T>(_ id: String, _ body: (Workflow) -> T) throws(HostingError) -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let workflow = workflows[id] else { throw HostingError.unknownWorkflow(id) }
        return body(workflow)
    }

    private func emit(
        _ id: String, _ type: EventType, agent: String? = nil, attempt: Int? = nil, progress: Double? = nil,
        message: String? = nil, data: JSONValue? = nil
    ) {
        let sequence = Int64(workflows[id]!.events.count + 1)
        let event = WorkflowEvent(
            sequence: sequence, workflowId: id, type: type, agent: agent, attempt: attempt,
            timestamp: 1_700_000_000 + Double(sequence), progress: progress, message: message, data: data)
        workflows[id]!.events.append(event)
        for handler in workflows[id]!.subscribers.values { handler(event) }
    }
}

/// A subscription that runs `stop` when cancelled.
struct FakeSubscription: WorkflowEventSubscription {
    let stop: @Sendable () -> Void
    func cancel() { stop() }
}
