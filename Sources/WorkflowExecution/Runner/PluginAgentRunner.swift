import AgentCatalog
import AgentRuntime
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Runs attempts through real plugins: in the host process through `AgentRuntime`, or, for
/// `isolation: "process"` agents, in `agenthost worker` child processes.
///
/// In-process attempts run on the calling executor thread; on timeout the executor sets
/// `is_cancelled` and, after the grace period, abandons the attempt and writes the thread
/// off. Process-isolated attempts go to a pool of workers reused per plugin library; a
/// worker is sent a cancel frame on timeout or cancellation and killed after the grace
/// period; a worker that dies (SIGSEGV, abort, exit) fails that attempt with the signal
/// named, and the next attempt gets a fresh worker. The host ignores SIGPIPE so a dead
/// worker's pipe cannot kill it.
public final class PluginAgentRunner: AgentRunner {
    /// The runtime that loads in-process agents and resolves libraries.
    public let runtime: AgentRuntime
    private let pool: WorkerPool
    private let exclusive = ExclusiveAgents()
    private let logger: Logger

    /// Creates a runner.
    /// - Parameters:
    ///   - runtime: loads plugins and resolves their libraries.
    ///   - workerExecutable: the `agenthost` binary to start as `agenthost worker`; by
    ///     default the running executable (`/proc/self/exe`).
    public init(runtime: AgentRuntime, workerExecutable: String? = nil, logger: Logger) {
        self.runtime = runtime
        self.pool = WorkerPool(executable: workerExecutable ?? PluginAgentRunner.currentExecutable())
        self.logger = logger
        signal(SIGPIPE, SIG_IGN)
    }

    /// The running executable's path, from `/proc/self/exe`.
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Worker processes started so far.
    public var workersStarted: Int { pool.spawnedCount }

    /// Runs one attempt; see the type's documentation.
    public func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        switch request.manifest.isolation {
        case .inProcess:
            do {
                let agent = try runtime.load(request.manifest)
                return AttemptResult(outcome: agent.run(inputBytes: request.inputBytes, context: request.context))
            } catch {
                return AttemptResult(outcome: .failed(message: "\(error)", retryable: false))
            }
        case .process:
            return runIsolated(request)
        }
    }

    /// Ends idle worker processes and shuts in-process plugins down. A plugin still running
    /// an abandoned call after `seconds` (default 1) is left without its `shutdown`, so the
    /// host can exit instead of waiting for a call that may never return.
    public func shutdown(waitingAtMost seconds: Double = 1) {
        pool.shutdown()
        runtime.shutdownAll(waitingAtMost: seconds)
    }

    private func runIsolated(_ request: AttemptRequest) -> AttemptResult {
        let manifest = request.manifest
        // In-process, LoadedAgent keeps a plugin that is not parallel_safe to one call at a
        // time; workers are separate processes, so the same promise is kept here, across every
        // workflow this runner serves.
        let gate = manifest.parallelSafe ? nil : exclusive.lock(for: manifest.name)
        gate?.lock()
        defer { gate?.unlock() }
        let library: String
        let worker: ProcessWorker
        do {
            library = try runtime.resolveLibrary(for: manifest)
            worker = try pool.acquire(for: library)
        } catch {
            return AttemptResult(outcome: .failed(message: "\(error)", retryable: false))
        }
        var agent: JSONObject = [
            "name": .string(manifest.name), "library": .string(library), "entry": .string(manifest.entry),
            "config": manifest.config,
        ]
        if let sha256 = manifest.sha256 { agent["sha256"] = .string(sha256) }
        let answer = worker.call(agent: .object(agent), request: request)
        if let outcome = answer.outcome {
            pool.release(worker, library: library)
            return AttemptResult(outcome: outcome, workerPid: worker.pid)
        }
        let death = answer.death ?? "worker \(worker.pid) stopped answering"
        let cancelled = request.cancellation.isCancelled
        let message =
            cancelled
            ? "\(manifest.name) did not stop within the grace period; \(death)"
            : "\(manifest.name) crashed its worker: \(death)"
        logger.warning("\(message)")
        return AttemptResult(
            outcome: .failed(message: message, retryable: !cancelled), workerPid: worker.pid,
            signal: answer.signal)
    }
}

/// One lock per agent name, for agents whose manifest says `parallel_safe: false`.
private final class ExclusiveAgents: @unchecked Sendable {
    private let guardLock = NSLock()
    private var locks: [String: NSLock] = [:]

    /// The lock that serializes calls of agent `name`.
    func lock(for name: String) -> NSLock {
        guardLock.withLock {
            if let lock = locks[name] { return lock }
            let lock = NSLock()
            locks[name] = lock
            return lock
        }
    }
}
