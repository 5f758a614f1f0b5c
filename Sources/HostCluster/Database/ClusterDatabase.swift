import Foundation
import Logging
import PostgresNIO

// Implementation notes
// The executor and the node's slots are plain threads that block (AgentRunner.runAttempt), so
// the database is reached from them through `blocking`, which runs one async call on Swift's
// pool and waits for it with a deadline: a call that has not answered by then (the server is
// gone, the link is cut) is given up, so a thread that must decide something on time (the
// node's lease keeper) never hangs on a dead connection. Those calls, and the pool's own run
// loop, run on `DatabaseExecutor`'s threads, not on Swift's cooperative pool: a caller that
// blocks a pool thread (a test, a server's handler) would otherwise wait for a task that needs
// that very thread, and on a 2-core machine two such callers deadlock the pool.

/// A connection pool to the cluster's PostgreSQL database, migrated on open.
public final class ClusterDatabase: Sendable {
    /// The URL it was opened with.
    public let url: ClusterURL
    /// The pool.
    public let client: PostgresClient
    /// The queue statements on this pool.
    public let queue: AttemptQueue
    let logger: Logger
    private let runner: Task<Void, Never>

    /// Opens a pool to `url` and applies the migrations this agenthost knows.
    /// - Throws: `ClusterError` when the server cannot be reached or a migration fails.
    public init(url: ClusterURL, logger: Logger, migrate: Bool = true) throws(ClusterError) {
        self.url = url
        self.logger = logger
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        self.client = client
        self.queue = AttemptQueue(client: client, logger: logger)
        runner = Task.detached(executorPreference: DatabaseExecutor.shared) { await client.run() }
        if migrate {
            do {
                try Self.blocking(seconds: 60) { [client, logger] in try await ClusterSchema.migrate(client, logger: logger) }
            } catch let error as ClusterError {
                runner.cancel()
                throw error
            } catch {
                runner.cancel()
                throw ClusterError.database("connecting to \(url.text)", error)
            }
        }
    }

    /// Closes the pool.
    public func close() { runner.cancel() }

    /// Runs `body` on Swift's pool and blocks the calling thread (never a pool thread) until it
    /// returns or `seconds` pass; then the call is cancelled and `ClusterError` thrown.
    public static func blocking<T: Sendable>(
        seconds: Double, _ body: @escaping @Sendable () async throws -> T
    ) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task.detached(executorPreference: DatabaseExecutor.shared) {
            do {
                box.set(.success(try await body()))
            } catch {
                box.set(.failure(error))
            }
            done.signal()
        }
        if done.wait(timeout: .now() + seconds) == .timedOut {
            task.cancel()
            throw ClusterError(code: .database, message: "cluster database: no answer within \(seconds) s")
        }
        return try box.get()
    }

    /// `blocking` on this database's queue.
    public func run<T: Sendable>(
        seconds: Double = 10, _ body: @escaping @Sendable (AttemptQueue) async throws -> T
    ) throws -> T {
        let queue = self.queue
        return try Self.blocking(seconds: seconds) { try await body(queue) }
    }
}

extension ClusterDatabase {
    /// LISTENs on `channel` until the returned task is cancelled: `connected` runs each time the
    /// listening starts (a notification may have been missed while it was down), `received` with
    /// each notification's payload. A lost connection is retried a second later; meanwhile the
    /// callers' polls carry on.
    func listen(
        on channel: String, connected: @escaping @Sendable () -> Void = {},
        received: @escaping @Sendable (String) -> Void
    ) -> Task<Void, Never> {
        let client = self.client
        let logger = self.logger
        return Task.detached(executorPreference: DatabaseExecutor.shared) {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            connected()
                            for try await notification in notifications { received(notification.payload) }
                        }
                    }
                } catch {
                    logger.debug("LISTEN \(channel) ended (\(error)); polling until it is back")
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// Runs the database's tasks on threads of a dispatch queue of its own, outside Swift's
/// cooperative pool, which blocked callers may fill.
final class DatabaseExecutor: TaskExecutor {
    static let shared = DatabaseExecutor()
    private let queue = DispatchQueue(label: "agenthost-cluster-database", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// One result handed from a task to a waiting thread.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }

    func get() throws -> T {
        let value = lock.withLock { result }
        return try value!.get()
    }
}
