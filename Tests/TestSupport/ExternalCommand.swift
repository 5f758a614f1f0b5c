import Foundation

/// A program the harness runs to the end and whose output it keeps (`initdb`, `pg_ctl`, `ip`, `psql`).
public struct ExternalCommand: Sendable {
    /// What one run printed and how it ended.
    public struct Result: Sendable {
        /// The exit status (or the signal number when the program was killed).
        public var status: Int32
        /// Everything the program wrote on stdout.
        public var stdout: String
        /// Everything the program wrote on stderr.
        public var stderr: String
    }

    /// An account a command runs as (through setpriv), for programs that refuse to run as root.
    public struct Account: Sendable, Equatable {
        /// The login name.
        public var name: String
        /// Its user id.
        public var uid: uid_t
        /// Its primary group id.
        public var gid: gid_t

        /// The first of `names` that exists on this machine, or nil.
        public static func first(of names: [String]) -> Account? {
            for name in names {
                if let entry = getpwnam(name) {
                    return Account(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
                }
            }
            return nil
        }
    }

    /// The program's path.
    public var executable: String
    /// Its arguments.
    public var arguments: [String]
    /// The account to run as; nil runs as the current user.
    public var account: Account?
    /// The working directory; nil keeps the current one.
    public var directory: String?
    /// Variables added to (or, with nil, removed from) the inherited environment.
    public var environment: [String: String?]

    /// A command `executable arguments...`, run as `account` in `directory` when given.
    public init(
        _ executable: String, _ arguments: [String], as account: Account? = nil, in directory: String? = nil,
        environment: [String: String?] = [:]
    ) {
        self.executable = executable
        self.arguments = arguments
        self.account = account
        self.directory = directory
        self.environment = environment
    }

    /// The command line as a shell would show it (for error messages).
    public var commandLine: String {
        ([executable] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    /// Starts the command with stdin from /dev/null and stdout and stderr on the given descriptors
    /// (-1 inherits the caller's), in a process group of its own when `newProcessGroup`.
    ///
    /// The child keeps no other descriptor of the caller: Foundation's `Process` hands its child one
    /// end of a socket pair and waits until every holder closed it, so a daemon started through it
    /// (`pg_ctl start`) would make `waitUntilExit` hang; posix_spawn with close-from 3 avoids that.
    /// - Returns: the child's pid; reap it with `waitpid` (``SpawnedProcess`` does).
    /// - Throws: a ``HarnessError`` naming the command when it cannot be started.
    public func spawn(stdout: Int32 = -1, stderr: Int32 = -1, newProcessGroup: Bool = false) throws -> pid_t {
        var argv = [executable] + arguments
        var program = executable
        if let account, account.uid != geteuid() {
            program = "/usr/bin/setpriv"
            argv = ["setpriv", "--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups", "--"] + argv
        }
        var inherited = ProcessInfo.processInfo.environment
        for (key, value) in environment { inherited[key] = value }
        let envp = inherited.map { "\($0.key)=\($0.value)" }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if stdout >= 0 { posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        if stderr >= 0 { posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        if let directory { _ = SpawnExtensions.addChdir?(&actions, directory) }
        _ = SpawnExtensions.addCloseFrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var pid: pid_t = 0
        let status = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in
                posix_spawn(&pid, program, &actions, &attributes, argvPointers, envPointers)
            }
        }
        guard status == 0 else {
            throw HarnessError("cannot start `\(commandLine)`: \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Runs the command to its end and returns what it printed, whatever its exit status.
    /// - Throws: a ``HarnessError`` when the program cannot be started.
    public func run() throws -> Result {
        let stdout = Pipe()
        let stderr = Pipe()
        let pid = try spawn(
            stdout: stdout.fileHandleForWriting.fileDescriptor, stderr: stderr.fileHandleForWriting.fileDescriptor)
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()
        // Read both pipes at once so a chatty program never blocks on a full pipe.
        let errorText = CapturedText()
        let done = DispatchSemaphore(value: 0)
        Thread {
            errorText.set(stderr.fileHandleForReading.readDataToEndOfFile())
            done.signal()
        }.start()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        let status = SpawnedProcess.waitForExit(pid)
        return Result(status: status, stdout: String(decoding: outData, as: UTF8.self), stderr: errorText.value)
    }

    /// Runs the command and returns its stdout.
    /// - Throws: a ``HarnessError`` with the command line and its stderr when it exits non-zero.
    @discardableResult
    public func check() throws -> String {
        let result = try run()
        guard result.status == 0 else {
            throw HarnessError(
                "`\(commandLine)` exited with \(result.status): "
                    + (result.stderr.isEmpty ? result.stdout : result.stderr).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.stdout
    }

    /// The first of `paths` that is an executable file, else `name` found on PATH, else nil.
    public static func find(_ name: String, preferring paths: [String] = []) -> String? {
        let searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .split(separator: ":").map { "\($0)/\(name)" }
        return (paths + searchPath + ["/usr/sbin/\(name)", "/sbin/\(name)"]).first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}

/// A failure of the test harness itself (a server that does not start, a namespace that cannot be made).
public struct HarnessError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, with the command or file at fault.
    public var description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}

/// glibc's posix_spawn extensions, which Swift's Glibc module does not import (they need _GNU_SOURCE).
enum SpawnExtensions {
    typealias Action = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias PathAction =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34 and later).
    static let addCloseFrom: Action? = symbol("posix_spawn_file_actions_addclosefrom_np")
    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29 and later).
    static let addChdir: PathAction? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }
}

/// Calls `body` with a NULL-terminated C array of `strings`.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

/// Text set once from another thread.
final class CapturedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    func set(_ data: Data) { lock.withLock { text = String(decoding: data, as: UTF8.self) } }
    var value: String { lock.withLock { text } }
}
