import AgentCatalog
import AgentRuntime
import Foundation
import Synchronization

/// Runs one attempt of one agent. The executor is handed a runner (a fake in tests, the
/// plugin-backed `PluginAgentRunner` in the host) and knows nothing of plugins itself.
public protocol AgentRunner: Sendable {
    /// Runs one attempt, blocking the calling thread (an executor thread, never Swift's
    /// cooperative pool) until it ends, times out or is given up.
    func runAttempt(_ request: AttemptRequest) -> AttemptResult

    /// Why `manifest` could not be run, checked without running it (its library missing,
    /// escaping its folder, ...); nil when nothing is known to be wrong. `resume` and `retry`
    /// ask before they change any state.
    func problem(loading manifest: Manifest) -> String?
}

extension AgentRunner {
    /// Nothing is known to be wrong: runners that load nothing (fakes) need not check.
    public func problem(loading manifest: Manifest) -> String? { nil }
}

/// Everything one attempt needs.
public struct AttemptRequest: Sendable {
    /// The agent's manifest.
    public var manifest: Manifest
    /// The agent input: `{"workflow_id","agent","attempt","campaign","inputs",...}`. Built on
    /// first use; runners that pass the input to a plugin read `inputBytes` instead.
    public var input: JSONValue {
        get { source.value }
        set { source = AgentInput(value: newValue) }
    }
    /// The agent input as compact JSON bytes (`input.compactBytes`), spliced from the campaign
    /// and the outputs serialized once each, without building `input`.
    public var inputBytes: [UInt8] { source.bytes }
    var source: AgentInput
    /// 1-based attempt number.
    public var attempt: Int
    /// The workflow the attempt belongs to ("" for a request built outside a run).
    public var workflowId: String = ""
    /// The planner's rank of the agent (critical path first; higher starts earlier).
    public var priority: Double = 0
    /// The attempt's time limit in seconds (`timeout_seconds`).
    public var timeoutSeconds: Double
    /// When the attempt times out, seconds since 1970 on the executor's clock.
    public var deadline: Double
    /// Seconds a stopped attempt gets before it is killed or abandoned.
    public var cancellationGrace: Double
    /// Receives log lines and progress; answers `is_cancelled`.
    public var context: any AgentCallContext
    /// Turns true when the attempt must stop (timeout or workflow cancelled); runners that
    /// wait on something else (a worker pipe) register a handler to be woken.
    public var cancellation: AttemptCancellation

    /// Creates a request.
    public init(
        manifest: Manifest, input: JSONValue, attempt: Int, timeoutSeconds: Double, deadline: Double,
        cancellationGrace: Double, context: any AgentCallContext, cancellation: AttemptCancellation
    ) {
        self.init(
            manifest: manifest, source: AgentInput(value: input), attempt: attempt, timeoutSeconds: timeoutSeconds,
            deadline: deadline, cancellationGrace: cancellationGrace, context: context, cancellation: cancellation)
    }

    init(
        manifest: Manifest, source: AgentInput, attempt: Int, timeoutSeconds: Double, deadline: Double,
        cancellationGrace: Double, context: any AgentCallContext, cancellation: AttemptCancellation
    ) {
        self.manifest = manifest
        self.source = source
        self.attempt = attempt
        self.timeoutSeconds = timeoutSeconds
        self.deadline = deadline
        self.cancellationGrace = cancellationGrace
        self.context = context
        self.cancellation = cancellation
    }
}

/// How one attempt ended.
public struct AttemptResult: Sendable {
    /// What the agent returned, or why it failed.
    public var outcome: AgentCallOutcome
    /// Whether the attempt ran out of time.
    public var timedOut: Bool
    /// The worker process that ran it, for `isolation: "process"`.
    public var workerPid: Int32?
    /// The signal that ended the worker (`SIGSEGV`, `SIGABRT`, ...), when one did.
    public var signal: String?
    /// The cluster node that ran it (`agenthost node --name`), for a remote attempt.
    public var node: String?
    /// Set when the attempt was lost with the cluster node that ran it (its lease expired): the
    /// failure is retried against `RetryPolicy.maxNodeLossRetries`, not `max_retries`.
    public var lostNode: String?

    /// Creates a result.
    public init(
        outcome: AgentCallOutcome, timedOut: Bool = false, workerPid: Int32? = nil, signal: String? = nil,
        node: String? = nil, lostNode: String? = nil
    ) {
        self.outcome = outcome
        self.timedOut = timedOut
        self.workerPid = workerPid
        self.signal = signal
        self.node = node
        self.lostNode = lostNode
    }
}

/// The stop flag of one attempt, set on timeout or when the workflow is cancelled or aborted.
///
/// Thread-safe; handlers run once, on the thread that cancels, so they must be quick.
public final class AttemptCancellation: Sendable {
    private struct State {
        var cancelled = false
        var reason: String?
        var handlers: [@Sendable () -> Void] = []
    }
    private let state = Mutex(State())

    /// Creates a flag that is not set.
    public init() {}

    /// Whether the attempt must stop.
    public var isCancelled: Bool {
        state.withLock { $0.cancelled }
    }

    /// Why it must stop, once it must.
    public var cancellationReason: String? {
        state.withLock { $0.reason }
    }

    /// Sets the flag and runs the handlers; later calls do nothing.
    public func cancel(reason: String) {
        let run: [@Sendable () -> Void] = state.withLock { state in
            guard !state.cancelled else { return [] }
            state.cancelled = true
            state.reason = reason
            defer { state.handlers = [] }
            return state.handlers
        }
        for handler in run { handler() }
    }

    /// Runs `handler` when the flag is set (at once if it is set already).
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state in
            if state.cancelled { return true }
            state.handlers.append(handler)
            return false
        }
        if runNow { handler() }
    }
}
