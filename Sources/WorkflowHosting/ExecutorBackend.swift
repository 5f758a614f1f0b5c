import AgentCatalog
import Foundation
import Logging
import Synchronization
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore

// Implementation notes: running, recording and cross-process control live in WorkflowHost
// (shared with `agenthost run` and `resume`). This type answers the protocol: workflows live
// in this session are read from their handles, everything else (earlier sessions, other
// hosts' workflows) from the store.

/// The real backend: runs plans through `WorkflowHost` and keeps them in the SQLite store.
public final class ExecutorBackend: WorkflowBackend {
    private let host: WorkflowHost
    private var store: SQLiteStore? { host.store }

    /// Creates a backend.
    /// - Parameters:
    ///   - store: where workflows are recorded; nil keeps them in memory for this session.
    ///   - runner: runs each attempt (the plugin-backed runner in `agenthost serve`).
    ///   - options: retry policy, grace period, folders.
    ///   - agentFolders: the server's manifest and plugin folders, recorded with each workflow.
    ///   - logger: diagnostics.
    public init(
        store: SQLiteStore?, runner: any AgentRunner, options: ExecutorOptions = ExecutorOptions(),
        agentFolders: WorkflowFolders = WorkflowFolders(manifests: [], plugins: [], baseDirectory: nil), logger: Logger
    ) {
        host = WorkflowHost(store: store, runner: runner, options: options, agentFolders: agentFolders, logger: logger)
    }

    /// Whether workflows outlive the process.
    public var isPersistent: Bool { store != nil }

    /// Learned durations when a store is on, else the manifests' estimates.
    public func estimates() -> any EstimatesProvider {
        host.estimates()
    }

    /// Records the workflow, then starts it in the background.
    public func start(plan: ExecutionPlan, catalog: Catalog, baseDirectory: String?) throws(HostingError) -> String {
        let id = Self.newWorkflowId()
        do {
            _ = try host.start(plan: plan, workflowId: id, catalog: catalog, baseDirectory: baseDirectory)
        } catch {
            throw HostingError.storeError(error.message)
        }
        return id
    }

    /// Live status, else the stored one.
    public func status(workflowId: String) throws(HostingError) -> WorkflowStatus {
        if let handle = host.liveWorkflow(workflowId)?.handle { return handle.status() }
        return try stored(workflowId) { store, id throws(StoreError) in try store.status(workflowId: id) }
    }

    /// The plan the workflow runs.
    public func plan(workflowId: String) throws(HostingError) -> ExecutionPlan {
        if let plan = host.liveWorkflow(workflowId)?.plan { return plan }
        return try stored(workflowId) { store, id throws(StoreError) in try store.executionPlan(workflowId: id) }
    }

    /// The analytics of the run (durations, waits, retries, realized critical path, estimate
    /// error): from the store, or, without one, computed the same way from the live events.
    public func analytics(workflowId: String) throws(HostingError) -> JSONValue {
        if let store {
            do { return try store.analytics(workflowId: workflowId).json } catch {
                throw Self.map(error, workflowId: workflowId)
            }
        }
        guard let live = host.liveWorkflow(workflowId) else { throw HostingError.unknownWorkflow(workflowId) }
        return WorkflowAnalytics.compute(
            status: live.handle.status(), runs: AgentRun.runs(from: live.handle.events()),
            dependencies: Dictionary(
                live.plan.agents.map { ($0.name, $0.dependencies.map(\.agent)) }, uniquingKeysWith: { first, _ in first }),
            estimates: Dictionary(
                live.plan.agents.map { ($0.name, $0.estimate.seconds) }, uniquingKeysWith: { first, _ in first }),
            estimatedSeconds: live.plan.estimatedSeconds
        ).json
    }

    /// The agent's committed output: from the store, else from the live event log.
    public func output(workflowId: String, agent: String) throws(HostingError) -> JSONValue? {
        if let store {
            do {
                if let output = try store.output(workflowId: workflowId, agent: agent) { return .object(output) }
                return nil
            } catch  where error.code == .unknownWorkflow && host.liveWorkflow(workflowId) != nil {
                // Not recorded yet: fall through to the live log.
            } catch {
                throw Self.map(error, workflowId: workflowId)
            }
        }
        guard let handle = host.liveWorkflow(workflowId)?.handle else {
            throw HostingError.unknownWorkflow(workflowId)
        }
        return handle.events().last { $0.type == .agentCompleted && $0.agent == agent }?.data?["output"]
    }

    /// Stored workflows (and live ones when there is no store), most recent first.
    public func list(limit: Int) throws(HostingError) -> [WorkflowStatus] {
        if let store {
            let summaries: [WorkflowSummary]
            do { summaries = try store.workflows() } catch { throw Self.map(error, workflowId: nil) }
            var result: [WorkflowStatus] = []
            for summary in summaries.sorted(by: { $0.createdAt > $1.createdAt }).prefix(limit) {
                result.append(try status(workflowId: summary.id))
            }
            return result
        }
        let handles = host.liveWorkflows().map(\.handle)
        let statuses = handles.map { $0.status() }.sorted { ($0.startedAt ?? 0) > ($1.startedAt ?? 0) }
        return Array(statuses.prefix(limit))
    }

    /// Pauses a live workflow, or asks the host running it through the store.
    public func pause(workflowId: String) throws(HostingError) {
        try control(workflowId, .pause) { $0.pause() }
    }

    /// Resumes a paused live workflow, or restarts an interrupted one from its committed outputs.
    public func resume(workflowId: String, catalog: Catalog) throws(HostingError) {
        if let handle = host.liveWorkflow(workflowId)?.handle {
            let state = handle.status().state
            guard state == .paused else {
                throw HostingError.invalidState(
                    workflowId: workflowId, state: state.rawValue, "only a paused workflow can be resumed")
            }
            handle.resume()
            return
        }
        _ = try host.resumeStored(
            workflowId: workflowId, catalog: host.recordedCatalog(workflowId: workflowId, fallback: catalog))
    }

    /// Starts a new attempt of a failed or cancelled workflow in this session (see
    /// `WorkflowHost.retryStored`); the agents come from the manifest folders it was recorded with.
    public func retry(
        workflowId: String, agents: [String], reason: String?, catalog: Catalog
    ) throws(HostingError) -> [String] {
        guard store != nil else {
            if let state = host.liveWorkflow(workflowId)?.handle.status().state {
                throw HostingError.invalidState(
                    workflowId: workflowId, state: state.rawValue,
                    "retry needs the store (the server runs with --no-store)")
            }
            throw HostingError.unknownWorkflow(workflowId)
        }
        return try host.retryStored(
            workflowId: workflowId, agents: agents, reason: reason,
            catalog: host.recordedCatalog(workflowId: workflowId, fallback: catalog)
        ).agents
    }

    /// Cancels a live workflow, or asks the host running it through the store.
    public func cancel(workflowId: String, reason: String?) throws(HostingError) {
        try control(workflowId, .cancel) { $0.cancel(reason: reason ?? "cancelled by the client") }
    }

    /// Live events from the executor; stored ones replayed for other workflows.
    public func subscribe(
        workflowId: String, from: Int64, handler: @escaping @Sendable (WorkflowEvent) -> Void
    ) throws(HostingError) -> any WorkflowEventSubscription {
        if let running = host.liveWorkflow(workflowId) {
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
        host.stopPolling()
        let handles = host.liveWorkflows().map(\.handle)
        var interrupted: [String] = []
        for handle in handles where !handle.status().state.isFinished {
            handle.pause()
            interrupted.append(handle.workflowId)
        }
        return interrupted.sorted()
    }

    // MARK: - Helpers

    private func control(
        _ workflowId: String, _ command: ControlCommand, live action: (WorkflowHandle) -> Void
    ) throws(HostingError) {
        if let handle = host.liveWorkflow(workflowId)?.handle {
            action(handle)
            return
        }
        guard let store else { throw HostingError.unknownWorkflow(workflowId) }
        do { try store.requestControl(workflowId: workflowId, command) } catch {
            throw Self.map(error, workflowId: workflowId)
        }
    }

    private func stored<T>(
        _ workflowId: String, _ body: (SQLiteStore, String) throws(StoreError) -> T
    ) throws(HostingError) -> T {
        guard let store else { throw HostingError.unknownWorkflow(workflowId) }
        do { return try body(store, workflowId) } catch { throw Self.map(error, workflowId: workflowId) }
    }

    /// The hosting error for a store error about `workflowId`.
    static func map(_ error: StoreError, workflowId: String?) -> HostingError {
        HostingError.store(error, workflowId: workflowId)
    }

    /// A new id: `wf-` and 12 hex digits of a random UUID.
    static func newWorkflowId() -> String {
        "wf-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }
}

/// Wraps the executor's subscription (nil for a replay that is already complete).
struct LiveSubscription: WorkflowEventSubscription {
    let subscription: EventSubscription?
    func cancel() { subscription?.cancel() }
}
