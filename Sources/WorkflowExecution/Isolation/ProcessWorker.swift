import AgentCatalog
import AgentRuntime
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One `agenthost worker` child process and the host ends of its pipes.
final class ProcessWorker: @unchecked Sendable {
    let pid: pid_t
    private let toWorker: Int32
    private let fromWorker: Int32
    private let lock = NSLock()
    private var currentId: Int64 = -1
    private var nextId: Int64 = 0
    private var exited = false

    private init(pid: pid_t, toWorker: Int32, fromWorker: Int32) {
        self.pid = pid
        self.toWorker = toWorker
        self.fromWorker = fromWorker
    }

    /// Starts `executable worker` with its stdin and stdout on new pipes.
    static func spawn(executable: String) throws(AgentRuntimeError) -> ProcessWorker {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        guard pipe(&input) == 0 else { throw spawnError("pipe failed: errno \(errno)") }
        guard pipe(&output) == 0 else {
            close(input[0])
            close(input[1])
            throw spawnError("pipe failed: errno \(errno)")
        }
        // Host ends must not leak into other children (or the worker itself).
        for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup("worker"), nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(input[0])
        close(output[1])
        guard status == 0 else {
            close(input[1])
            close(output[0])
            throw spawnError("cannot start worker '\(executable)': \(String(cString: strerror(status)))")
        }
        return ProcessWorker(pid: pid, toWorker: input[1], fromWorker: output[0])
    }

    private static func spawnError(_ message: String) -> AgentRuntimeError {
        AgentRuntimeError(.notLoadable, agent: "worker", message)
    }

    /// Runs one call in the worker; `onCancel` wiring sends a cancel frame and kills the
    /// worker after `grace` seconds if it has not answered.
    /// - Returns: the outcome, or nil with the way the worker died.
    func call(
        agent: JSONValue, request: AttemptRequest
    ) -> (outcome: AgentCallOutcome?, death: String?, signal: String?) {
        lock.lock()
        nextId += 1
        let id = nextId
        currentId = id
        lock.unlock()
        guard
            WorkerFraming.write(
                ["type": "run", "id": .integer(id), "agent": agent, "input": request.input], to: toWorker)
        else { return (nil, reap(), lastSignal) }
        let grace = request.cancellationGrace
        request.cancellation.onCancel { [self] in
            _ = WorkerFraming.write(["type": "cancel", "id": .integer(id)], to: toWorker)
            DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
                lock.lock()
                let stillRunning = currentId == id && !exited
                lock.unlock()
                if stillRunning { kill(pid, SIGKILL) }
            }
        }
        defer {
            lock.lock()
            currentId = -1
            lock.unlock()
        }
        while let frame = WorkerFraming.read(from: fromWorker) {
            switch frame["type"]?.stringValue {
            case "log":
                let level =
                    ["debug": AgentLogLevel.debug, "info": .info, "warning": .warning, "error": .error][
                        frame["level"]?.stringValue ?? "info"] ?? .info
                request.context.log(level, frame["message"]?.stringValue ?? "")
            case "progress":
                request.context.progress(frame["fraction"]?.doubleValue ?? 0, frame["message"]?.stringValue)
            case "result" where frame["id"]?.integerValue == id:
                return (Self.outcome(frame), nil, nil)
            default:
                continue
            }
        }
        return (nil, reap(), lastSignal)
    }

    private var lastSignal: String?

    /// Waits for the dead worker and says how it ended.
    private func reap() -> String {
        close(fromWorker)
        close(toWorker)
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
        lock.lock()
        exited = true
        lock.unlock()
        if result < 0 { return "worker \(pid) vanished" }
        let termination = status & 0x7f
        if termination != 0 {
            lastSignal = signalName(termination)
            return "worker \(pid) died of \(lastSignal!)"
        }
        return "worker \(pid) exited with status \((status >> 8) & 0xff)"
    }

    /// Closes the pipes (the worker exits) and reaps the process.
    func shutdown() {
        lock.lock()
        let done = exited
        exited = true
        lock.unlock()
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

/// Idle workers per plugin library, reused across calls; a dead worker is never reused.
final class WorkerPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [String: [ProcessWorker]] = [:]
    private var spawned = 0
    let executable: String

    init(executable: String) { self.executable = executable }

    /// An idle worker for `library`, or a new one.
    func acquire(for library: String) throws(AgentRuntimeError) -> ProcessWorker {
        lock.lock()
        if let worker = idle[library]?.popLast() {
            lock.unlock()
            return worker
        }
        spawned += 1
        lock.unlock()
        return try ProcessWorker.spawn(executable: executable)
    }

    /// Returns a healthy worker for reuse.
    func release(_ worker: ProcessWorker, library: String) {
        lock.lock()
        idle[library, default: []].append(worker)
        lock.unlock()
    }

    /// Workers started so far.
    var spawnedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return spawned
    }

    /// Ends every idle worker.
    func shutdown() {
        lock.lock()
        let all = idle.values.flatMap { $0 }
        idle = [:]
        lock.unlock()
        for worker in all { worker.shutdown() }
    }
}
