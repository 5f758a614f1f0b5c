import AgentCatalog
import AgentRuntime
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The body of `agenthost worker`: runs agents for a host over the framed pipe protocol
/// (`WorkerFraming`), one call at a time, until the host closes the pipe.
///
/// Frames go out on a private copy of `output`; when `output` is stdout, fd 1 is pointed at
/// stderr so a plugin that prints cannot corrupt the protocol.
public enum WorkerLoop {
    /// Serves run requests read from `input`, answering on `output`.
    /// - Returns: the process exit status (0 when the host closed the pipe).
    public static func run(input: Int32, output: Int32, logger: Logger) -> Int32 {
        let frames = dup(output)
        guard frames >= 0 else { return 1 }
        if output == STDOUT_FILENO { dup2(STDERR_FILENO, STDOUT_FILENO) }
        let state = WorkerState(output: frames)
        let runtime = AgentRuntime(
            searchPaths: PluginSearchPaths(pluginFolders: [], executableFolder: nil), logger: logger)

        // The reader thread takes cancel requests while the main thread is inside a plugin.
        let reader = Thread {
            while let message = WorkerFraming.read(from: input) {
                switch message["type"]?.stringValue {
                case "run": state.enqueue(message)
                case "cancel": state.cancel(id: message["id"]?.integerValue ?? -1)
                default: logger.warning("worker: ignoring a frame of unknown type")
                }
            }
            state.enqueue(nil)
        }
        reader.start()

        while let request = state.next() {
            let id = request["id"]?.integerValue ?? 0
            state.begin(id: id)
            let outcome = call(request, runtime: runtime, context: WorkerContext(state: state))
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
            guard state.send(.object(reply)) else { break }
        }
        runtime.shutdownAll()
        return 0
    }

    private static func call(_ request: JSONValue, runtime: AgentRuntime, context: WorkerContext) -> AgentCallOutcome {
        guard let agent = request["agent"], let name = agent["name"]?.stringValue,
            let library = agent["library"]?.stringValue, let input = request["input"]
        else {
            return .failed(
                message: "worker: malformed run request (needs agent.name, agent.library, input)", retryable: false)
        }
        let folder = (library as NSString).deletingLastPathComponent
        let manifest = Manifest(
            name: name, library: (library as NSString).lastPathComponent,
            entry: agent["entry"]?.stringValue ?? Manifest.defaultEntry, parallelSafe: false,
            sha256: agent["sha256"]?.stringValue, config: agent["config"] ?? .null,
            source: ManifestSource(file: folder + "/\(name).worker", order: 0))
        do {
            return try runtime.load(manifest).run(input: input, context: context)
        } catch {
            return .failed(message: "\(error)", retryable: false)
        }
    }
}

/// The worker's shared state: the queue of run requests and the current call's cancel flag.
private final class WorkerState: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [JSONValue?] = []
    private var currentId: Int64 = -1
    private var cancelled = false
    private let writeLock = NSLock()
    private let output: Int32

    init(output: Int32) { self.output = output }

    func enqueue(_ message: JSONValue?) {
        condition.lock()
        queue.append(message)
        condition.signal()
        condition.unlock()
    }

    func next() -> JSONValue? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        return queue.removeFirst()
    }

    func begin(id: Int64) {
        condition.lock()
        currentId = id
        cancelled = false
        condition.unlock()
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
        writeLock.lock()
        defer { writeLock.unlock() }
        return WorkerFraming.write(message, to: output)
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
