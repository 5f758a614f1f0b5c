import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps a command's machine-read stdout away from plugins.
///
/// `divert()` duplicates fd 1 to a private, close-on-exec descriptor for the command's own
/// output (protocol frames, worker frames, JSON results), then points fd 1 at stderr, so a
/// plugin's `printf`, a stray `print` or a child process that writes to stdout lands in stderr
/// instead of corrupting what a program reads. `agenthost serve`, `agenthost worker`,
/// `agenthost invoke` and `agenthost run --json` all call it before any plugin can load.
public enum StandardOutputGuard {
    /// Why fd 1 could not be taken over.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What failed, with the system's reason.
        public var description: String
    }

    /// Flushes buffered stdio, moves stdout to a private descriptor and points fd 1 at stderr.
    /// Also ignores SIGPIPE: a reader that goes away makes writes fail, not the process die.
    /// - Returns: the private descriptor now holding what fd 1 was.
    /// - Throws: `Failure` when a descriptor could not be duplicated.
    public static func divert() throws(Failure) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        fflush(nil)
        let privateOutput = dup(STDOUT_FILENO)
        guard privateOutput >= 0 else {
            throw Failure(description: "could not duplicate stdout: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(privateOutput, F_SETFD, FD_CLOEXEC)
        guard dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else {
            throw Failure(description: "could not point stdout at stderr: \(String(cString: strerror(errno)))")
        }
        return privateOutput
    }

    /// Writes all of `bytes` to `fd`, retrying short writes; false when the descriptor is closed.
    @discardableResult
    public static func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}
