import AgentCatalog
import Foundation
import Logging
import Synchronization
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore

// Implementation notes: the one place where plans are run on the executor with the store
// attached; `agenthost serve` (through ExecutorBackend) and `agenthost run|resume` both use
// it. Workflows started or resumed here are "live": their handles answer status, events and
// control from memory. A control thread polls the store every `controlPollInterval` seconds
// for `agenthost cancel|pause|resume` requests from other processes and applies them to the
// live workflows they name.

/// Runs plans on `WorkflowExecutor`, recording them in the store, and applies control
/// requests other processes leave in the store.
public final class WorkflowHost: Sendable {
    /// A workflow running in this process.
    public struct Live: Sendable {
        /// Controls and observes the run.
        public var handle: WorkflowHandle
        /// The plan it runs.
        public var plan: ExecutionPlan
        /// The first sequence number this session's run emits (after a resume, earlier ones are in the store).
        public var firstSequence: Int64
    }

    /// What `resume` did with a stored workflow.
    public enum ResumeOutcome: Sendable {
        /// The workflow was interrupted (its host died or stopped): it runs again here from its
        /// committed outputs.
        case restarted(WorkflowHandle)
        /// The workflow is paused by a live host: a resume request was left for that host.
        case requested
    }

    /// Where workflows are recorded; nil keeps them in memory for this process.
    public let store: SQLiteStore?
    /// Seconds between two looks at the store for control requests.
    public let controlPollInterval: Double
    private let runner: any AgentRunner
    private let options: ExecutorOptions
    private let logger: Logger
    private let live = Mutex<[String: Live]>([:])
    private let stopped = Mutex(false)

    /// Creates a host; with a store, starts the control polling thread.
    /// - Parameters:
    ///   - store: where workflows are recorded; nil keeps them in memory.
    ///   - runner: runs each attempt (the plugin-backed runner in the CLI).
    ///   - options: retry policy, grace period, folders.
    ///   - controlPollInterval: seconds between looks for cross-process control requests.
    ///   - logger: diagnostics.
    public init(
        store: SQLiteStore?, runner: any AgentRunner, options: ExecutorOptions = ExecutorOptions(),
        controlPollInterval: Double = 0.5, logger: Logger
    ) {
        self.store = store
        self.runner = runner
        self.options = options
        self.controlPollInterval = controlPollInterval
        self.logger = logger
        if store != nil { startControlPolling() }
    }

    /// Learned durations when a store is on, else the manifests' estimates.
    public func estimates() -> any EstimatesProvider {
        store.map { $0.learnedEstimates() } ?? ManifestEstimates()
    }

    /// Records a new workflow (when there is a store), then starts it in the background.
    /// - Parameters:
    ///   - requestFile: the file the request came from, kept in the store for `history`.
    ///   - baseDirectory: the folder agents resolve `campaign.sources` against; nil for the options' one.
    /// - Throws: `StoreError` when the workflow cannot be recorded (e.g. `.duplicateWorkflow`).
    public func start(
        plan: ExecutionPlan, workflowId: String, catalog: Catalog, requestFile: String? = nil,
        baseDirectory: String? = nil
    ) throws(StoreError) -> WorkflowHandle {
        try store?.createWorkflow(id: workflowId, request: plan.request.json, plan: plan.json, requestFile: requestFile)
        return launch(plan: plan, workflowId: workflowId, catalog: catalog, resume: nil, baseDirectory: baseDirectory)
    }

    /// Resumes a stored workflow that is not live here: an interrupted one restarts in this
    /// process with its stored plan and committed outputs (agents with a committed output are
    /// not run again; attempts that were running are retried); a paused one with a live host
    /// gets a resume request.
    /// - Throws: `StoreError.unknownWorkflow` (also without a store); `.finished` for a
    ///   completed, failed or cancelled workflow or one still running; `.badData` for an
    ///   unreadable stored plan.
    public func resumeStored(workflowId: String, catalog: Catalog) throws(StoreError) -> ResumeOutcome {
        guard let store else { throw StoreError(code: .unknownWorkflow, message: "no workflow with id \(workflowId)") }
        let state = try store.status(workflowId: workflowId).state
        switch state {
        case .interrupted, .pending:
            // pending: stored, but its host died before the first event.
            let plan = try storedPlan(workflowId: workflowId)
            let resume = try store.resumeState(workflowId: workflowId)
            return .restarted(
                launch(plan: plan, workflowId: workflowId, catalog: catalog, resume: resume, baseDirectory: nil))
        case .paused:
            try store.requestControl(workflowId: workflowId, .resume)
            return .requested
        default:
            throw StoreError(
                code: .finished,
                message:
                    "workflow \(workflowId) is \(state.rawValue); only a paused or interrupted workflow can be resumed")
        }
    }

    /// The stored plan of `workflowId`, parsed.
    /// - Throws: `StoreError.unknownWorkflow`, `.badData`.
    public func storedPlan(workflowId: String) throws(StoreError) -> ExecutionPlan {
        guard let store else { throw StoreError(code: .unknownWorkflow, message: "no workflow with id \(workflowId)") }
        let json = try store.plan(workflowId: workflowId)
        do {
            return try ExecutionPlan(json: json)
        } catch {
            throw StoreError(
                code: .badData, message: "the stored plan of workflow \(workflowId) is unreadable: \(error.message)")
        }
    }

    /// The folder the agents of `workflowId` write their files to.
    public func artifactsDirectory(for workflowId: String) -> String {
        options.artifactsDirectory(for: workflowId)
    }

    /// The workflow running in this process under `workflowId`, if any.
    public func liveWorkflow(_ workflowId: String) -> Live? {
        live.withLock { $0[workflowId] }
    }

    /// Every workflow started or resumed in this process.
    public func liveWorkflows() -> [Live] {
        live.withLock { Array($0.values) }
    }

    /// Stops the control polling; live workflows go on.
    public func stopPolling() {
        stopped.withLock { $0 = true }
    }

    // MARK: - Helpers

    private func launch(
        plan: ExecutionPlan, workflowId: String, catalog: Catalog, resume: ResumeState?, baseDirectory: String?
    ) -> WorkflowHandle {
        var options = self.options
        if let baseDirectory { options.baseDirectory = baseDirectory }
        let executor = WorkflowExecutor(
            catalog: catalog, runner: runner, recorder: store,
            planner: Planner(catalog: catalog, estimates: estimates()),
            options: options, logger: logger)
        let handle = executor.start(plan: plan, workflowId: workflowId, resume: resume)
        let first = (resume?.lastSequence ?? 0) + 1
        live.withLock { $0[workflowId] = Live(handle: handle, plan: plan, firstSequence: first) }
        return handle
    }

    private func startControlPolling() {
        let interval = controlPollInterval
        let thread = Thread { [weak self] in
            while let self, !self.stopped.withLock({ $0 }) {
                self.applyPendingControl()
                Thread.sleep(forTimeInterval: interval)
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
