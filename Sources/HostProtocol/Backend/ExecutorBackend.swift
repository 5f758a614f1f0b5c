import AgentCatalog
import Foundation
import Logging
import Synchronization
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore

// Implementation notes: workflows started in this session are "live": their handle answers
// status, events and control from memory. Everything else is read from the store (workflows
// of earlier sessions, other hosts' workflows). A control thread polls the store every half
// second for `agenthost cancel|pause|resume` requests from other processes and applies them
// to the live workflows they name.

/// The real backend: runs plans on `WorkflowExecutor` and keeps them in the SQLite store.
public final class ExecutorBackend: WorkflowBackend {
    private struct Live {
        var handle: WorkflowHandle
        var plan: ExecutionPlan
        /// The first sequence number this session's run emits (after a resume, earlier ones are in the store).
        var firstSequence: Int64
    }

    private let store: SQLiteStore?
    private let runner: any AgentRunner
    private let options: ExecutorOptions
    private let logger: Logger
    private let live = Mutex<[String: Live]>([:])
    private let stopped = Mutex(false)

    /// Creates a backend.
    /// - Parameters:
    ///   - store: where workflows are recorded; nil keeps them in memory for this session.
    ///   - runner: runs each attempt (the plugin-backed runner in `agenthost serve`).
    ///   - options: retry policy, grace period, folders.
    ///   - logger: diagnostics.
    public init(
        store: SQLiteStore?, runner: any AgentRunner, options: ExecutorOptions = ExecutorOptions(), logger: Logger
    ) {
        self.store = store
        self.runner = runner
        self.options = options
        self.logger = logger
        if store != nil { startControlPolling() }
    }

    /// Whether workflows outlive the process.
    public var isPersistent: Bool { store != nil }

    /// Learned durations when a store is on, else the manifests' estimates.
    public func estimates() -> any EstimatesProvider {
        store.map { $0.learnedEstimates() } ?? ManifestEstimates()
    }

    /// Records the workflow, then starts it in the background.
    public func start(plan: ExecutionPlan, catalog: Catalog, baseDirectory: String?) throws(ProtocolError) -> String {
        let id = Self.newWorkflowId()
        if let store {
            do {
                try store.createWorkflow(id: id, request: plan.request.json, plan: plan.json, requestFile: nil)
            } catch {
                throw ProtocolError.storeError(error.message)
            }
        }
        launch(plan: plan, workflowId: id, catalog: catalog, resume: nil, baseDirectory: baseDirectory)
        return id
    }

    /// Live status, else the stored one.
    public func status(workflowId: String) throws(ProtocolError) -> WorkflowStatus {
        if let handle = live.withLock({ $0[workflowId]?.handle }) { return handle.status() }
        return try stored(workflowId) { store, id throws(StoreError) in try store.status(workflowId: id) }
    }

    /// The plan the workflow runs.
    public func plan(workflowId: String) throws(ProtocolError) -> ExecutionPlan {
        if let plan = live.withLock({ $0[workflowId]?.plan }) { return plan }
        let json = try stored(workflowId) { store, id throws(StoreError) in try store.plan(workflowId: id) }
        do {
            return try ExecutionPlan(json: json)
        } catch {
            throw ProtocolError.storeError("the stored plan of workflow \(workflowId) is unreadable: \(error.message)")
        }
    }

    /// The store's analytics (durations, waits, retries, realized critical path, estimate
    /// error); without a store, estimated against actual durations from the live status.
    public func analytics(workflowId: String) throws(ProtocolError) -> JSONValue {
        if let store {
            do { return try store.analytics(workflowId: workflowId).json } catch {
                throw Self.map(error, workflowId: workflowId)
            }
        }
        let plan = try plan(workflowId: workflowId)
        let status = try status(workflowId: workflowId)
        var agents: [JSONValue] = []
        for name in status.order {
            guard let record = status.agents[name] else { continue }
            var entry: JSONObject = [
                "agent": .string(name), "state": .string(record.state.rawValue),
                "attempts": .integer(Int64(record.attempts)),
                "critical": .bool(plan.criticalPath.contains(name)),
            ]
            let estimate = plan.agent(named: name)?.estimate.seconds ?? record.estimateSeconds
            if let estimate { entry["estimated_seconds"] = .number(estimate) }
            if let start = record.startedAt, let end = record.finishedAt {
                entry["actual_seconds"] = .number(end - start)
            }
            agents.append(.object(entry))
        }
        var result: JSONObject = [
            "workflow_id": .string(workflowId), "state": .string(status.state.rawValue),
            "estimated_seconds": .number(plan.estimatedSeconds),
            "critical_path": .array(plan.criticalPath.map { .string($0) }),
        ]
        if let start = status.startedAt, let end = status.finishedAt { result["actual_seconds"] = .number(end - start) }
        result["retries"] = .array(
            status.order.compactMap { name -> JSONValue? in
                guard let attempts = status.agents[name]?.attempts, attempts > 1 else { return nil }
                return .object(["agent": .string(name), "attempts": .integer(Int64(attempts))])
            })
        result["agents"] = .array(agents)
        return .object(result)
    }

    /// The agent's committed output: from the store, else from the live event log.
    public func output(workflowId: String, agent: String) throws(ProtocolError) -> JSONValue? {
        if let store {
            do {
                if let output = try store.output(workflowId: workflowId, agent: agent) { return .object(output) }
                return nil
            } catch  where error.code == .unknownWorkflow && live.withLock({ $0[workflowId] != nil }) {
                // Not recorded yet: fall through to the live log.
            } catch {
                throw Self.map(error, workflowId: workflowId)
            }
        }
        guard let handle = live.withLock({ $0[workflowId]?.handle }) else {
            throw ProtocolError.unknownWorkflow(workflowId)
        }
        return handle.events().last { $0.type == .agentCompleted && $0.agent == agent }?.data?["output"]
    }

    /// Stored workflows (and live ones when there is no store), most recent first.
    public func list(limit: Int) throws(ProtocolError) -> [WorkflowStatus] {
        if let store {
            let summaries: [WorkflowSummary]
            do { summaries = try store.workflows() } catch { throw Self.map(error, workflowId: nil) }
            var result: [WorkflowStatus] = []
            for summary in summaries.sorted(by: { $0.createdAt > $1.createdAt }).prefix(limit) {
                result.append(try status(workflowId: summary.id))
            }
            return result
        }
        let handles = live.withLock { Array($0.values.map(\.handle)) }
        let statuses = handles.map { $0.status() }.sorted { ($0.startedAt ?? 0) > ($1.startedAt ?? 0) }
        return Array(statuses.prefix(limit))
    }

    /// Pauses a live workflow, or asks the host running it through the store.
    public func pause(workflowId: String) throws(ProtocolError) {
        try control(workflowId, .pause) { $0.pause() }
    }

    /// Resumes a paused live workflow, or restarts an interrupted one from its committed outputs.
    public func resume(workflowId: String, catalog: Catalog) throws(ProtocolError) {
        if let handle = live.withLock({ $0[workflowId]?.handle }) {
            let state = handle.status().state
            guard state == .paused else {
                throw ProtocolError.invalidState(
                    workflowId: workflowId, state: state.rawValue, "only a paused workflow can be resumed")
            }
            handle.resume()
            return
        }
        guard let store else { throw ProtocolError.unknownWorkflow(workflowId) }
        let status = try self.status(workflowId: workflowId)
        switch status.state {
        case .interrupted:
            let plan = try plan(workflowId: workflowId)
            let resume: ResumeState
            do { resume = try store.resumeState(workflowId: workflowId) } catch {
                throw Self.map(error, workflowId: workflowId)
            }
            launch(plan: plan, workflowId: workflowId, catalog: catalog, resume: resume, baseDirectory: nil)
        case .paused:
            do { try store.requestControl(workflowId: workflowId, .resume) } catch {
                throw Self.map(error, workflowId: workflowId)
            }
        default:
            throw ProtocolError.invalidState(
                workflowId: workflowId, state: status.state.rawValue,
                "only a paused or interrupted workflow can be resumed")
        }
    }

    /// Cancels a live workflow, or asks the host running it through the store.
    public func cancel(workflowId: String, reason: String?) throws(ProtocolError) {
        try control(workflowId, .cancel) { $0.cancel(reason: reason ?? "cancelled by the client") }
    }

    /// Live events from the executor; stored ones replayed for other workflows.
    public func subscribe(
        workflowId: String, from: Int64, handler: @escaping @Sendable (WorkflowEvent) -> Void
    ) throws(ProtocolError) -> any WorkflowEventSubscription {
        if let running = live.withLock({ $0[workflowId] }) {
            var from = from
            if from < running.firstSequence, let store {
                // A resumed workflow: what happened in earlier sessions comes from the store.
                let earlier: [WorkflowEvent]
                do { earlier = try store.events(workflowId: workflowId, after: from - 1) } catch {
                    throw Self.map(error, workflowId: workflowId)
                }
                for event in earlier where event.sequence < running.firstSequence { handler(event) }
                from = running.firstSequence
            }
            return LiveSubscription(subscription: running.handle.subscribe(from: from, handler))
        }
        let events = try stored(workflowId) { store, id throws(StoreError) in
            try store.events(workflowId: id, after: from - 1)
        }
        for event in events { handler(event) }
        return LiveSubscription(subscription: nil)
    }

    /// Pauses every live workflow that has not finished and stops using the store; running
    /// agents are abandoned when the process exits, and the store shows the workflows as
    /// interrupted once their heartbeat is stale, ready for `workflow/resume`.
    public func interruptAll() -> [String] {
        stopped.withLock { $0 = true }
        let handles = live.withLock { Array($0.values.map(\.handle)) }
        var interrupted: [String] = []
        for handle in handles where !handle.status().state.isFinished {
            handle.pause()
            interrupted.append(handle.workflowId)
        }
        return interrupted.sorted()
    }

    // MARK: - Helpers

    private func launch(
        plan: ExecutionPlan, workflowId: String, catalog: Catalog, resume: ResumeState?, baseDirectory: String?
    ) {
        var options = self.options
        if let baseDirectory { options.baseDirectory = baseDirectory }
        let executor = WorkflowExecutor(
            catalog: catalog, runner: runner, recorder: store,
            planner: Planner(catalog: catalog, estimates: estimates()),
            options: options, logger: logger)
        let handle = executor.start(plan: plan, workflowId: workflowId, resume: resume)
        let first = (resume?.lastSequence ?? 0) + 1
        live.withLock { $0[workflowId] = Live(handle: handle, plan: plan, firstSequence: first) }
    }

    private func control(
        _ workflowId: String, _ command: ControlCommand, live action: (WorkflowHandle) -> Void
    ) throws(ProtocolError) {
        if let handle = live.withLock({ $0[workflowId]?.handle }) {
            action(handle)
            return
        }
        guard let store else { throw ProtocolError.unknownWorkflow(workflowId) }
        do { try store.requestControl(workflowId: workflowId, command) } catch {
            throw Self.map(error, workflowId: workflowId)
        }
    }

    private func stored<T>(
        _ workflowId: String, _ body: (SQLiteStore, String) throws(StoreError) -> T
    ) throws(ProtocolError) -> T {
        guard let store else { throw ProtocolError.unknownWorkflow(workflowId) }
        do { return try body(store, workflowId) } catch { throw Self.map(error, workflowId: workflowId) }
    }

    /// The protocol error for a store error about `workflowId`.
    static func map(_ error: StoreError, workflowId: String?) -> ProtocolError {
        switch (error.code, workflowId) {
        case (.unknownWorkflow, .some(let id)): return ProtocolError.unknownWorkflow(id)
        case (.finished, .some(let id)):
            return ProtocolError(
                code: ProtocolError.Code.invalidState, message: "Workflow \(id): \(error.message)",
                data: ["workflow_id": .string(id)])
        default: return ProtocolError.storeError(error.message)
        }
    }

    /// A new id: `wf-` and 12 hex digits of a random UUID.
    static func newWorkflowId() -> String {
        "wf-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    private func startControlPolling() {
        let thread = Thread { [weak self] in
            while let self, !self.stopped.withLock({ $0 }) {
                self.applyPendingControl()
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        thread.name = "agenthost.control"
        thread.start()
    }

    private func applyPendingControl() {
        guard let store else { return }
        let handles = live.withLock { Array($0.values.map(\.handle)) }
        for handle in handles where !handle.status().state.isFinished {
            guard let command = try? store.pendingControl(workflowId: handle.workflowId) else { continue }
            switch command {
            case .cancel: handle.cancel(reason: "cancelled by another process")
            case .pause: handle.pause()
            case .resume: handle.resume()
            }
        }
    }
}

/// Wraps the executor's subscription (nil for a replay that is already complete).
struct LiveSubscription: WorkflowEventSubscription {
    let subscription: EventSubscription?
    func cancel() { subscription?.cancel() }
}
