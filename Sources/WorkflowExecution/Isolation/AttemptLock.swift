import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// Implementation notes
// A worker holds an exclusive POSIX record lock on a file named after (workflow id, agent)
// while it runs an attempt, in /tmp/agenthost-<uid>/attempts (a fixed path, so hosts started
// with other environments agree on it). The kernel drops the lock when the worker dies, however
// it dies. A later host that resumes the workflow runs the agent in a worker of its own, which
// takes the same lock first: while an earlier host's worker still runs that agent (it should
// have died with its host; this is the guarantee if it did not), the new attempt waits, says
// which process it waits for, and gives up when it is cancelled or times out. A holder
// unlinks the file before it unlocks; a waiter that then wins the lock on the unlinked file
// sees that the path no longer names its file and tries again, so no two holders ever hold
// locks on different files for the same key. F_GETLK names the holder's pid for the message.

/// The lock a worker holds on one (workflow, agent) pair while it runs an attempt of it.
struct AttemptLock {
    private let fd: Int32
    private let path: String

    /// The folder of lock files, created 0700 on first use; nil (and `problem` set) when it is
    /// not a folder of ours that only we may write.
    static func folder() -> (path: String?, problem: String?) {
        let user = "/tmp/agenthost-\(getuid())"
        let attempts = user + "/attempts"
        for folder in [user, attempts] {
            if mkdir(folder, 0o700) != 0 && errno != EEXIST {
                return (nil, "cannot create '\(folder)': \(String(cString: strerror(errno)))")
            }
            var info = stat()
            guard lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
                info.st_mode & 0o077 == 0
            else {
                return (nil, "'\(folder)' is not a folder owned by uid \(getuid()) with mode 700; remove it")
            }
        }
        return (attempts, nil)
    }

    /// How acquiring ended.
    enum Acquired {
        /// The lock is held.
        case held(AttemptLock)
        /// Cancelled while waiting for another holder.
        case cancelled(holder: pid_t)
        /// No lock could be taken (why); the caller runs without one.
        case unavailable(String)
    }

    /// Takes the lock for `agent` in `workflowId`, waiting while another process holds it.
    /// - Parameters:
    ///   - isCancelled: polled every 10 ms while waiting.
    ///   - waiting: called once, with the holder's pid, when the lock is busy.
    static func acquire(
        workflowId: String, agent: String, isCancelled: () -> Bool, waiting: (pid_t) -> Void
    ) -> Acquired {
        let found = folder()
        guard let folder = found.path else { return .unavailable(found.problem ?? "no lock folder") }
        let path = folder + "/" + fileName(workflowId: workflowId, agent: agent)
        var reported = false
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return .unavailable("cannot open '\(path)': \(String(cString: strerror(errno)))") }
            var request = wholeFile(F_WRLCK)
            if fcntl(fd, F_SETLK, &request) == 0 {
                if sameFile(fd, path) { return .held(AttemptLock(fd: fd, path: path)) }
                close(fd)  // the previous holder unlinked it: lock the new file
                continue
            }
            let failure = errno
            guard failure == EACCES || failure == EAGAIN || failure == EINTR else {
                close(fd)
                return .unavailable("cannot lock '\(path)': \(String(cString: strerror(failure)))")
            }
            var probe = wholeFile(F_WRLCK)
            let holder: pid_t = fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != Int16(F_UNLCK) ? probe.l_pid : 0
            close(fd)
            if !reported && holder != 0 {
                reported = true
                waiting(holder)
            }
            if isCancelled() { return .cancelled(holder: holder) }
            usleep(10_000)
        }
    }

    /// Removes the file and drops the lock.
    func release() {
        unlink(path)
        close(fd)
    }

    /// A file name for the pair: FNV-1a of `workflowId NUL agent`, in hex.
    static func fileName(workflowId: String, agent: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(workflowId.utf8) + [0] + Array(agent.utf8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + ".lock"
    }

    private static func wholeFile(_ type: Int32) -> flock {
        var request = flock()
        request.l_type = Int16(type)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = 0
        request.l_len = 0
        return request
    }

    private static func sameFile(_ fd: Int32, _ path: String) -> Bool {
        var opened = stat()
        var named = stat()
        guard fstat(fd, &opened) == 0, stat(path, &named) == 0 else { return false }
        return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino
    }
}
