import AgentCatalog
import CAgentCommand
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// Implementation notes
// PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not the process.
// Executor threads come and go (an abandoned attempt's thread is written off), and a
// persistent command outlives the call that started it, so every command is forked by one
// thread that lives as long as the host: this spawner's. A spawn costs one hand-off to it
// (tens of µs) beside the fork and exec (about a millisecond).

/// Forks every command agent's process from one thread that never ends.
final class CommandSpawner: @unchecked Sendable {
    /// The host's spawner, started on first use.
    static let shared = CommandSpawner()

    /// Not a Mutex: the spawner thread waits on it for work.
    private let condition = NSCondition()
    private var queue: [() -> Void] = []

    private init() {
        // A program that exits without reading all its input must not kill the host with
        // SIGPIPE when the host writes the rest: writes fail with EPIPE instead. (Children get
        // the default disposition back before exec.)
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread { [self] in serve() }
        thread.name = "agenthost.command-spawner"
        thread.start()
    }

    /// Starts `argv[0]` (the resolved path) with `environment` in `directory`, its fds 0, 1
    /// and 2 on `fds`; blocks until the child has exec'd or failed to.
    /// - Returns: the pid, or the errno value and the step that failed.
    func spawn(
        argv: [String], environment: [String], directory: String?, fds: (Int32, Int32, Int32)
    ) -> Result<pid_t, SpawnFailure> {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<pid_t, SpawnFailure> = .failure(SpawnFailure(errno: EIO, step: 0))
        condition.lock()
        queue.append {
            result = Self.fork(argv: argv, environment: environment, directory: directory, fds: fds)
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        return result
    }

    private func serve() {
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let work = queue.removeFirst()
            condition.unlock()
            work()
        }
    }

    private static func fork(
        argv: [String], environment: [String], directory: String?, fds: (Int32, Int32, Int32)
    ) -> Result<pid_t, SpawnFailure> {
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv { free(pointer) }
            for pointer in cEnv { free(pointer) }
        }
        var pid: pid_t = 0
        var step: Int32 = 0
        var status: Int32 = 0
        // ETXTBSY: the program was just written and some forked child (ours or another
        // library's) still holds the writer's fd until its own exec. It passes in
        // milliseconds, so try again a few times before reporting it (Go's os/exec does too).
        for retry in 0..<8 {
            status = cArgv.withUnsafeBufferPointer { args in
                cEnv.withUnsafeBufferPointer { env in
                    agent_command_spawn(
                        argv[0], args.baseAddress, env.baseAddress, directory, fds.0, fds.1, fds.2, &pid, &step)
                }
            }
            guard status == ETXTBSY && step == AGENT_COMMAND_STEP_EXEC else { break }
            usleep(UInt32(2_000 << retry))
        }
        return status == 0 ? .success(pid) : .failure(SpawnFailure(errno: status, step: step))
    }
}

/// Why a command's process did not start: an errno value and the step that failed.
struct SpawnFailure: Error {
    var errno: Int32
    var step: Int32

    /// "exec failed: Permission denied" and the like.
    var description: String {
        let what: String
        switch step {
        case AGENT_COMMAND_STEP_FORK: what = "fork failed"
        case AGENT_COMMAND_STEP_CHDIR: what = "cannot enter its working_directory"
        case AGENT_COMMAND_STEP_EXEC: what = "exec failed"
        default: what = "setting up its process failed"
        }
        return "\(what): \(String(cString: strerror(errno)))"
    }
}
