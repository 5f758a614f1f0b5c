import CAgentCommand
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One running command agent process and the host ends of its pipes.
///
/// The process leads its own process group, so `kill` reaches what it spawned too. The
/// host ends are non-blocking; `exitFD` (a pidfd) turns readable when the process exits.
/// Used by one call at a time (the pump); `@unchecked Sendable` so a persistent process can
/// wait in its pool between calls.
final class CommandProcess: @unchecked Sendable {
    let pid: pid_t
    /// Host end of the process's stdin; -1 once closed.
    var input: Int32
    /// Host end of its stdout; -1 once closed.
    var output: Int32
    /// Host end of its stderr; -1 once closed.
    var errors: Int32
    /// A pidfd of the process; -1 once closed.
    var exitFD: Int32
    /// How it ended, once reaped.
    private(set) var termination: Termination?
    /// Whether the host itself sent the signal that may have ended it (timeout, cancel,
    /// oversized output, shutdown): then a signal is not a crash.
    var killedByHost = false
    /// stdout bytes read past the end of the last answer line (persistent commands).
    var pendingOutput: [UInt8] = []
    /// The last lines the process wrote to stderr.
    var stderr = CommandStderr()

    private init(pid: pid_t, input: Int32, output: Int32, errors: Int32, exitFD: Int32) {
        self.pid = pid
        self.input = input
        self.output = output
        self.errors = errors
        self.exitFD = exitFD
    }

    /// Starts `argv` (argv[0] the resolved executable) on the spawner thread.
    /// - Throws: the `SpawnFailure` text, as a plain message.
    static func start(argv: [String], environment: [String], directory: String?) throws(SpawnFailure) -> CommandProcess
    {
        var pipes: [[Int32]] = []
        defer { for pair in pipes { for fd in pair where fd >= 0 { _ = Glibc.close(fd) } } }
        for _ in 0..<3 {
            var fds: [Int32] = [-1, -1]
            let status = agent_command_pipe(&fds)
            guard status == 0 else { throw SpawnFailure(errno: status, step: AGENT_COMMAND_STEP_SETUP) }
            pipes.append(fds)
        }
        let spawned = CommandSpawner.shared.spawn(
            argv: argv, environment: environment, directory: directory, fds: (pipes[0][0], pipes[1][1], pipes[2][1]))
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let failure): throw failure
        }
        let exitFD = agent_command_pidfd_open(pid)
        guard exitFD >= 0 else {
            let code = errno
            _ = Glibc.kill(-pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            throw SpawnFailure(errno: code, step: AGENT_COMMAND_STEP_SETUP)
        }
        let process = CommandProcess(
            pid: pid, input: pipes[0][1], output: pipes[1][0], errors: pipes[2][0], exitFD: exitFD)
        // The host ends stay with the process; the child ends close in the defer above.
        pipes[0][1] = -1
        pipes[1][0] = -1
        pipes[2][0] = -1
        for fd in [process.input, process.output, process.errors] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return process
    }

    /// Sends `signal` to the process's whole group; a group that is gone is ignored.
    func kill(_ signal: Int32) {
        guard termination == nil || signal == SIGKILL else { return }
        killedByHost = true
        _ = Glibc.kill(-pid, signal)
    }

    /// Waits for the process (it has exited, or is about to) and records how it ended;
    /// then ends whatever it left running in its group.
    @discardableResult
    func reap() -> Termination {
        if let termination { return termination }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
        let ended: Termination =
            result < 0 ? .vanished : (status & 0x7f) != 0 ? .signaled(status & 0x7f) : .exited((status >> 8) & 0xff)
        termination = ended
        // Children it spawned and left behind die with it (they share its process group).
        _ = Glibc.kill(-pid, SIGKILL)
        return ended
    }

    /// Whether the process has exited (without waiting); reaps it when it has.
    var hasExited: Bool {
        if termination != nil { return true }
        var poller = pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)
        guard exitFD >= 0, poll(&poller, 1, 0) > 0 else { return exitFD < 0 }
        reap()
        return true
    }

    /// Closes `fd` (one of the host ends) and marks it closed.
    func close(_ fd: inout Int32) {
        guard fd >= 0 else { return }
        _ = Glibc.close(fd)
        fd = -1
    }

    /// Closes every host end; the process must have been reaped or be about to be killed.
    func closeAll() {
        close(&input)
        close(&output)
        close(&errors)
        close(&exitFD)
    }

    /// Ends a process that is not in a call: EOF on stdin, up to `grace` seconds to exit,
    /// then SIGKILL to its group.
    func stop(grace: Double) {
        close(&input)
        if termination == nil {
            var poller = pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, Int32(grace * 1000)) <= 0 { kill(SIGKILL) }
            reap()
        }
        closeAll()
    }

    deinit { closeAll() }
}

/// How a command's process ended.
enum Termination: Sendable, Equatable, CustomStringConvertible {
    /// `exit(status)`.
    case exited(Int32)
    /// Killed by a signal.
    case signaled(Int32)
    /// waitpid found no such child (someone else reaped it).
    case vanished

    var description: String {
        switch self {
        case .exited(let status): return "exited with status \(status)"
        case .signaled(let signal): return "was killed by \(Self.signalName(signal))"
        case .vanished: return "vanished (it was reaped elsewhere)"
        }
    }

    /// The signal's name, `SIGSEGV`, when the process died of one.
    var signalName: String? {
        if case .signaled(let signal) = self { return Self.signalName(signal) }
        return nil
    }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGKILL: "SIGKILL", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
            SIGILL: "SIGILL", SIGTERM: "SIGTERM", SIGTRAP: "SIGTRAP", SIGINT: "SIGINT", SIGPIPE: "SIGPIPE",
            SIGHUP: "SIGHUP",
        ]
        return names[signal] ?? "signal \(signal)"
    }
}
