import AgentCatalog
import Foundation
import GRDB
import WorkflowEvents

// Implementation notes
// One DatabasePool per store: one writer connection (GRDB serialises writes on it) and
// concurrent readers, which WAL lets run while the writer commits; another process (the
// CLI's `status`, `cancel`) opens its own pool on the same file. Every write is one
// transaction. `record` keeps a per-workflow fold of the events (LiveWorkflow) in memory so
// the live-state rows cost O(1) per event; the fold is checked against the stored
// last_sequence inside each transaction and rebuilt from workflow_events when another
// connection wrote in between. Every statement binds its values (`arguments:`); no SQL is
// built from data.

/// The SQLite store of workflows: plans, the event log, runs, outputs, live state, learned
/// durations and cross-process control. It is the executor's `WorkflowRecorder`.
public final class SQLiteStore: WorkflowRecorder, Sendable {
    /// The database file used when neither `--db` nor `AGENTHOST_DB` names one.
    public static let defaultPath = ".agenthost/state.sqlite"
    /// Seconds without a heartbeat after which a running or paused workflow is shown as interrupted.
    public static let defaultStaleAfterSeconds = 10.0

    /// The database file.
    public let path: String
    /// Heartbeat age, in seconds, beyond which a running workflow counts as interrupted.
    public let staleAfterSeconds: Double
    /// What a returned `record` survives.
    public let durability: Durability

    /// What a committed transaction survives (docs/STORE.md, "Durability").
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// synchronous=NORMAL: survives a crash or kill of the process; a power loss or OS
        /// crash may roll back transactions committed since the last checkpoint. The default.
        case processCrash
        /// synchronous=FULL: every commit is fsynced and also survives a power loss; each
        /// commit then costs a disk flush.
        case powerLoss
    }

    /// WAL pages between automatic checkpoints (SQLite's default is 1,000). Each checkpoint
    /// copies the WAL's pages into the database and syncs it; a longer interval writes the
    /// pages every commit touches (the live rows, the log's last page) back once instead of
    /// many times. A committed transaction survives a process crash either way; with
    /// synchronous=NORMAL, a power loss may roll back what was committed since the last
    /// checkpoint (at most this many pages, 16 MB).
    static let checkpointPages = 4_000

    /// A DatabasePool (WAL, concurrent readers) when opened for writing; a read-only DatabaseQueue
    /// for `init(readingAt:)`.
    let pool: any DatabaseWriter
    let live = LiveCache()

    /// The database path to use: `explicit` (`--db`), else `AGENTHOST_DB`, else `defaultPath`.
    public static func path(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["AGENTHOST_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }

    /// Opens (creating when absent) the database at `path` and brings its schema up to date.
    ///
    /// Creates the folder, uses WAL with synchronous=NORMAL (FULL for `.powerLoss`) and
    /// foreign keys on.
    /// - Throws: `StoreError` `.notADatabase` or `.corrupt` for a file that is not a healthy
    ///   SQLite database, `.newerSchema` for a database from a newer build, `.io` when the
    ///   file or folder cannot be created or opened.
    public init(
        path: String, staleAfterSeconds: Double = SQLiteStore.defaultStaleAfterSeconds,
        durability: Durability = .processCrash
    ) throws(StoreError) {
        self.path = path
        self.staleAfterSeconds = staleAfterSeconds
        self.durability = durability
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .io(path, "is a folder; expected an SQLite database file")
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .io(folder, "cannot create the folder for the database (\(error.localizedDescription))")
            }
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "AgentHost.SQLiteStore"
        do {
            pool = try Self.open(path: path, configuration: configuration, durability: durability)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Opens an existing database for reading only (`status`, `history`, `analytics`, `report`):
    /// nothing is created, migrated or written, so it works on a store the user may not write.
    ///
    /// - Throws: `StoreError` `.io` when the file is missing or unreadable, `.notADatabase`,
    ///   `.corrupt`, `.newerSchema` for a database from a newer build, and `.olderSchema` for one
    ///   an older build wrote (a writing command upgrades it).
    public init(readingAt path: String, staleAfterSeconds: Double = SQLiteStore.defaultStaleAfterSeconds) throws(StoreError) {
        self.path = path
        self.staleAfterSeconds = staleAfterSeconds
        self.durability = .processCrash
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .io(path, Self.unreadableReason(path))
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "AgentHost.SQLiteStore.reader"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let userVersion = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            if userVersion > StoreSchema.version {
                throw StoreError.newerSchema(path, found: "version \(userVersion)", known: "version \(StoreSchema.version)")
            }
            if userVersion < StoreSchema.version {
                throw StoreError.olderSchema(path, found: userVersion, known: StoreSchema.version)
            }
            pool = queue
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Opens the pool, sets the durability pragmas and migrates.
    ///
    /// Switching a new database to WAL can answer "database is locked" at once, without waiting
    /// for the busy timeout, while another process is creating the same file (two hosts
    /// started together): such an opening is retried for up to about five seconds.
    private static func open(path: String, configuration: Configuration, durability: Durability) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(5)
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                // DatabasePool sets synchronous=NORMAL on its writer when it enables WAL; the writer
                // is one long-lived connection, so setting the mode here holds for every write.
                let synchronous = durability == .powerLoss ? "FULL" : "NORMAL"
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
                }
                try Self.migrate(pool, path: path)
                return pool
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(20_000)
            }
        }
    }

    /// The schema number of the open database (PRAGMA user_version).
    public func schemaVersion() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    /// Runs SQLite's `PRAGMA integrity_check`; returns its lines ("ok" when healthy).
    public func integrityCheck() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    // MARK: - Helpers

    private static func migrate(_ pool: DatabasePool, path: String) throws {
        let migrator = StoreSchema.migrator
        try pool.write { db in
            let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            if userVersion > StoreSchema.version {
                throw StoreError.newerSchema(path, found: "version \(userVersion)", known: "version \(StoreSchema.version)")
            }
            let known = Set(migrator.migrations)
            let unknown = try migrator.appliedIdentifiers(db).subtracting(known)
            if !unknown.isEmpty {
                throw StoreError.newerSchema(
                    path, found: "migrations \(unknown.sorted().joined(separator: ", "))",
                    known: "\(migrator.migrations.joined(separator: ", "))")
            }
        }
        // Two processes opening a new database at once both read "nothing applied"; the slower
        // one's CREATE TABLE then fails on what the faster one committed. Re-reading what is
        // applied and going on from there is the fix, a few times at most.
        for attempt in 1... {
            do {
                return try migrator.migrate(pool)
            } catch {
                let applied = (try? pool.read { db in try migrator.appliedIdentifiers(db) }) ?? []
                if attempt >= 5 || applied.isEmpty { throw error }
            }
        }
    }

    /// Turns any error from GRDB or the file system into a `StoreError` naming the path.
    static func storeError(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB: return .notADatabase(path)
            case .SQLITE_CORRUPT: return .corrupt(path, error.message ?? "database disk image is malformed")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
                return .io(path, cannotOpenReason(path, sqlite: error.message ?? "\(error.resultCode)"))
            case .SQLITE_IOERR, .SQLITE_FULL:
                return .io(path, error.message ?? "\(error.resultCode)")
            default: return .sqlite(path, error.message ?? "\(error.resultCode)")
            }
        }
        return .sqlite(path, "\(error)")
    }

    /// Why SQLite could not open or write `path`, in the user's terms: which file or folder, and
    /// whether it is missing or not writable. `sqlite` is SQLite's own text, kept at the end.
    static func cannotOpenReason(_ path: String, sqlite: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
            return "cannot open the database: its folder \(folder) does not exist (SQLite: \(sqlite)); "
                + "create it or pass --db PATH"
        }
        if FileManager.default.fileExists(atPath: path), !FileManager.default.isWritableFile(atPath: path) {
            return "cannot write the database: permission denied on the file \(path) (SQLite: \(sqlite)); "
                + "make it writable, pass --db PATH, or use --no-store"
        }
        if !FileManager.default.isWritableFile(atPath: folder) {
            return "cannot create or write the database: permission denied on the folder \(folder), "
                + "where SQLite keeps the database and its -wal and -shm files (SQLite: \(sqlite)); "
                + "pass --db PATH in a folder you can write, or use --no-store"
        }
        return "cannot open the database (SQLite: \(sqlite))"
    }

    /// Why the file at `path` cannot be read.
    static func unreadableReason(_ path: String) -> String {
        FileManager.default.fileExists(atPath: path)
            ? "cannot read the database: permission denied" : "no database file here"
    }

    /// Runs `body` on a reader connection, mapping errors to `StoreError`.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw Self.storeError(error, path: path) }
    }

    /// Runs `body` in one write transaction, mapping errors to `StoreError`.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch { throw Self.storeError(error, path: path) }
    }
}

// MARK: - JSON columns

extension JSONValue {
    /// Parses a JSON column, naming the column in the error.
    static func column(_ text: String, _ what: @autoclosure () -> String) throws(StoreError) -> JSONValue {
        do { return try JSONValue(parsing: text) } catch { throw .badData(what(), "stored JSON does not parse (\(error))") }
    }
}
