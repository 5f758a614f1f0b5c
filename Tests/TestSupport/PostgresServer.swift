import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A private PostgreSQL server for one test: its own data folder, port and socket, removed by ``stop()``.
///
/// Implementation notes: the server runs Debian's binaries (`$AGENTHOST_PG_BIN`, else the newest
/// `/usr/lib/postgresql/<major>/bin`, else `pg_ctl`'s folder on PATH). PostgreSQL refuses to run as
/// root, so when the tests run as root, initdb and pg_ctl run as the `postgres` account (else
/// `nobody`) through setpriv, and the temp folder is handed to that account. The harness's settings
/// live in `data/agenthost.conf`, included from postgresql.conf, so `pg_ctl restart` starts the
/// server as it was, with the addresses ``listen(on:)`` added. Authentication is `trust`: only
/// loopback, the socket folder and the subnets of the server's own addresses (`samenet`) reach it.
public final class PostgresServer: @unchecked Sendable {
    // MARK: - Finding PostgreSQL

    /// The folder of `initdb`, `pg_ctl`, `postgres`, `createdb` and `psql`, or nil when PostgreSQL is not installed.
    public static let binaries: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["AGENTHOST_PG_BIN"] { candidates.append(configured) }
        let debian = "/usr/lib/postgresql"
        let majors = ((try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += majors.map { "\(debian)/\($0)/bin" }
        if let pgCtl = ExternalCommand.find("pg_ctl") { candidates.append((pgCtl as NSString).deletingLastPathComponent) }
        return candidates.first { folder in
            ["initdb", "pg_ctl", "postgres", "createdb", "psql"].allSatisfy {
                FileManager.default.isExecutableFile(atPath: "\(folder)/\($0)")
            }
        }
    }()

    /// The account the server runs as: nil (the current user), or when that is root, `postgres` or `nobody`.
    static let account: ExternalCommand.Account? = {
        geteuid() == 0 ? ExternalCommand.Account.first(of: ["postgres", "nobody"]) : nil
    }()

    /// Why no server can be started here (naming the fix), or nil when one can.
    public static let unavailableReason: String? = {
        if binaries == nil {
            return "PostgreSQL is not installed (no initdb/pg_ctl/postgres in $AGENTHOST_PG_BIN, "
                + "/usr/lib/postgresql/*/bin or PATH): apt-get install postgresql"
        }
        if geteuid() == 0 && account == nil {
            return "running as root with neither a `postgres` nor a `nobody` account to run PostgreSQL as: "
                + "apt-get install postgresql (it creates the postgres account)"
        }
        return nil
    }()

    /// Whether a server can be started here; use with `.enabled(if:)` and ``unavailableReason``.
    public static var isAvailable: Bool { unavailableReason == nil }

    // MARK: - The server

    /// The temp folder holding the data folder, the socket folder and the log.
    public let folder: String
    /// The database created at start, which ``url`` names.
    public let database: String
    /// The superuser role the tests connect as (no password: trust).
    public let user = "postgres"
    /// The TCP port, the same on loopback and on every address added with ``listen(on:)``.
    public private(set) var port = 0

    private let settings: [String: String]
    private let lock = NSLock()
    private var extraAddresses: [String] = []
    private var stopped = false

    /// The data folder (`PGDATA`).
    public var dataFolder: String { folder + "/data" }
    /// The folder of the unix socket (`.s.PGSQL.<port>`).
    public var socketFolder: String { folder + "/socket" }
    /// The server's log file, where a failed start says why.
    public var logFile: String { folder + "/server.log" }

    /// The addresses the server listens on: 127.0.0.1, then those added with ``listen(on:)``.
    public var addresses: [String] { lock.withLock { ["127.0.0.1"] + extraAddresses } }

    /// `postgres://postgres@127.0.0.1:<port>/<database>`.
    public var url: String { url(host: "127.0.0.1") }

    /// The URL of `database` (default: the one created at start) through `host`, e.g. a bridge address.
    public func url(host: String, database: String? = nil) -> String {
        "postgres://\(user)@\(host):\(port)/\(database ?? self.database)"
    }

    /// The postmaster's pid, from its pid file, or nil when it is not running.
    public var pid: pid_t? {
        guard let text = try? String(contentsOfFile: dataFolder + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = pid_t(first), kill(pid, 0) == 0
        else { return nil }
        return pid
    }

    /// Starts a fresh server on a free loopback port and creates `database` in it.
    /// - Parameters:
    ///   - database: the database ``url`` names.
    ///   - settings: extra postgresql.conf settings, values as PostgreSQL reads them (`["fsync": "off"]`).
    /// - Throws: a ``HarnessError`` naming the command that failed (for a start, with the server's log).
    public init(database: String = "agenthost", settings: [String: String] = [:]) throws {
        if let reason = Self.unavailableReason { throw HarnessError(reason) }
        self.database = database
        self.settings = settings
        folder = NSTemporaryDirectory() + "agenthost-pg-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: folder + "/socket", withIntermediateDirectories: true)
        chmod(folder, 0o755)
        try handToAccount(folder)
        try handToAccount(socketFolder)
        do {
            try pgCommand(
                "initdb", ["-D", dataFolder, "-U", user, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]
            ).check()
            try appendLine("include 'agenthost.conf'", to: dataFolder + "/postgresql.conf")
            try appendLine("host all all samenet trust", to: dataFolder + "/pg_hba.conf")
            // A port free when chosen may be taken (by any client's socket) before the server binds it: retry.
            var attempt = 0
            while true {
                attempt += 1
                port = try Self.freePort()
                try writeSettings()
                do {
                    try start()
                    break
                } catch where attempt < 5 && serverLog().contains("could not bind") {
                    continue
                }
            }
            try createDatabase(database)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// Creates the database `name`.
    /// - Throws: a ``HarnessError`` with createdb's message (e.g. when it exists).
    public func createDatabase(_ name: String) throws {
        try pgCommand("createdb", ["-h", socketFolder, "-p", "\(port)", "-U", user, name]).check()
    }

    /// Runs `sql` through `psql` on loopback (unaligned, tuples only, stopping at the first error)
    /// and returns what it printed, without the final newline.
    /// - Throws: a ``HarnessError`` with psql's message when a statement fails.
    @discardableResult
    public func psql(_ sql: String, database: String? = nil) throws -> String {
        let output = try psqlCommand(sql, host: "127.0.0.1", database: database).check()
        return output.hasSuffix("\n") ? String(output.dropLast()) : output
    }

    /// The `psql` command for `sql` through `host` (run it inside a namespace with ``NetworkNamespaces``).
    public func psqlCommand(_ sql: String, host: String, database: String? = nil) -> ExternalCommand {
        ExternalCommand(
            (Self.binaries ?? "") + "/psql",
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", "\(port)", "-U", user,
                "-d", database ?? self.database, "-c", sql,
            ], environment: ["PGCONNECT_TIMEOUT": "5"])
    }

    /// Restarts the server; `immediate` stops it as a crash would (no checkpoint: recovery replays the WAL).
    /// - Throws: a ``HarnessError`` with the server's log when it does not come back.
    public func restart(immediate: Bool = true) throws {
        try pgCtl(["restart", "-m", immediate ? "immediate" : "fast"])
    }

    /// Makes the server listen on `address` too (a bridge address the namespaces reach), restarting it.
    /// - Throws: a ``HarnessError`` with the server's log when it cannot bind `address`.
    public func listen(on address: String) throws {
        let added = lock.withLock {
            if extraAddresses.contains(address) { return false }
            extraAddresses.append(address)
            return true
        }
        guard added else { return }
        try writeSettings()
        try pgCtl(["restart", "-m", "fast"])
    }

    /// Stops the server (fast shutdown, then SIGKILL if it lingers) and removes its folder; safe to call twice.
    public func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        if pid != nil {
            _ = try? pgCtl(["stop", "-m", "fast", "-t", "20"])
            if let pid { kill(pid, SIGKILL) }
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    // MARK: - Private helpers

    private func start() throws {
        try pgCtl(["start"])
    }

    private func pgCtl(_ arguments: [String]) throws {
        let result = try pgCommand("pg_ctl", ["-D", dataFolder, "-l", logFile, "-w", "-t", "60"] + arguments).run()
        guard result.status == 0 else {
            throw HarnessError(
                "pg_ctl \(arguments.joined(separator: " ")) failed (\(result.status)) for \(dataFolder): "
                    + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines) + "; server log:\n"
                    + serverLog().split(separator: "\n").suffix(15).joined(separator: "\n"))
        }
    }

    private func pgCommand(_ program: String, _ arguments: [String]) -> ExternalCommand {
        ExternalCommand((Self.binaries ?? "") + "/" + program, arguments, as: Self.account, in: folder)
    }

    private func serverLog() -> String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    private func writeSettings() throws {
        var conf = [
            "port": "\(port)",
            "listen_addresses": "'\(addresses.joined(separator: ","))'",
            "unix_socket_directories": "'\(socketFolder)'",
            "max_connections": "200",
        ]
        for (key, value) in settings { conf[key] = value }
        let path = dataFolder + "/agenthost.conf"
        let text = conf.keys.sorted().map { "\($0) = \(conf[$0]!)\n" }.joined()
        do {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw HarnessError("cannot write \(path): \(error)")
        }
        try handToAccount(path)
    }

    private func appendLine(_ line: String, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw HarnessError("cannot open \(path) to add `\(line)`: is initdb's data folder there?")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n\(line)\n".utf8))
    }

    private func handToAccount(_ path: String) throws {
        guard let account = Self.account else { return }
        if chown(path, account.uid, account.gid) != 0 {
            throw HarnessError("cannot give \(path) to the \(account.name) account: errno \(errno)")
        }
    }

    /// A TCP port no socket on 127.0.0.1 holds now (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw HarnessError("cannot bind a port on 127.0.0.1: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
