import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import WorkflowPlanning

/// Runs execution plans: scheduling under the plan's strategy, data flow between agents,
/// retries, timeouts, recovery, pause/resume/cancel; every decision is an event.
///
/// Agents run on the executor's own threads (plugin calls block), never on Swift's
/// cooperative pool. Several workflows may run at once; each has its own threads.
public final class WorkflowExecutor: Sendable {
    /// The knowledge base: alternatives and replanning look agents up here.
    public let catalog: Catalog
    /// What runs each attempt.
    public let runner: any AgentRunner
    /// Where events are recorded; nil keeps them in memory only.
    public let recorder: (any WorkflowRecorder)?
    /// Used by the `replan` recovery strategy.
    public let planner: Planner
    /// Retry policy, grace period, folders, clock.
    public let options: ExecutorOptions
    private let logger: Logger

    /// Creates an executor.
    public init(
        catalog: Catalog, runner: any AgentRunner, recorder: (any WorkflowRecorder)?, planner: Planner,
        options: ExecutorOptions, logger: Logger
    ) {
        self.catalog = catalog
        self.runner = runner
        self.recorder = recorder
        self.planner = planner
        self.options = options
        self.logger = logger
    }

    /// Starts executing `plan` and returns at once.
    /// - Parameters:
    ///   - plan: what to run; its strategy, limits and request decide how.
    ///   - workflowId: the id every event carries.
    ///   - resume: for a resumed workflow, what was already done (not run again).
    public func start(plan: ExecutionPlan, workflowId: String, resume: ResumeState? = nil) -> WorkflowHandle {
        let run = WorkflowRun(
            plan: plan, workflowId: workflowId, resume: resume, catalog: catalog, runner: runner, recorder: recorder,
            planner: planner, options: options, logger: logger)
        run.start()
        return WorkflowHandle(run: run)
    }
}

/// Controls and observes one running workflow.
public final class WorkflowHandle: Sendable {
    /// The workflow's id.
    public let workflowId: String
    private let run: WorkflowRun

    init(run: WorkflowRun) {
        self.run = run
        self.workflowId = run.workflowId
    }

    /// Starts no new agents; running ones finish. Emits workflow.paused.
    public func pause() { run.pause() }

    /// Lets agents start again. Emits workflow.resumed.
    public func resume() { run.resume() }

    /// Stops the workflow: running agents see `is_cancelled`, are abandoned (in-process) or
    /// have their worker killed (process) after the grace period; nothing new starts.
    /// Emits workflow.cancelled with `reason` once nothing runs any more.
    public func cancel(reason: String) { run.cancel(reason: reason) }

    /// Stops the workflow without ending it: nothing new starts, running agents are told to
    /// stop (as by `cancel`), outputs they commit are kept, and what did not complete is left
    /// for `resume`. Emits workflow.interrupted with `reason` once nothing runs any more;
    /// `wait()` then returns a status in the `interrupted` state.
    public func interrupt(reason: String) { run.interrupt(reason: reason) }

    /// The live status, folded from every event delivered so far.
    public func status() -> WorkflowStatus { run.log.status }

    /// Every event delivered so far, in order.
    public func events() -> [WorkflowEvent] { run.log.events }

    /// Threads written off because an in-process agent ignored cancellation.
    public var abandonedThreads: Int {
        run.condition.lock()
        defer { run.condition.unlock() }
        return run.writtenOffThreads
    }

    /// Delivers the events from `sequence` on: first those already delivered, then new ones
    /// as they happen, in order and without gaps. `handler` runs on executor threads while
    /// events are being delivered: keep it short and do not wait in it for the workflow.
    public func subscribe(
        from sequence: Int64 = 1, _ handler: @escaping @Sendable (WorkflowEvent) -> Void
    ) -> EventSubscription {
        let id = run.log.subscribe(from: sequence, handler)
        let log = run.log
        return EventSubscription { log.unsubscribe(id) }
    }

    /// Blocks the calling thread until the workflow finished; returns its final status.
    public func wait() -> WorkflowStatus { run.waitFinished() }

    /// Suspends until the workflow finished; returns its final status.
    public func finished() async -> WorkflowStatus { await run.finishedAsync() }
}

/// A subscription to a workflow's events; `cancel()` (or releasing it) is not required to
/// stop delivery at the end: delivery ends with the workflow.
public final class EventSubscription: Sendable {
    private let stop: @Sendable () -> Void

    init(stop: @escaping @Sendable () -> Void) { self.stop = stop }

    /// Stops delivering events to this subscriber.
    public func cancel() { stop() }
}
