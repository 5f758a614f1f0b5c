import AgentCatalog
import AgentRuntime
import Foundation

/// One agent run outside a workflow (`agenthost invoke`), the way a workflow runs it.
///
/// Through the same runner as a workflow (in-process, or in a worker process when the manifest
/// says `"isolation": "process"`), under the manifest's `timeout_seconds` with the same grace
/// period: a timed-out in-process call is told through `is_cancelled` and abandoned after the
/// grace period; a worker is sent a cancel frame and killed. A retryable failure is retried with
/// the executor's backoff only when `retries` allows it.
public struct AgentInvocation: Sendable {
    /// The agent.
    public var manifest: Manifest
    /// The agent input; its `attempt` is set per attempt.
    public var input: JSONObject
    /// The number of the first attempt (1 unless the caller asks to start later).
    public var firstAttempt: Int
    /// Retries after a retryable failure (a workflow would use the manifest's `max_retries`).
    public var retries: Int
    /// Backoff between retries.
    public var retry: RetryPolicy
    /// Seconds a timed-out attempt gets before it is abandoned or its worker killed.
    public var cancellationGrace: Double

    /// How the invocation ended.
    public struct Result: Sendable {
        /// The last attempt's output, or the reason it failed.
        public var outcome: AgentCallOutcome
        /// Attempts made.
        public var attempts: Int
        /// Whether the last attempt ran out of time.
        public var timedOut: Bool
        /// The signal that ended the last attempt's worker, when one did.
        public var signal: String?
        /// Whether the last attempt's call was left running (it ignored `is_cancelled`).
        public var abandoned: Bool
    }

    /// Creates an invocation; by default one attempt, the executor's backoff and grace period.
    public init(
        manifest: Manifest, input: JSONObject, firstAttempt: Int = 1, retries: Int = 0,
        retry: RetryPolicy = .standard, cancellationGrace: Double = ExecutorOptions().cancellationGrace
    ) {
        self.manifest = manifest
        self.input = input
        self.firstAttempt = firstAttempt
        self.retries = retries
        self.retry = retry
        self.cancellationGrace = cancellationGrace
    }

    /// Runs the attempts on threads of their own, blocking until the last one ends or is abandoned.
    public func run(with runner: any AgentRunner, context: any AgentCallContext) -> Result {
        var attempt = firstAttempt
        while true {
            let result = runAttempt(attempt, runner: runner, context: context)
            let failure = Self.describe(result, manifest: manifest, attempt: attempt)
            guard let failure, failure.retryable, attempt - firstAttempt < retries, !result.abandoned else {
                if let failure {
                    return Result(
                        outcome: .failed(message: failure.message, retryable: failure.retryable),
                        attempts: attempt - firstAttempt + 1,
                        timedOut: result.timedOut, signal: result.signal, abandoned: result.abandoned)
                }
                return Result(
                    outcome: result.outcome, attempts: attempt - firstAttempt + 1, timedOut: false,
                    signal: result.signal, abandoned: false)
            }
            context.log(.warning, "attempt \(attempt) failed: \(failure.message); retrying")
            Thread.sleep(
                forTimeInterval: retry.delay(beforeRetry: attempt - firstAttempt + 1, random: Double.random(in: 0..<1)))
            attempt += 1
        }
    }

    private func runAttempt(_ attempt: Int, runner: any AgentRunner, context: any AgentCallContext) -> Result {
        var input = self.input
        input["attempt"] = .integer(Int64(attempt))
        let cancellation = AttemptCancellation()
        let timeout = manifest.timeoutSeconds
        let request = AttemptRequest(
            manifest: manifest, input: .object(input), attempt: attempt, timeoutSeconds: timeout,
            deadline: Date().timeIntervalSince1970 + timeout, cancellationGrace: cancellationGrace,
            context: CancellableContext(base: context, cancellation: cancellation), cancellation: cancellation)
        let box = AttemptBox()
        let thread = Thread {
            box.set(runner.runAttempt(request))
        }
        thread.name = "agenthost-invoke-\(manifest.name)"
        thread.start()
        guard timeout.isFinite && timeout > 0 else {
            let result = box.wait(until: .distantFuture)!
            return Result(
                outcome: result.outcome, attempts: attempt, timedOut: false, signal: result.signal, abandoned: false)
        }
        if let result = box.wait(until: Date() + timeout) {
            return Result(
                outcome: result.outcome, attempts: attempt, timedOut: false, signal: result.signal, abandoned: false)
        }
        cancellation.cancel(reason: "timed out after \(DurationText.describe(timeout))")
        // As the executor: a worker gets a second grace period (and a second) to be killed and reaped.
        let isolated = manifest.isolation == .process
        let grace = cancellationGrace + (isolated ? cancellationGrace + 1 : 0)
        guard let result = box.wait(until: Date() + grace) else {
            let message = "\(manifest.name) did not stop within the grace period; abandoned"
            return Result(
                outcome: .failed(message: message, retryable: true), attempts: attempt, timedOut: true, signal: nil,
                abandoned: true)
        }
        return Result(
            outcome: result.outcome, attempts: attempt, timedOut: true, signal: result.signal, abandoned: false)
    }

    /// The failure message and whether it may be retried, as the executor words it; nil on success.
    static func describe(_ result: Result, manifest: Manifest, attempt: Int) -> (message: String, retryable: Bool)? {
        if result.timedOut {
            return ("timed out after \(DurationText.describe(manifest.timeoutSeconds)) (attempt \(attempt))", true)
        }
        switch result.outcome {
        case .succeeded: return nil
        case .failed(let message, let retryable): return (message, retryable || result.signal != nil)
        case .cancelled(let message): return ("cancelled: \(message ?? "the agent cancelled itself")", false)
        }
    }
}

/// The caller's context, answering `is_cancelled` from the attempt's flag.
private struct CancellableContext: AgentCallContext {
    let base: any AgentCallContext
    let cancellation: AttemptCancellation

    func log(_ level: AgentLogLevel, _ message: String) { base.log(level, message) }
    func progress(_ fraction: Double, _ message: String?) { base.progress(fraction, message) }
    var isCancelled: Bool { cancellation.isCancelled || base.isCancelled }
}

/// The result of an attempt running on another thread.
private final class AttemptBox: @unchecked Sendable {
    /// Not a Mutex: the executor thread waits on it (with a deadline) for the call's result.
    private let condition = NSCondition()
    private var result: AttemptResult?

    func set(_ value: AttemptResult) {
        condition.lock()
        result = value
        condition.broadcast()
        condition.unlock()
    }

    /// The result, or nil when `deadline` passed first.
    func wait(until deadline: Date) -> AttemptResult? {
        condition.lock()
        defer { condition.unlock() }
        while result == nil {
            if !condition.wait(until: deadline) && result == nil { return nil }
        }
        return result
    }
}
