import AgentCatalog
import WorkflowExecution
import WorkflowPlanning

/// What the protocol drives: starting workflows and reading and steering them.
///
/// The server is handed one of these (Ninja's Builder is handed a CommandRunner): the real
/// one runs plans on the executor and keeps them in the store; tests use an in-memory twin.
/// Every call may block briefly (SQLite); the server calls them off Swift's cooperative pool.
/// Unknown ids throw `HostingError.unknownWorkflow`; store failures `storeError`.
public protocol WorkflowBackend: Sendable {
    /// Whether workflows outlive this process (a store is on).
    var isPersistent: Bool { get }

    /// Durations to plan with (learned from history where there is some).
    func estimates() -> any EstimatesProvider

    /// Starts running `plan` in the background with the agents of `catalog`.
    /// - Parameter baseDirectory: the folder agents resolve `campaign.sources` against (the
    ///   request file's folder); nil for the server's current directory.
    /// - Returns: the new workflow's id.
    func start(plan: ExecutionPlan, catalog: Catalog, baseDirectory: String?) throws(HostingError) -> String

    /// The workflow's status (live, or rebuilt from the store).
    func status(workflowId: String) throws(HostingError) -> WorkflowStatus

    /// The plan the workflow runs.
    func plan(workflowId: String) throws(HostingError) -> ExecutionPlan

    /// Analytics of the workflow as JSON (durations, retries, critical path, estimate error).
    func analytics(workflowId: String) throws(HostingError) -> JSONValue

    /// The committed output of `agent` in the workflow; nil when it has none (yet).
    func output(workflowId: String, agent: String) throws(HostingError) -> JSONValue?

    /// Workflows, most recent first, at most `limit`.
    func list(limit: Int) throws(HostingError) -> [WorkflowStatus]

    /// Stops starting new agents in the workflow.
    func pause(workflowId: String) throws(HostingError)

    /// Lets a paused workflow go on, or resumes one interrupted in an earlier session.
    func resume(workflowId: String, catalog: Catalog) throws(HostingError)

    /// Starts a new attempt of a failed or cancelled workflow that keeps every committed output
    /// and runs the agents that did not complete (or `agents` and their dependents) again.
    /// - Returns: the agents that run again, in plan order.
    func retry(workflowId: String, agents: [String], reason: String?, catalog: Catalog) throws(HostingError) -> [String]

    /// Cancels the workflow: running agents are told to stop, nothing new starts.
    func cancel(workflowId: String, reason: String?) throws(HostingError)

    /// Calls `handler` with every event of the workflow from sequence `from` on, in order and
    /// without gaps: first those already recorded, then live ones as they happen.
    func subscribe(
        workflowId: String, from: Int64, handler: @escaping @Sendable (WorkflowEvent) -> Void
    ) throws(HostingError) -> any WorkflowEventSubscription

    /// Interrupts every running workflow, leaving it resumable; returns their ids.
    func interruptAll() -> [String]
}

/// A live subscription to a workflow's events.
public protocol WorkflowEventSubscription: Sendable {
    /// Stops delivery; no handler call starts after it returns.
    func cancel()
}
