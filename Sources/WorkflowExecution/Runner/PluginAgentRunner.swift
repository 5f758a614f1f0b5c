import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import Synchronization

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
        if request.manifest.kind == .command { return runCommand(request) }
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

    /// Resolves the manifest's library as loading would (without loading it): the error names
    /// the library and every folder searched. A c-function agent's bare soname that no folder
    /// holds is left to the system loader.
    public func problem(loading manifest: Manifest) -> String? {
        if manifest.library.isEmpty { return "agent '\(manifest.name)': the manifest's library field is empty" }
        do {
            _ = try runtime.resolveLibrary(for: manifest)
            return nil
        } catch {
            if manifest.kind == .cFunction && !manifest.library.contains("/") { return nil }
            return "\(error)"
        }
    }

    /// Ends idle worker processes and shuts in-process plugins down. A plugin still running
    /// an abandoned call after `seconds` (default 1) is left without its `shutdown`, so the
    /// host can exit instead of waiting for a call that may never return.
    public func shutdown(waitingAtMost seconds: Double = 1) {
        pool.shutdown()
        runtime.shutdownAll(waitingAtMost: seconds)
    }

    /// A `kind: "command"` agent: its own process per call (or a persistent one), stopped
    /// by SIGTERM then SIGKILL to its process group on timeout or cancellation.
    private func runCommand(_ request: AttemptRequest) -> AttemptResult {
        let agent: LoadedAgent
        do {
            agent = try runtime.load(request.manifest)
        } catch {
            return AttemptResult(outcome: .failed(message: "\(error)", retryable: false))
        }
        let stop = CommandStop(grace: request.cancellationGrace, register: request.cancellation.onCancel)
        let call = agent.runCommand(inputBytes: request.inputBytes, context: request.context, stop: stop)
        guard let call else { return AttemptResult(outcome: .failed(message: "not a command agent", retryable: false)) }
        return AttemptResult(outcome: call.outcome, workerPid: call.pid, signal: call.signal)
    }

    private func runIsolated(_ request: AttemptRequest) -> AttemptResult {
        let manifest = request.manifest
        // In-process, LoadedAgent keeps a plugin that is not parallel_safe to one call at a
        // time; workers are separate processes, so the same promise is kept here, across every
        // workflow this runner serves.
        if manifest.parallelSafe { return runOnWorker(request) }
        return exclusive.gate(for: manifest.name).run { runOnWorker(request) }
    }

    private func runOnWorker(_ request: AttemptRequest) -> AttemptResult {
        let manifest = request.manifest
        // Workers are reused per library file; a soname the system loader finds (a c-function
        // agent's `libm.so.6`) is its own key. The worker loads the agent itself, from the same
        // manifest and search paths, exactly as `runtime.load` would here.
        let library = (try? runtime.resolveLibrary(for: manifest)) ?? manifest.library
        let worker: ProcessWorker
        do {
            worker = try pool.acquire(for: library)
        } catch {
            return AttemptResult(outcome: .failed(message: "\(error)", retryable: false))
        }
        let search = runtime.searchPaths
        let run: JSONObject = [
            "manifest": manifest.jsonValue, "source_file": .string(manifest.source.file),
            "source_order": .integer(Int64(manifest.source.order)),
            "search": [
                "plugin_folders": .array(search.pluginFolders.map { .string($0) }),
                "executable_folder": search.executableFolder.map { .string($0) } ?? .null,
            ],
        ]
        switch worker.call(run, request: request) {
        case .outcome(let outcome):
            pool.release(worker, library: library)
            return AttemptResult(outcome: outcome, workerPid: worker.pid)
        case .notSent(let reason):
            pool.release(worker, library: library)
            return AttemptResult(outcome: .failed(message: "\(manifest.name) was not run: \(reason)", retryable: false))
        case .brokeProtocol(let reason):
            let message = "\(manifest.name): \(reason); the worker was killed"
            logger.warning("\(message)")
            return AttemptResult(outcome: .failed(message: message, retryable: false), workerPid: worker.pid)
        case .died(let death, let signal):
            let cancelled = request.cancellation.isCancelled
            let message =
                cancelled
                ? "\(manifest.name) did not stop within the grace period; \(death)"
                : "\(manifest.name) crashed its worker: \(death)"
            logger.warning("\(message)")
            return AttemptResult(
                outcome: .failed(message: message, retryable: !cancelled), workerPid: worker.pid, signal: signal)
        }
    }
}

/// One lock per agent name, for agents whose manifest says `parallel_safe: false`.
private final class ExclusiveAgents: Sendable {
    /// Held for the whole of each call of one agent.
    final class Gate: Sendable {
        private let mutex = Mutex(())

        /// Runs `call` while no other call of the agent runs.
        func run(_ call: () -> AttemptResult) -> AttemptResult {
            mutex.withLock { _ in call() }
        }
    }
    private let gates = Mutex<[String: Gate]>([:])

    /// The gate that serializes calls of agent `name`.
    func gate(for name: String) -> Gate {
        gates.withLock { gates in
            if let gate = gates[name] { return gate }
            let gate = Gate()
            gates[name] = gate
            return gate
        }
    }
}
