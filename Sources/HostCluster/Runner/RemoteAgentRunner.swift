import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import WorkflowExecution

// Implementation notes
// runAttempt blocks its executor thread, as every AgentRunner does: it queues the attempt
// and sleeps on its own condition until the watcher hands it the row's end. The watcher is one
// thread per runner: it wakes on a notification from `agenthost_attempts` or every
// `reapInterval` (the poll fallback), reaps expired leases of the workflows it waits for, and
// reads the rows it waits for in one statement. The executor keeps making every decision: a
// lost lease comes back as a retryable failure with `lostNode` set, and the run state machine
// retries it against its own cap.

/// Runs attempts on cluster nodes through the PostgreSQL queue (docs/CLUSTER.md).
public final class RemoteAgentRunner: AgentRunner, @unchecked Sendable {
    private final class Waiter: @unchecked Sendable {
        let request: AttemptRequest
        var key: AttemptKey
        var row: AttemptRow?
        var claimReported = false
        init(request: AttemptRequest, key: AttemptKey) {
            self.request = request
            self.key = key
        }
    }

    private let database: ClusterDatabase
    private let logger: Logger
    private let reapInterval: Double
    private let condition = NSCondition()
    private var waiters: [AttemptKey: Waiter] = [:]
    private var woken = false
    private var stopped = false
    private var registrations: [(node: String, agent: AgentRegistration)] = []
    private var registrationsRead = -Double.infinity
    private var listener: Task<Void, Never>?

    /// Creates a runner on `database`; its watcher starts at once.
    /// - Parameter reapInterval: seconds between polls and reaps (default 0.25).
    public init(database: ClusterDatabase, logger: Logger, reapInterval: Double = 0.25) {
        self.database = database
        self.logger = logger
        self.reapInterval = reapInterval
        let thread = Thread { [self] in watch() }
        thread.name = "agenthost-cluster-watcher"
        thread.start()
        startListening()
    }

    /// Stops the watcher.
    public func shutdown() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        listener?.cancel()
    }

    // MARK: - AgentRunner

    /// Queues the attempt (or adopts the agent's committed output or in-flight attempt) and
    /// blocks until a node ends it or its lease is reaped.
    public func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        let manifest = request.manifest
        let key = AttemptKey(workflowId: request.workflowId, agent: manifest.name, attempt: request.attempt)
        guard let sha = pluginDigest(for: manifest) else {
            return AttemptResult(outcome: .failed(message: noNodeMessage(manifest), retryable: true))
        }
        var waitKey = key
        let adopted: AttemptRow?
        do {
            adopted = try retrying(request) { try self.database.run { try await $0.adoptable(workflowId: key.workflowId, agent: key.agent) } }
        } catch {
            return AttemptResult(outcome: .cancelled(message: "\(error)"))
        }
        if let adopted, adopted.state == .done, let output = adopted.output {
            request.context.log(
                .info, "adopted the output node \(adopted.node ?? "?") committed for attempt \(adopted.key.attempt)")
            return AttemptResult(outcome: .succeeded(output), workerPid: adopted.workerPid, node: adopted.node)
        }
        if let adopted, adopted.key.attempt < key.attempt {
            // An earlier host queued it and a node may be running it: wait for that one.
            request.context.log(.info, "waiting for attempt \(adopted.key.attempt), queued before this host started")
            waitKey = adopted.key
        } else {
            let queued = QueuedAttempt(
                key: key, agentVersion: manifest.version, pluginSha256: sha, priority: request.priority,
                input: request.inputBytes)
            do {
                try retrying(request) { try self.database.run { try await $0.enqueue(queued) } }
            } catch {
                return AttemptResult(outcome: .cancelled(message: "\(error)"))
            }
        }
        let waited = waitKey
        let waiter = Waiter(request: request, key: waited)
        condition.lock()
        waiters[waitKey] = waiter
        woken = true
        condition.broadcast()
        condition.unlock()
        request.cancellation.onCancel { [self] in
            let reason = request.cancellation.cancellationReason ?? "cancelled"
            Task.detached(executorPreference: DatabaseExecutor.shared) { [database] in try? await database.queue.cancel(waited, reason: reason) }
            wakeWatcher()
        }
        let row = waitForEnd(waiter)
        return Self.result(of: row, request: request)
    }

    /// Why `manifest` cannot run here: no live node registered it.
    public func problem(loading manifest: Manifest) -> String? {
        pluginDigest(for: manifest) == nil ? noNodeMessage(manifest) : nil
    }

    /// The manifests among `manifests` that no live node registered (name and version).
    public func unregistered(_ manifests: [Manifest]) -> [Manifest] {
        manifests.filter { pluginDigest(for: $0) == nil }
    }

    // MARK: - Waiting

    private func waitForEnd(_ waiter: Waiter) -> AttemptRow? {
        let request = waiter.request
        condition.lock()
        defer {
            waiters[waiter.key] = nil
            condition.unlock()
        }
        var cancelledAt: Double?
        while waiter.row?.state.isFinal != true {
            if request.cancellation.isCancelled {
                let now = Date().timeIntervalSince1970
                cancelledAt = cancelledAt ?? now
                // The node had its grace period and a lease to report; nothing came: give it up.
                if now - cancelledAt! > request.cancellationGrace + 10 { return nil }
            }
            _ = condition.wait(until: Date().addingTimeInterval(reapInterval))
        }
        return waiter.row
    }

    private static func result(of row: AttemptRow?, request: AttemptRequest) -> AttemptResult {
        guard let row else {
            let reason = request.cancellation.cancellationReason ?? "cancelled"
            return AttemptResult(outcome: .cancelled(message: "\(reason); the node did not report"))
        }
        let failure = row.error ?? AttemptFailure(message: "no error recorded", retryable: false)
        switch row.state {
        case .done:
            return AttemptResult(outcome: .succeeded(row.output ?? [:]), workerPid: row.workerPid, node: row.node)
        case .lost:
            return AttemptResult(
                outcome: .failed(message: failure.message, retryable: true), node: row.node,
                lostNode: row.node ?? "unknown")
        case .cancelled:
            return AttemptResult(outcome: .cancelled(message: failure.message))
        case .failed where failure.cancelled:
            return AttemptResult(outcome: .cancelled(message: failure.message), workerPid: row.workerPid, node: row.node)
        default:
            return AttemptResult(
                outcome: .failed(message: failure.message, retryable: failure.retryable), workerPid: row.workerPid,
                signal: failure.signal, node: row.node)
        }
    }

    /// Runs `body` until it succeeds, retrying every 0.25 s while the database is unreachable;
    /// gives up when the attempt is cancelled.
    private func retrying<T>(_ request: AttemptRequest, _ body: () throws -> T) throws -> T {
        var warned = false
        while true {
            do {
                return try body()
            } catch {
                if request.cancellation.isCancelled { throw error }
                if !warned {
                    logger.warning("cluster database unreachable, retrying: \(error)")
                    warned = true
                }
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
    }

    // MARK: - The watcher and the reaper

    private func wakeWatcher() {
        condition.lock()
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    private func watch() {
        var lastReap = -Double.infinity
        while true {
            condition.lock()
            if !woken && !stopped { _ = condition.wait(until: Date().addingTimeInterval(reapInterval)) }
            woken = false
            if stopped {
                condition.unlock()
                return
            }
            let keys = Array(waiters.keys)
            condition.unlock()
            guard !keys.isEmpty else { continue }
            let workflows = Array(Set(keys.map(\.workflowId)))
            let now = Date().timeIntervalSince1970
            let reap = now - lastReap >= reapInterval
            if reap { lastReap = now }
            let rows: [AttemptRow]
            do {
                rows = try database.run(seconds: 5) { queue in
                    // The reaper first (every reapInterval): a lease that ended is read back as
                    // `lost` in the same pass.
                    if reap { _ = try await queue.reap(workflowIds: workflows) }
                    return try await queue.rows(keys)
                }
            } catch {
                logger.debug("cluster watcher: \(error)")
                continue
            }
            var claims: [(Waiter, String)] = []
            condition.lock()
            for row in rows {
                guard let waiter = waiters[row.key] else { continue }
                if row.state == .leased, !waiter.claimReported {
                    waiter.claimReported = true
                    claims.append((waiter, row.node ?? "?"))
                }
                if row.state.isFinal {
                    if !waiter.claimReported, let node = row.node { claims.append((waiter, node)) }
                    waiter.row = row
                }
            }
            condition.broadcast()
            condition.unlock()
            for (waiter, node) in claims {
                waiter.request.context.log(.info, "claimed by node \(node) (attempt \(waiter.key.attempt))")
            }
        }
    }

    private func startListening() {
        listener = database.listen(on: AttemptQueue.attemptsChannel) { [weak self] _ in self?.wakeWatcher() }
    }

    // MARK: - Registrations

    /// The sha256 a live node registered for `manifest` (its name and version); nil when none did.
    private func pluginDigest(for manifest: Manifest) -> String? {
        condition.lock()
        let now = Date().timeIntervalSince1970
        if now - registrationsRead > 1 {
            condition.unlock()
            let read = try? database.run { try await $0.liveRegistrations() }
            condition.lock()
            if let read {
                registrations = read
                registrationsRead = now
            }
        }
        let match = registrations.first { $0.agent.agent == manifest.name && $0.agent.version == manifest.version }
        condition.unlock()
        return match?.agent.pluginSha256
    }

    private func noNodeMessage(_ manifest: Manifest) -> String {
        ClusterError.noNode(for: [(manifest.name, manifest.version)], cluster: database.url.text).message
    }
}
