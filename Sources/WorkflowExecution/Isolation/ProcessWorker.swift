import AgentCatalog
import AgentRuntime
import CAgentProcess
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

// Implementation notes
// A worker must never outlive its host: after `kill -9` of the host, a worker still inside a
// hung plugin would run forever, and a `resume` would start the same agent a second time. Two
// things end it: the worker asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG, set by
// the worker itself, since posix_spawn cannot) and exits when its stdin pipe reaches EOF while
// a call runs (WorkerLoop's watchdog). PR_SET_PDEATHSIG fires when the *thread* that started
// the child ends, not the process, so every worker is started from one thread that lives as
// long as the host (`WorkerSpawner`). The worker checks that its parent is still the host
// (`AGENTHOST_WORKER_PARENT`) right after asking, so a host that died before then is noticed.
// Workers get `SWIFT_BACKTRACE=enable=no`: Swift's backtracer would otherwise symbolicate a
// crashing plugin for 0.5-1.8 s before the worker dies, long enough to turn a crash into a
// timeout. Pipes are created close-on-exec atomically, so no other child inherits a host end
// (an inherited write end would keep a worker's stdin open after the host died).

/// One `agenthost worker` child process and the host ends of its pipes.
final class ProcessWorker: Sendable {
    let pid: pid_t
    private let toWorker: Int32
    private let fromWorker: Int32
    /// The call in flight (-1 for none), the last call id given and whether the process was reaped.
    private struct Calls {
        var currentId: Int64 = -1
        var nextId: Int64 = 0
        var exited = false
    }
    private let calls = Mutex(Calls())

    /// How a call ended.
    enum Answer {
        /// The worker answered with the agent's outcome.
        case outcome(AgentCallOutcome)
        /// The worker died during the call (`how` says how; `signal` names the signal, if any).
        case died(how: String, signal: String?)
        /// The worker sent something the host cannot accept; it was killed.
        case brokeProtocol(String)
        /// The call was not sent (why): its input does not fit a frame. The worker is still healthy.
        case notSent(String)
    }

    private init(pid: pid_t, toWorker: Int32, fromWorker: Int32) {
        self.pid = pid
        self.toWorker = toWorker
        self.fromWorker = fromWorker
    }

    /// The environment variable that tells a worker its host's pid.
    static let parentVariable = "AGENTHOST_WORKER_PARENT"

    /// Starts `executable worker` with its stdin and stdout on new pipes, from the spawner thread.
    static func spawn(executable: String) throws(AgentRuntimeError) -> ProcessWorker {
        try WorkerSpawner.shared.perform { () -> Result<ProcessWorker, AgentRuntimeError> in
            do throws(AgentRuntimeError) {
                return .success(try spawnHere(executable: executable))
            } catch {
                return .failure(error)
            }
        }.get()
    }

    private static func spawnHere(executable: String) throws(AgentRuntimeError) -> ProcessWorker {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        guard agent_pipe_cloexec(&input) == 0 else { throw spawnError("pipe failed: errno \(errno)") }
        guard agent_pipe_cloexec(&output) == 0 else {
            close(input[0])
            close(input[1])
            throw spawnError("pipe failed: errno \(errno)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 0 and 1 clears close-on-exec there; the original pipe ends close on exec.
        posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup("worker"), nil]
        defer { for pointer in argv { free(pointer) } }
        let environment = workerEnvironment()
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(input[0])
        close(output[1])
        guard status == 0 else {
            close(input[1])
            close(output[0])
            throw spawnError("cannot start worker '\(executable)': \(String(cString: strerror(status)))")
        }
        return ProcessWorker(pid: pid, toWorker: input[1], fromWorker: output[0])
    }

    /// The host's environment, with the backtracer off and the host's pid for the parent check.
    static func workerEnvironment() -> [String] {
        var entries: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if !text.hasPrefix("SWIFT_BACKTRACE=") && !text.hasPrefix(parentVariable + "=") { entries.append(text) }
            pointer += 1
        }
        return entries + ["SWIFT_BACKTRACE=enable=no", "\(parentVariable)=\(getpid())"]
    }

    private static func spawnError(_ message: String) -> AgentRuntimeError {
        AgentRuntimeError(.notLoadable, agent: "worker", message)
    }

    /// Runs one call in the worker. On cancellation (timeout or cancel) sends a cancel frame
    /// and kills the worker after the request's grace period if it has not answered.
    /// - Parameter run: the run frame's fields before `input` (`manifest`, `search`).
    func call(_ run: JSONObject, request: AttemptRequest) -> Answer {
        let id = calls.withLock { calls in
            calls.nextId += 1
            calls.currentId = calls.nextId
            return calls.nextId
        }
        let frame = Self.runFrame(id: id, fields: run, input: request.inputBytes)
        guard frame.count <= WorkerFraming.maximumFrame else {
            calls.withLock { $0.currentId = -1 }
            return .notSent(
                "its input is \(AgentRuntimeError.byteCount(frame.count)), above the worker frame limit of "
                    + AgentRuntimeError.byteCount(WorkerFraming.maximumFrame))
        }
        guard WorkerFraming.write(body: frame, to: toWorker) else {
            let death = reap()
            return .died(how: death.how, signal: death.signal)
        }
        let grace = request.cancellationGrace
        request.cancellation.onCancel { [self] in
            _ = WorkerFraming.write(["type": "cancel", "id": .integer(id)], to: toWorker)
            DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
                let stillRunning = calls.withLock { $0.currentId == id && !$0.exited }
                if stillRunning { kill(pid, SIGKILL) }
            }
        }
        defer { calls.withLock { $0.currentId = -1 } }
        while true {
            let frame: JSONValue
            switch WorkerFraming.readFrame(from: fromWorker) {
            case .frame(let value): frame = value
            case .closed:
                let death = reap()
                return .died(how: death.how, signal: death.signal)
            case .tooLarge(let length):
                return brokeProtocol(
                    "sent a frame of \(AgentRuntimeError.byteCount(length)), above the worker frame limit of "
                        + AgentRuntimeError.byteCount(WorkerFraming.maximumFrame))
            case .malformed(let reason):
                return brokeProtocol("sent a frame that is not JSON: \(reason)")
            }
            switch frame["type"]?.stringValue {
            case "log":
                let level =
                    ["debug": AgentLogLevel.debug, "info": .info, "warning": .warning, "error": .error][
                        frame["level"]?.stringValue ?? "info"] ?? .info
                request.context.log(level, frame["message"]?.stringValue ?? "")
            case "progress":
                request.context.progress(frame["fraction"]?.doubleValue ?? 0, frame["message"]?.stringValue)
            case "result" where frame["id"]?.integerValue == id:
                return .outcome(Self.outcome(frame))
            default:
                continue
            }
        }
    }

    /// `{"type":"run","id":N,<fields>,"input":<input>}`, splicing the input's bytes as they are.
    private static func runFrame(id: Int64, fields: JSONObject, input: [UInt8]) -> [UInt8] {
        var object = fields
        object["type"] = "run"
        object["id"] = .integer(id)
        var bytes = JSONValue.object(object).compactBytes
        bytes.removeLast()  // the closing brace
        bytes.append(contentsOf: ",\"input\":".utf8)
        bytes.append(contentsOf: input)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private func brokeProtocol(_ reason: String) -> Answer {
        kill(pid, SIGKILL)
        _ = reap()
        return .brokeProtocol("worker \(pid) \(reason)")
    }

    /// Waits for the dead worker and says how it ended.
    private func reap() -> (how: String, signal: String?) {
        close(fromWorker)
        close(toWorker)
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
        calls.withLock { $0.exited = true }
        if result < 0 { return ("worker \(pid) vanished", nil) }
        let termination = status & 0x7f
        if termination != 0 {
            let name = signalName(termination)
            return ("worker \(pid) died of \(name)", name)
        }
        return ("worker \(pid) exited with status \((status >> 8) & 0xff)", nil)
    }

    /// Closes the pipes (the worker exits) and reaps the process.
    func shutdown() {
        let done = calls.withLock { calls in
            defer { calls.exited = true }
            return calls.exited
        }
        guard !done else { return }
        close(toWorker)
        close(fromWorker)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    private static func outcome(_ frame: JSONValue) -> AgentCallOutcome {
        switch frame["status"]?.stringValue {
        case "ok": return .succeeded(frame["output"]?.objectValue ?? [:])
        case "cancelled": return .cancelled(message: frame["message"]?.stringValue)
        default:
            return .failed(
                message: frame["message"]?.stringValue ?? "worker failed",
                retryable: frame["retryable"]?.boolValue ?? false)
        }
    }
}

/// The one thread that starts worker processes, for the life of the host (see the notes above:
/// a worker's parent-death signal is tied to the thread that started it).
final class WorkerSpawner: @unchecked Sendable {
    /// The process's spawner; its thread starts on first use.
    static let shared = WorkerSpawner()

    /// Guards `jobs`. Not a Mutex: the spawner thread waits on it for work.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        let thread = Thread { [self] in serve() }
        thread.name = "agenthost-worker-spawner"
        thread.start()
    }

    /// Runs `job` on the spawner thread and returns its result.
    func perform<Value>(_ job: @escaping () -> Value) -> Value {
        let box = ResultBox<Value>()
        let done = DispatchSemaphore(value: 0)
        condition.lock()
        jobs.append {
            box.value = job()
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        return box.value!
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// A value handed from the spawner thread to the waiting caller (ordered by the semaphore).
    private final class ResultBox<Value>: @unchecked Sendable {
        var value: Value?
    }
}

/// Idle workers per plugin library, reused across calls; a dead worker is never reused.
final class WorkerPool: Sendable {
    private struct State {
        var idle: [String: [ProcessWorker]] = [:]
        var spawned = 0
    }
    private let state = Mutex(State())
    let executable: String

    init(executable: String) { self.executable = executable }

    /// An idle worker for `library`, or a new one.
    func acquire(for library: String) throws(AgentRuntimeError) -> ProcessWorker {
        let reused: ProcessWorker? = state.withLock { state in
            if let worker = state.idle[library]?.popLast() { return worker }
            state.spawned += 1
            return nil
        }
        if let reused { return reused }
        return try ProcessWorker.spawn(executable: executable)
    }

    /// Returns a healthy worker for reuse.
    func release(_ worker: ProcessWorker, library: String) {
        state.withLock { $0.idle[library, default: []].append(worker) }
    }

    /// Workers started so far.
    var spawnedCount: Int {
        state.withLock { $0.spawned }
    }

    /// Ends every idle worker.
    func shutdown() {
        let all = state.withLock { state in
            defer { state.idle = [:] }
            return state.idle.values.flatMap { $0 }
        }
        for worker in all { worker.shutdown() }
    }
}
