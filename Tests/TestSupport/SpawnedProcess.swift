import Foundation

/// A program the harness started and keeps running (a node, a host run), reaped by its pid.
public final class SpawnedProcess: @unchecked Sendable {
    /// The child's pid (its process group's id too when started with `newProcessGroup`).
    public let pid: pid_t
    /// What was started.
    public let command: ExternalCommand
    /// The file that receives its stdout and stderr, or nil when they are discarded.
    public let logFile: String?

    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `command` with stdout and stderr appended to `logFile` (discarded when nil).
    /// - Throws: a ``HarnessError`` when the log cannot be opened or the program cannot be started.
    public init(_ command: ExternalCommand, logFile: String? = nil, newProcessGroup: Bool = true) throws {
        let path = logFile ?? "/dev/null"
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HarnessError("cannot open \(path) for `\(command.commandLine)`'s output: errno \(errno)") }
        defer { close(fd) }
        self.command = command
        self.logFile = logFile
        pid = try command.spawn(stdout: fd, stderr: fd, newProcessGroup: newProcessGroup)
    }

    deinit {
        if isRunning {
            Glibc.kill(pid, SIGKILL)
            _ = wait()
        }
    }

    /// What the program has written to its log so far ("" when it has none).
    public var output: String {
        logFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
    }

    /// Whether it has not exited yet (reaping it when it has).
    public var isRunning: Bool {
        lock.withLock {
            if exitStatus != nil { return false }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                exitStatus = Self.decode(status)
                return false
            }
            return reaped == 0
        }
    }

    /// Sends `signal` to the program (SIGSTOP, SIGCONT, SIGKILL...).
    public func send(_ signal: Int32) {
        Glibc.kill(pid, signal)
    }

    /// Waits for the end and returns the exit code (128 + the signal when a signal ended it).
    @discardableResult
    public func wait() -> Int32 {
        if let status = lock.withLock({ exitStatus }) { return status }
        let status = Self.waitForExit(pid)
        lock.withLock { exitStatus = status }
        return status
    }

    /// Waits at most `timeout` seconds for the end; nil when the program still runs.
    public func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
        return lock.withLock { exitStatus }
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; returns the exit code.
    @discardableResult
    public func terminate(grace: Double = 5) -> Int32 {
        guard isRunning else { return wait() }
        send(SIGTERM)
        if let status = wait(timeout: grace) { return status }
        send(SIGKILL)
        return wait()
    }

    /// Waits for `pid` to end and returns its exit code (128 + the signal when a signal ended it).
    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return decode(status)
    }

    /// The exit code in a waitpid status, or 128 + the signal that ended the process.
    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
