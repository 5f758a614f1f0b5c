import AgentCatalog
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A `kind: "command"` agent: an executable given the agent input JSON on stdin that answers
/// the output JSON on stdout (docs/PLUGIN_ABI.md, "Command agents").
///
/// One-shot (the default): every call starts the program, writes the input and closes
/// stdin, and reads stdout until the program exits. Exit status 0 with a JSON object on
/// stdout succeeds; status 75 (EX_TEMPFAIL) is a retryable failure; any other status or a
/// signal fails the attempt, naming the status or signal and the last stderr lines.
///
/// Persistent (`"persistent": true`): a process serves many calls, one JSON line in
/// (the agent input) and one JSON line out (`{"output": {...}}` or `{"error": "...",
/// "retryable": false}`) per call. Idle processes are kept for the next call; one that
/// dies or is stopped is replaced by a new one on the next call.
///
/// Thread-safe. Calls may overlap (each takes its own process); `LoadedAgent` keeps an
/// agent that is not `parallel_safe` to one call at a time.
public final class CommandAgent: Sendable {
    /// The agent's manifest.
    public let manifest: Manifest
    /// The resolved, absolute path of the executable.
    public let executable: String
    /// The folder it starts in, nil for the host's.
    public let workingDirectory: String?
    let spec: CommandSpec
    let argv: [String]
    let environment: [String]
    let pool: PersistentCommandPool
    private let logger: Logger

    init(manifest: Manifest, spec: CommandSpec, resolver: CommandResolver, logger: Logger) throws(AgentRuntimeError) {
        self.manifest = manifest
        self.spec = spec
        self.executable = try resolver.executable(for: manifest, spec: spec)
        self.workingDirectory = try resolver.workingDirectory(for: manifest, spec: spec)
        self.argv = [executable] + spec.arguments
        var variables = ProcessInfo.processInfo.environment
        for (key, value) in spec.environment { variables[key] = value }
        // Tells a program serving both ways (Plugins/Python/agenthost_agent.py) which one it is.
        variables["AGENTHOST_COMMAND_MODE"] = spec.persistent ? "persistent" : "oneshot"
        self.environment = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        self.pool = PersistentCommandPool()
        self.logger = logger
    }

    /// Runs one call on the calling thread, blocking until the process answers or ends.
    /// - Parameters:
    ///   - inputBytes: the agent input object as compact JSON (no raw newline).
    ///   - context: receives the stderr log and progress lines; answers `isCancelled` when
    ///     `stop` is nil (then polled every 100 ms).
    ///   - stop: the grace period and wake-up for cancellation.
    public func run(inputBytes: [UInt8], context: any AgentCallContext, stop: CommandStop?) -> CommandCallResult {
        let process: CommandProcess
        do {
            process = try spec.persistent ? pool.acquire(start: start) : start()
        } catch {
            return CommandCallResult(
                outcome: .failed(
                    message: "agent '\(manifest.name)': command '\(executable)' did not start: \(error.description)",
                    retryable: false))
        }
        let pump = CommandPump(process: process, limit: spec.maxOutputBytes, context: context, stop: stop)
        if spec.persistent {
            let end = pump.run(input: inputBytes + [UInt8(ascii: "\n")], closeInput: false, untilLine: true)
            let answer = result(end, process: process, persistent: true)
            if case .line = end, process.termination == nil { pool.release(process) }
            return answer
        }
        let end = pump.run(input: inputBytes, closeInput: true, untilLine: false)
        process.closeAll()
        return result(end, process: process, persistent: false)
    }

    /// Ends the idle persistent processes (EOF on stdin, then SIGKILL after a second).
    public func shutdown() { pool.drain(grace: 1) }

    private func start() throws(SpawnFailure) -> CommandProcess {
        let process = try CommandProcess.start(argv: argv, environment: environment, directory: workingDirectory)
        if spec.persistent {
            logger.debug(
                "started persistent command", metadata: ["agent": "\(manifest.name)", "pid": "\(process.pid)"])
        }
        return process
    }

    // MARK: - Answers

    /// What one call's end means for the caller, one-shot (`persistent` false) or persistent.
    private func result(_ end: PumpEnd, process: CommandProcess, persistent: Bool) -> CommandCallResult {
        let pid = process.pid
        switch end {
        case .line(let bytes):
            return CommandCallResult(outcome: persistentAnswer(bytes), pid: pid)
        case .exited(.exited(0), let bytes) where !persistent:
            return CommandCallResult(outcome: parseObject(bytes, process: process, what: "stdout"), pid: pid)
        case .exited(let termination, _):
            if persistent {
                logger.warning(
                    "persistent command died; the next call starts a new one",
                    metadata: ["agent": "\(manifest.name)", "pid": "\(pid)", "cause": "\(termination)"])
            }
            return died(termination, process: process, persistent: persistent)
        case .tooLarge(let size):
            return CommandCallResult(outcome: .failed(message: tooLarge(size).description, retryable: false), pid: pid)
        case .stopped(let termination):
            return CommandCallResult(
                outcome: .cancelled(message: "stopped: command '\(executable)' \(termination)"), pid: pid)
        }
    }

    /// A persistent command's answer line: `{"output": {...}}` or `{"error", "retryable"}`.
    private func persistentAnswer(_ bytes: [UInt8]) -> AgentCallOutcome {
        guard let answer = try? JSONValue(parsing: bytes).objectValue else {
            return .failed(
                message: "agent '\(manifest.name)': persistent command '\(executable)' answered a line that is not "
                    + "a JSON object: \(Self.excerpt(bytes)); expected {\"output\": {...}} or {\"error\": \"...\"}",
                retryable: false)
        }
        if let output = answer["output"]?.objectValue { return .succeeded(output) }
        let message = answer["error"]?.stringValue ?? "answered neither \"output\" nor \"error\""
        return .failed(
            message: "agent '\(manifest.name)': \(message)", retryable: answer["retryable"]?.boolValue ?? false)
    }

    /// A failure naming how the process ended and the last stderr lines. A crash (a signal
    /// the host did not send) and status 75 are retryable; other statuses are not.
    private func died(_ termination: Termination, process: CommandProcess, persistent: Bool) -> CommandCallResult {
        let role = persistent ? "persistent command" : "command"
        var message = "agent '\(manifest.name)': \(role) '\(executable)' (pid \(process.pid)) \(termination)"
        var retryable = false
        var signal: String?
        switch termination {
        case .exited(75):
            message += " (EX_TEMPFAIL: retryable)"
            retryable = true
        case .exited(0) where persistent:
            message += " before answering"
            retryable = true
        case .signaled where !process.killedByHost:
            signal = termination.signalName
            retryable = true
        default: break
        }
        return CommandCallResult(
            outcome: .failed(message: message + process.stderr.tailText, retryable: retryable), pid: process.pid,
            signal: signal)
    }

    private func parseObject(_ bytes: [UInt8], process: CommandProcess, what: String) -> AgentCallOutcome {
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) else {
            return .failed(
                message: "agent '\(manifest.name)': command '\(executable)' exited with status 0 but wrote nothing on "
                    + "\(what); expected one JSON object\(process.stderr.tailText)", retryable: false)
        }
        guard let object = try? JSONValue(parsing: bytes).objectValue else {
            return .failed(
                message:
                    "agent '\(manifest.name)': command '\(executable)' wrote \(bytes.count) bytes on \(what) that are "
                    + "not one JSON object: \(Self.excerpt(bytes))\(process.stderr.tailText)", retryable: false)
        }
        return .succeeded(object)
    }

    private func tooLarge(_ size: Int) -> AgentRuntimeError {
        AgentRuntimeError(
            .outputTooLarge, agent: manifest.name,
            "command '\(executable)' wrote more than max_output_bytes (\(spec.maxOutputBytes) bytes) on stdout: "
                + "\(size) bytes read before it was killed; raise `max_output_bytes` in \(manifest.source.file) "
                + "or make the answer smaller")
    }

    private static func excerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(120), as: UTF8.self)
        return "\"\(text)\(bytes.count > 120 ? "..." : "")\""
    }
}

/// How one call of a command agent ended.
public struct CommandCallResult: Sendable {
    /// What the agent answered, or why the call failed.
    public var outcome: AgentCallOutcome
    /// The process that served the call.
    public var pid: Int32?
    /// The signal that crashed it (`SIGSEGV`), when one the host did not send did.
    public var signal: String?
}

/// Idle persistent processes of one command agent; a dead one is never handed out.
final class PersistentCommandPool: Sendable {
    private let idle = Mutex<[CommandProcess]>([])

    /// An idle live process, or a new one from `start`.
    func acquire(start: () throws(SpawnFailure) -> CommandProcess) throws(SpawnFailure) -> CommandProcess {
        let live: CommandProcess? = idle.withLock { idle in
            while let process = idle.popLast() {
                if process.termination == nil && process.input >= 0 && !process.hasExited { return process }
            }
            return nil
        }
        if let live { return live }
        return try start()
    }

    /// Keeps a healthy process for the next call.
    func release(_ process: CommandProcess) {
        idle.withLock { $0.append(process) }
    }

    /// Stops every idle process.
    func drain(grace: Double) {
        let all = idle.withLock { idle in
            defer { idle = [] }
            return idle
        }
        for process in all { process.stop(grace: grace) }
    }
}
