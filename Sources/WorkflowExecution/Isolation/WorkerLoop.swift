import AgentCatalog
import AgentRuntime
import CAgentProcess
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The body of `agenthost worker`: runs agents for a host over the framed pipe protocol
/// (`WorkerFraming`), one call at a time, until the host closes the pipe.
///
/// The worker dies with its host: it asks for SIGKILL when its parent ends and exits at once
/// when its input reaches end of file while a call runs (see ProcessWorker's notes). Each
/// agent is loaded from the manifest and search paths the host sent, through the same
/// `AgentRuntime` code the host uses in-process. Frames go out on a private copy of `output`;
/// when `output` is stdout, fd 1 is pointed at stderr so a plugin that prints cannot corrupt
/// the protocol.
public enum WorkerLoop {
    /// Serves run requests read from `input`, answering on `output`.
    /// - Returns: the process exit status (0 when the host closed the pipe).
    public static func run(input: Int32, output: Int32, logger: Logger) -> Int32 {
        guard bindToParent(logger: logger) else { return 1 }
        let frames: Int32
        if output == STDOUT_FILENO {
            guard let diverted = try? StandardOutputGuard.divert() else { return 1 }
            frames = diverted
        } else {
            frames = dup(output)
            guard frames >= 0 else { return 1 }
        }
        let state = WorkerState(output: frames)
        let runtimes = WorkerRuntimes(logger: logger)

        // The reader thread takes cancel requests while the main thread is inside a plugin; at
        // end of input during a call (the host died or gave up on the worker) it ends the process.
        let reader = Thread {
            while let message = WorkerFraming.read(from: input) {
                switch message["type"]?.stringValue {
                case "run": state.enqueue(message)
                case "cancel": state.cancel(id: message["id"]?.integerValue ?? -1)
                default: logger.warning("worker: ignoring a frame of unknown type")
                }
            }
            if state.endOfInput() { _exit(0) }
        }
        reader.start()

        while let request = state.next() {
            let id = request["id"]?.integerValue ?? 0
            let outcome = call(request, runtimes: runtimes, context: WorkerContext(state: state))
            state.finish()
            guard state.send(reply(id: id, outcome)) else { break }
        }
        runtimes.shutdownAll()
        return 0
    }

    /// Asks for SIGKILL when the host dies, then checks the host is still the parent (it may
    /// have died before the request was made). False when the worker must exit.
    private static func bindToParent(logger: Logger) -> Bool {
        if agent_set_parent_death_signal(SIGKILL) != 0 {
            logger.warning("worker: PR_SET_PDEATHSIG failed (errno \(errno)); relying on the pipe watchdog")
        }
        guard let expected = ProcessInfo.processInfo.environment[ProcessWorker.parentVariable].flatMap({ Int32($0) })
        else { return true }
        return getppid() == expected
    }

    /// The compact result frame for `outcome`, replaced by a failure when it would not fit a frame.
    private static func reply(id: Int64, _ outcome: AgentCallOutcome) -> [UInt8] {
        var reply: JSONObject = ["type": "result", "id": .integer(id)]
        switch outcome {
        case .succeeded(let object):
            reply["status"] = "ok"
            reply["output"] = .object(object)
        case .failed(let message, let retryable):
            reply["status"] = "failed"
            reply["message"] = .string(message)
            reply["retryable"] = .bool(retryable)
        case .cancelled(let message):
            reply["status"] = "cancelled"
            if let message { reply["message"] = .string(message) }
        }
        let bytes = JSONValue.object(reply).compactBytes
        guard bytes.count > WorkerFraming.maximumFrame else { return bytes }
        let message =
            "the worker's answer is \(AgentRuntimeError.byteCount(bytes.count)), above the worker frame limit of "
            + AgentRuntimeError.byteCount(WorkerFraming.maximumFrame)
        return JSONValue.object([
            "type": "result", "id": .integer(id), "status": "failed", "message": .string(message), "retryable": false,
        ]).compactBytes
    }

    private static func call(_ request: JSONValue, runtimes: WorkerRuntimes, context: WorkerContext) -> AgentCallOutcome
    {
        guard let manifestJSON = request["manifest"], let input = request["input"] else {
            return .failed(message: "worker: malformed run request (needs manifest and input)", retryable: false)
        }
        let file = request["source_file"]?.stringValue ?? "<worker>"
        let parsed = ManifestParser.parseManifest(
            manifestJSON.compactBytes, file: file, order: Int(request["source_order"]?.integerValue ?? 0))
        guard let manifest = parsed.manifest else {
            let problems = parsed.problems.map(\.message).joined(separator: "; ")
            return .failed(message: "worker: the host sent a manifest it cannot read: \(problems)", retryable: false)
        }
        let search = request["search"]
        let paths = PluginSearchPaths(
            pluginFolders: search?["plugin_folders"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            executableFolder: search?["executable_folder"]?.stringValue)
        let agent: LoadedAgent
        do {
            agent = try runtimes.runtime(for: paths).load(manifest)
        } catch {
            return .failed(message: "\(error)", retryable: false)
        }
        let workflowId = input["workflow_id"]?.stringValue ?? ""
        let lock = AttemptLock.acquire(
            workflowId: workflowId, agent: manifest.name, isCancelled: { context.isCancelled },
            waiting: { holder in
                context.log(
                    .warning,
                    "waiting for process \(holder), still running \(manifest.name) in \(workflowId) "
                        + "for an earlier host, to end before this attempt starts")
            })
        switch lock {
        case .held(let held):
            defer { held.release() }
            return agent.run(input: input, context: context)
        case .cancelled(let holder):
            return .cancelled(
                message:
                    "stopped while waiting for process \(holder), still running \(manifest.name) for an earlier host")
        case .unavailable(let reason):
            context.log(.warning, "running \(manifest.name) without its attempt lock: \(reason)")
            return agent.run(input: input, context: context)
        }
    }
}

/// One runtime per set of search paths the host sent (in practice one per worker).
private final class WorkerRuntimes: @unchecked Sendable {
    private var runtimes: [PluginSearchPaths: AgentRuntime] = [:]
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Only the worker's main thread calls this.
    func runtime(for paths: PluginSearchPaths) -> AgentRuntime {
        if let runtime = runtimes[paths] { return runtime }
        let runtime = AgentRuntime(searchPaths: paths, logger: logger)
        runtimes[paths] = runtime
        return runtime
    }

    func shutdownAll() {
        for runtime in runtimes.values { runtime.shutdownAll() }
    }
}

/// The worker's shared state: the queue of run requests and the current call's cancel flag.
/// `@unchecked Sendable`: the fields below `condition` are guarded by it.
private final class WorkerState: @unchecked Sendable {
    /// The frame pipe to the host, written by one thread at a time.
    private let output: Mutex<Int32>
    /// Not a Mutex: the main thread waits on it for the next request.
    private let condition = NSCondition()
    private var queue: [JSONValue?] = []
    private var currentId: Int64 = -1
    private var busy = false
    private var cancelled = false

    init(output: Int32) { self.output = Mutex(output) }

    func enqueue(_ message: JSONValue?) {
        condition.lock()
        queue.append(message)
        condition.signal()
        condition.unlock()
    }

    /// The next run request, marked as the running call; nil once input has ended.
    func next() -> JSONValue? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        guard let request = queue.removeFirst() else { return nil }
        currentId = request["id"]?.integerValue ?? 0
        busy = true
        cancelled = false
        return request
    }

    func finish() {
        condition.lock()
        busy = false
        currentId = -1
        condition.unlock()
    }

    /// Input ended: true when a call is running (the caller ends the process), else the main
    /// loop is told to stop after the requests already queued.
    func endOfInput() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if busy { return true }
        queue.append(nil)
        condition.signal()
        return false
    }

    func cancel(id: Int64) {
        condition.lock()
        if id == currentId { cancelled = true }
        condition.unlock()
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func send(_ message: JSONValue) -> Bool {
        send(message.compactBytes)
    }

    func send(_ body: [UInt8]) -> Bool {
        output.withLock { WorkerFraming.write(body: body, to: $0) }
    }
}

/// Forwards a plugin's log lines and progress to the host as frames.
private struct WorkerContext: AgentCallContext {
    let state: WorkerState

    func log(_ level: AgentLogLevel, _ message: String) {
        let names = ["debug", "info", "warning", "error"]
        _ = state.send(["type": "log", "level": .string(names[Int(level.rawValue)]), "message": .string(message)])
    }

    func progress(_ fraction: Double, _ message: String?) {
        var frame: JSONObject = ["type": "progress", "fraction": .number(fraction)]
        if let message { frame["message"] = .string(message) }
        _ = state.send(.object(frame))
    }

    var isCancelled: Bool { state.isCancelled }
}
