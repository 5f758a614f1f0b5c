import AgentCatalog
import Foundation
import Logging
import Synchronization
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore

// Implementation notes: the one place where plans are run on the executor with the store
// attached; `agenthost serve` (through ExecutorBackend) and `agenthost run|resume|retry` all
// use it. Workflows started or resumed here are "live": their handles answer status, events and
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
        /// The folder its agents write their files to.
        public var artifactsDirectory: String
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
    /// The manifest and plugin folders this host loads agents from, recorded with every
    /// workflow it starts (with the start's base directory) for `resume` and `retry`.
    public let agentFolders: WorkflowFolders
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
    ///   - agentFolders: the manifest and plugin folders (absolute) to record with each workflow.
    ///   - controlPollInterval: seconds between looks for cross-process control requests.
    ///   - logger: diagnostics.
    public init(
        store: SQLiteStore?, runner: any AgentRunner, options: ExecutorOptions = ExecutorOptions(),
        agentFolders: WorkflowFolders = WorkflowFolders(manifests: [], plugins: [], baseDirectory: nil),
        controlPollInterval: Double = 0.5, logger: Logger
    ) {
        self.store = store
        self.agentFolders = agentFolders
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
        var folders = agentFolders
        folders.baseDirectory = baseDirectory ?? options.baseDirectory
        try store?.createWorkflow(
            id: workflowId, request: plan.request.json, plan: plan, requestFile: requestFile, folders: folders)
        return launch(plan: plan, workflowId: workflowId, catalog: catalog, resume: nil, baseDirectory: baseDirectory)
    }

    /// Resumes a stored workflow that is not live here: an interrupted one restarts in this
    /// process with its stored plan and committed outputs (agents with a committed output are
    /// not run again; attempts that were running are retried); a paused one with a live host
    /// gets a resume request.
    /// Before anything is changed, every agent that would run is checked: one without a
    /// manifest in `catalog` or whose library cannot be found refuses the resume.
    /// - Parameters:
    ///   - catalog: the agents to run with (built from the recorded manifest folders unless the
    ///     caller was given others).
    ///   - artifactsRoot: where the agents' files go; nil for where the workflow's first run
    ///     put them.
    /// - Throws: `HostingError.unknownWorkflow` (also without a store); `.invalidState` for a
    ///   completed, failed or cancelled workflow or one still running; `.agentUnavailable`
    ///   naming the agent and its missing manifest or library; `.storeError`.
    public func resumeStored(
        workflowId: String, catalog: Catalog, artifactsRoot: String? = nil
    ) throws(HostingError) -> ResumeOutcome {
        let store = try requireStore(workflowId)
        let state = try stored(workflowId) { () throws(StoreError) in try store.status(workflowId: workflowId).state }
        switch state {
        case .interrupted, .pending:
            // pending: stored, but its host died before the first event (or a retry was recorded).
            let plan = try stored(workflowId) { () throws(StoreError) in try storedPlan(workflowId: workflowId) }
            let resume = try stored(workflowId) { () throws(StoreError) in try store.resumeState(workflowId: workflowId) }
            let pending = plan.agents.map(\.name).filter {
                resume.completedOutputs[$0] == nil && resume.settled[$0] == nil
            }
            try checkLoadable(pending, of: workflowId, catalog: catalog, action: "resumed")
            return .restarted(
                launch(
                    plan: plan, workflowId: workflowId, catalog: catalog, resume: resume,
                    baseDirectory: try recordedBaseDirectory(workflowId),
                    artifactsRoot: artifactsRoot ?? recordedArtifactsRoot(workflowId)))
        case .paused:
            try stored(workflowId) { () throws(StoreError) in try store.requestControl(workflowId: workflowId, .resume) }
            return .requested
        default:
            throw HostingError.invalidState(
                workflowId: workflowId, state: state.rawValue, "only a paused or interrupted workflow can be resumed")
        }
    }

    /// Starts a new attempt of a failed or cancelled stored workflow in this process: every
    /// committed output is kept; the agents that did not complete (or `agents` and everything
    /// that depends on them) run again. Recorded in the same workflow's history as a
    /// `workflow.retried` event with `reason`, then run as a resume.
    ///
    /// Every agent that would run is checked first (as `resumeStored` does); nothing is
    /// recorded when one cannot be loaded.
    /// - Parameters:
    ///   - agents: the agents to run again with their dependents; empty for every agent that
    ///     did not complete.
    ///   - reason: why, for the history; nil for "retry requested".
    ///   - artifactsRoot: where the agents' files go; nil for where the workflow's first run
    ///     put them.
    /// - Returns: the handle of the new attempt and the agents it runs again, in plan order.
    /// - Throws: `HostingError.unknownWorkflow`; `.unknownAgent` for a name not in the plan;
    ///   `.invalidState` unless the workflow is failed or cancelled, or when nothing is left to
    ///   run; `.agentUnavailable`; `.storeError`.
    public func retryStored(
        workflowId: String, agents: [String] = [], reason: String? = nil, catalog: Catalog,
        artifactsRoot: String? = nil
    ) throws(HostingError) -> (handle: WorkflowHandle, agents: [String]) {
        let store = try requireStore(workflowId)
        if let state = liveWorkflow(workflowId)?.handle.status().state, !state.isFinished {
            throw HostingError.invalidState(
                workflowId: workflowId, state: state.rawValue, "only a failed or cancelled workflow can be retried")
        }
        let status = try stored(workflowId) { () throws(StoreError) in try store.status(workflowId: workflowId) }
        guard status.state == .failed || status.state == .cancelled else {
            let hint = status.state == .interrupted || status.state == .paused ? "; use resume" : ""
            throw HostingError.invalidState(
                workflowId: workflowId, state: status.state.rawValue,
                "only a failed or cancelled workflow can be retried\(hint)")
        }
        let plan = try stored(workflowId) { () throws(StoreError) in try storedPlan(workflowId: workflowId) }
        let rerun = try Self.agentsToRetry(plan: plan, status: status, named: agents, workflowId: workflowId)
        guard !rerun.isEmpty else {
            throw HostingError.invalidState(
                workflowId: workflowId, state: status.state.rawValue,
                "every agent completed; name agents to run again with --agent")
        }
        try checkLoadable(rerun, of: workflowId, catalog: catalog, action: "retried")
        let kept = plan.agents.map(\.name).filter { status.agents[$0]?.state == .completed && !rerun.contains($0) }
        let event = WorkflowEvent(
            sequence: status.lastSequence + 1, workflowId: workflowId, type: .workflowRetried,
            timestamp: Date().timeIntervalSince1970,
            message: reason ?? "retry requested: \(rerun.joined(separator: ", ")) run again",
            data: [
                "agents": .array(rerun.map { .string($0) }), "kept": .array(kept.map { .string($0) }),
                "previous_state": .string(status.state.rawValue),
            ])
        try stored(workflowId) { () throws(StoreError) in try store.record([event]) }
        var resume = try stored(workflowId) { () throws(StoreError) in try store.resumeState(workflowId: workflowId) }
        for name in rerun {
            resume.completedOutputs[name] = nil
            resume.settled[name] = nil
        }
        let handle = launch(
            plan: plan, workflowId: workflowId, catalog: catalog, resume: resume,
            baseDirectory: try recordedBaseDirectory(workflowId),
            artifactsRoot: artifactsRoot ?? recordedArtifactsRoot(workflowId))
        return (handle, rerun)
    }

    /// The agents a retry runs again, in plan order: without names, every agent that did not
    /// complete; with names, those agents and every agent that depends on them (hard or soft),
    /// transitively.
    /// - Throws: `HostingError.unknownAgent` for a name that is not in the plan.
    static func agentsToRetry(
        plan: ExecutionPlan, status: WorkflowStatus, named: [String], workflowId: String
    ) throws(HostingError) -> [String] {
        let names = plan.agents.map(\.name)
        guard !named.isEmpty else { return names.filter { status.agents[$0]?.state != .completed } }
        for name in named where !names.contains(name) { throw HostingError.unknownAgent(name, workflowId: workflowId) }
        var selected = Set(named)
        var changed = true
        while changed {
            changed = false
            for agent in plan.agents where !selected.contains(agent.name) {
                if agent.dependencies.contains(where: { selected.contains($0.agent) && $0.type != .optional }) {
                    selected.insert(agent.name)
                    changed = true
                }
            }
        }
        return names.filter { selected.contains($0) }
    }

    /// The agents to resume or retry `workflowId` with: discovered again from the manifest
    /// folders it was recorded with, else `fallback` (a workflow recorded before schema v4).
    public func recordedCatalog(workflowId: String, fallback: Catalog) -> Catalog {
        guard let folders = try? recordedFolders(workflowId: workflowId), !folders.manifests.isEmpty else {
            return fallback
        }
        return ManifestDiscovery.discover(folders: folders.manifests).catalog
    }

    /// The folders `workflowId` was recorded with (nil before schema v4).
    public func recordedFolders(workflowId: String) throws(HostingError) -> WorkflowFolders? {
        let store = try requireStore(workflowId)
        return try stored(workflowId) { () throws(StoreError) in try store.folders(workflowId: workflowId) }
    }

    /// The stored plan of `workflowId`, parsed.
    /// - Throws: `StoreError.unknownWorkflow`, `.badData`.
    public func storedPlan(workflowId: String) throws(StoreError) -> ExecutionPlan {
        guard let store else { throw StoreError(code: .unknownWorkflow, message: "no workflow with id \(workflowId)") }
        return try store.executionPlan(workflowId: workflowId)
    }

    /// The folder the agents of `workflowId` write their files to.
    public func artifactsDirectory(for workflowId: String) -> String {
        liveWorkflow(workflowId)?.artifactsDirectory ?? options.artifactsDirectory(for: workflowId)
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

    private func requireStore(_ workflowId: String) throws(HostingError) -> SQLiteStore {
        guard let store else { throw HostingError.unknownWorkflow(workflowId) }
        return store
    }

    private func stored<T>(_ workflowId: String, _ body: () throws(StoreError) -> T) throws(HostingError) -> T {
        do { return try body() } catch { throw HostingError.store(error, workflowId: workflowId) }
    }

    private func recordedBaseDirectory(_ workflowId: String) throws(HostingError) -> String? {
        try recordedFolders(workflowId: workflowId)?.baseDirectory
    }

    /// Refuses when one of `agents` has no manifest in `catalog` or its library cannot be found.
    private func checkLoadable(
        _ agents: [String], of workflowId: String, catalog: Catalog, action: String
    ) throws(HostingError) {
        for name in agents {
            guard let manifest = catalog.agent(named: name) else {
                let folders = (try? recordedFolders(workflowId: workflowId))??.manifests ?? []
                let searched = folders.isEmpty ? "the manifest folders given" : folders.joined(separator: ", ")
                throw HostingError.agentUnavailable(
                    workflowId: workflowId, agent: name, action: action,
                    "no manifest for agent '\(name)' in \(searched); pass the folder that holds it with --manifests")
            }
            if let problem = runner.problem(loading: manifest) {
                throw HostingError.agentUnavailable(
                    workflowId: workflowId, agent: name, action: action,
                    "\(problem) (manifest \(manifest.source.file)); pass the library's folder with --plugins")
            }
        }
    }

    /// The root the workflow's first run wrote its files under: its first `workflow.started`
    /// names `<root>/<workflow id>` in `data.artifacts_dir`.
    private func recordedArtifactsRoot(_ workflowId: String) -> String? {
        guard let first = try? store?.events(workflowId: workflowId, limit: 1).first,
            first.type == .workflowStarted, let folder = first.data?["artifacts_dir"]?.stringValue,
            folder.hasSuffix("/" + workflowId)
        else { return nil }
        return String(folder.dropLast(workflowId.count + 1))
    }

    private func launch(
        plan: ExecutionPlan, workflowId: String, catalog: Catalog, resume: ResumeState?, baseDirectory: String?,
        artifactsRoot: String? = nil
    ) -> WorkflowHandle {
        var options = self.options
        if let baseDirectory { options.baseDirectory = baseDirectory }
        if let artifactsRoot { options.artifactsRoot = artifactsRoot }
        let executor = WorkflowExecutor(
            catalog: catalog, runner: runner, recorder: store,
            planner: Planner(catalog: catalog, estimates: estimates()),
            options: options, logger: logger)
        let handle = executor.start(plan: plan, workflowId: workflowId, resume: resume)
        let first = (resume?.lastSequence ?? 0) + 1
        let live = Live(
            handle: handle, plan: plan, firstSequence: first,
            artifactsDirectory: options.artifactsDirectory(for: workflowId))
        self.live.withLock { $0[workflowId] = live }
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
