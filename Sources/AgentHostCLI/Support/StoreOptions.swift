import ArgumentParser
import Foundation
import WorkflowHosting
import WorkflowStore

/// The store flags every command that records or reads workflows shares: `--db`, `--no-store`.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp("The SQLite store (default .agenthost/state.sqlite, or AGENTHOST_DB).", valueName: "path"))
    var database: String?

    @Flag(name: .customLong("no-store"), help: "Use no store: workflows are kept in memory only.")
    var noStore = false

    /// The database path `--db`, AGENTHOST_DB or the default names.
    var path: String {
        SQLiteStore.path(explicit: database, environment: ProcessInfo.processInfo.environment)
    }

    /// `agenthost status ID`, with `--db PATH` when one was given; nil when nothing was recorded.
    func statusCommand(_ workflowId: String, recorded: Bool) -> String? {
        guard recorded else { return nil }
        guard let database, !database.isEmpty else { return "agenthost status \(workflowId)" }
        let quoted = database.contains(" ") ? "'\(database)'" : database
        return "agenthost status \(workflowId) --db \(quoted)"
    }

    /// The store for a command that records workflows (`run`, `serve`, `resume`): created when
    /// absent; nil under `--no-store`. Exits 2 with the store's message when it cannot be opened.
    func openForWriting() throws -> SQLiteStore? {
        guard !noStore else { return nil }
        return try open(path)
    }

    /// The store for a command that only reads it (`status`, `history`, `analytics`, `cancel`,
    /// `report`): exits 2 when there is none (never creates one) or it cannot be opened.
    func openExisting(for command: String) throws -> SQLiteStore {
        if noStore {
            reportError("\(command) reads the store; --no-store leaves nothing to read")
            throw HostExit.inputError
        }
        let path = self.path
        guard FileManager.default.fileExists(atPath: path) else {
            reportError("no store at \(path): no workflow has been recorded there (pass --db PATH or set AGENTHOST_DB)")
            throw HostExit.inputError
        }
        return try open(path)
    }

    /// The store, opened read-only, for a command that only reads it (`status`, `history`,
    /// `analytics`, `report`): nil when there is no store yet (no workflow was recorded: a result,
    /// not an error); exits 2 when it cannot be read or under `--no-store`.
    func openForReading(for command: String) throws -> SQLiteStore? {
        if noStore {
            reportError("\(command) reads the store; --no-store leaves nothing to read")
            throw HostExit.inputError
        }
        let path = self.path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try SQLiteStore(readingAt: path)
        } catch where error.code == .olderSchema && FileManager.default.isWritableFile(atPath: path) {
            // An older build's store that this user may write: upgrade it, as any writing command would.
            return try open(path)
        } catch {
            throw HostExit.failure(error)
        }
    }

    /// The sentence a reading command prints when there is no store yet.
    var noRunsYet: String {
        "no runs yet: there is no store at \(path) (`agenthost run REQUEST` records one; --db PATH or AGENTHOST_DB reads another)"
    }

    /// Reports that workflow `id` cannot be found because there is no store yet; exit 2.
    func noStoreFor(_ id: String) -> ExitCode {
        reportError("no workflow with id \(id): there is no store at \(path) yet (pass --db PATH or set AGENTHOST_DB)")
        return HostExit.inputError
    }

    /// The store when one exists at the path, for read-only use (`plan`'s learned estimates);
    /// nil when there is none or under `--no-store`. Never creates the file.
    func openIfPresent() throws -> SQLiteStore? {
        guard !noStore else { return nil }
        return try openForReading(for: "plan")
    }

    /// Runs `body`; a store error is reported (an unknown id naming the database) and exits 2.
    func attempt<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do {
            return try body()
        } catch  where error.code == .unknownWorkflow {
            throw HostExit.failure(StoreError(code: error.code, message: "\(error.message) (\(path))"))
        } catch {
            throw HostExit.failure(error)
        }
    }

    /// Runs `body`; a hosting error is reported (an unknown id naming the database) and exits 2.
    func hosting<T>(_ body: () throws(HostingError) -> T) throws -> T {
        do {
            return try body()
        } catch  where error.code == .unknownWorkflow {
            throw HostExit.failure(HostingError(code: error.code, message: "\(error.message) (\(path))", data: error.data))
        } catch {
            throw HostExit.failure(error)
        }
    }

    private func open(_ path: String) throws -> SQLiteStore {
        do {
            return try SQLiteStore(path: path)
        } catch {
            throw HostExit.failure(error)
        }
    }
}
