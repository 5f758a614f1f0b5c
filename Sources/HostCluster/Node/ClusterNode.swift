import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import WorkflowExecution

// Implementation notes
// Three kinds of threads: the claim loop (run()), the lease keeper (heartbeat()), and one
// thread per running attempt, which blocks in PluginAgentRunner.runAttempt while an
// `agenthost worker` child runs the agent, then writes the result back. Every database call
// goes through ClusterDatabase.run with a deadline, so a cut link turns into failed calls,
// never into a thread stuck past its lease. State shared by them is under `condition`.
// One stderr line per claim, completion and refused completion (docs/CLUSTER.md): the
// fault tests read them.

/// `agenthost node`: registers its agents, claims attempts it can run, runs each in an
/// `agenthost worker` child, renews its leases every lease / 3 and writes each result back,
/// fenced by its lease.
public final class ClusterNode: @unchecked Sendable {
    /// How the node runs.
    public struct Configuration: Sendable {
        /// Its name in `nodes` (unique in the cluster).
        public var name: String
        /// Attempts it runs at once.
        public var slots: Int
        /// Seconds a claim holds without a renewal.
        public var leaseSeconds: Double
        /// Seconds between claims when no notification arrives.
        public var pollSeconds: Double
        /// Seconds a stopped attempt gets before its worker is killed.
        public var cancellationGrace: Double

        /// Creates a configuration.
        public init(name: String, slots: Int, leaseSeconds: Double = 3, pollSeconds: Double = 1, cancellationGrace: Double = 2) {
            self.name = name
            self.slots = slots
            self.leaseSeconds = leaseSeconds
            self.pollSeconds = pollSeconds
            self.cancellationGrace = cancellationGrace
        }
    }

    private struct Running {
        var cancellation: AttemptCancellation
        var handedBack = false
    }

    /// Its configuration.
    public let configuration: Configuration
    private let database: ClusterDatabase
    private let runner: PluginAgentRunner
    private let manifests: [String: Manifest]
    /// What it registers.
    public let registrations: [AgentRegistration]
    private let logger: Logger

    private let condition = NSCondition()
    private var running: [AttemptKey: Running] = [:]
    private var woken = false
    private var stopping = false
    private var keeper: LeaseKeeper
    private var listener: Task<Void, Never>?

    /// Creates a node for `manifests` (the first manifest of each name wins, as discovery orders them).
    public init(
        configuration: Configuration, database: ClusterDatabase, manifests: [Manifest], runner: PluginAgentRunner,
        logger: Logger
    ) {
        self.configuration = configuration
        self.database = database
        self.runner = runner
        self.logger = logger
        var byName: [String: Manifest] = [:]
        var registrations: [AgentRegistration] = []
        for manifest in manifests where byName[manifest.name] == nil {
            var isolated = manifest
            // Every remote attempt runs in an `agenthost worker` child: a crashing plugin costs
            // one attempt, never the node and the leases of its other attempts.
            if isolated.kind != .command { isolated.isolation = .process }
            byName[manifest.name] = isolated
            registrations.append(
                AgentRegistration(
                    agent: manifest.name, version: manifest.version,
                    pluginSha256: Self.pluginDigest(manifest, runtime: runner.runtime)))
        }
        self.manifests = byName
        self.registrations = registrations
        keeper = LeaseKeeper(leaseSeconds: configuration.leaseSeconds, now: Self.now())
    }

    /// What a node registers for `manifest`: the SHA-256 of its library as `runtime` resolves
    /// it, or its manifest identity when there is no library file (a command, a soname).
    public static func pluginDigest(_ manifest: Manifest, runtime: AgentRuntime) -> String {
        if manifest.kind != .command, let path = try? runtime.resolveLibrary(for: manifest),
            let digest = LibraryDigest.sha256Hex(ofFile: path)
        {
            return digest
        }
        return manifest.identity
    }

    // MARK: - Running

    /// Registers, then claims and runs attempts until `stop()`; then finishes what runs (or
    /// hands it back once a lease has passed), deregisters and returns.
    /// - Throws: `ClusterError` when the node cannot register.
    public func run() throws {
        let configuration = self.configuration
        let registrations = self.registrations
        try database.run(seconds: 30) { queue in
            try await queue.register(
                node: configuration.name, slots: configuration.slots, leaseSeconds: configuration.leaseSeconds,
                pid: getpid(), agents: registrations)
        }
        note("registered \(registrations.count) agents, \(configuration.slots) slots, lease \(configuration.leaseSeconds) s")
        startListening()
        let heartbeat = Thread { [self] in heartbeatLoop() }
        heartbeat.name = "agenthost-node-heartbeat"
        heartbeat.start()
        claimLoop()
        drain()
        listener?.cancel()
        _ = try? database.run(seconds: 5) { queue in try await queue.deregister(node: configuration.name) }
        note("stopped")
    }

    /// Stops claiming; `run()` returns once what runs is finished or handed back.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func wake() {
        condition.lock()
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    private func claimLoop() {
        while true {
            condition.lock()
            let deadline = Date().addingTimeInterval(configuration.pollSeconds)
            while !stopping && !woken {
                // Full: a finishing attempt wakes it. Otherwise: a notification, or the poll.
                if running.count >= configuration.slots {
                    condition.wait()
                } else if !condition.wait(until: deadline) {
                    break
                }
            }
            woken = false
            if stopping {
                condition.unlock()
                return
            }
            let free = configuration.slots - running.count
            condition.unlock()
            guard free > 0 else { continue }
            let (name, lease) = (configuration.name, configuration.leaseSeconds)
            let claimed: [ClaimedAttempt]
            do {
                claimed = try database.run(seconds: lease) { queue in
                    try await queue.claim(node: name, limit: free, leaseSeconds: lease)
                }
            } catch {
                logger.warning("node \(name): claim failed: \(error)")
                continue
            }
            for attempt in claimed { start(attempt) }
            // A full batch: more may be waiting.
            if claimed.count == free { wake() }
        }
    }

    private func start(_ attempt: ClaimedAttempt) {
        let cancellation = AttemptCancellation()
        condition.lock()
        running[attempt.key] = Running(cancellation: cancellation)
        condition.unlock()
        note("claimed \(attempt.key)")
        let thread = Thread { [self] in execute(attempt, cancellation: cancellation) }
        thread.name = "agenthost-node-slot"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Runs one claimed attempt and writes its end back.
    private func execute(_ attempt: ClaimedAttempt, cancellation: AttemptCancellation) {
        let result = runAttempt(attempt, cancellation: cancellation)
        let report: AttemptReport
        switch result.outcome {
        case .succeeded(let output):
            report = .succeeded(output)
        case .failed(let message, let retryable):
            report = .failed(AttemptFailure(message: message, retryable: retryable || result.signal != nil, signal: result.signal))
        case .cancelled(let message):
            let reason = message ?? cancellation.cancellationReason ?? "the agent cancelled itself"
            report = .failed(AttemptFailure(message: "cancelled: \(reason)", retryable: false, cancelled: true))
        }
        condition.lock()
        let handedBack = running[attempt.key]?.handedBack ?? true
        condition.unlock()
        if !handedBack { writeBack(attempt.key, report: report, workerPid: result.workerPid) }
        condition.lock()
        running[attempt.key] = nil
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    private func runAttempt(_ attempt: ClaimedAttempt, cancellation: AttemptCancellation) -> AttemptResult {
        guard let manifest = manifests[attempt.key.agent] else {
            return AttemptResult(
                outcome: .failed(message: "node \(configuration.name) has no manifest for \(attempt.key.agent)", retryable: true))
        }
        let input: JSONValue
        do {
            input = try JSONValue(parsing: attempt.input)
        } catch {
            return AttemptResult(
                outcome: .failed(message: "\(attempt.key): the queued input is not JSON (\(error))", retryable: false))
        }
        let timeout = manifest.timeoutSeconds
        let timed = timeout.isFinite && timeout > 0
        if timed {
            // The host times the attempt out too; this stops it on a node cut off from the host.
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                cancellation.cancel(reason: "timed out after \(timeout) s")
            }
        }
        let context = NodeAttemptContext(key: attempt.key, cancellation: cancellation, logger: logger)
        var request = AttemptRequest(
            manifest: manifest, input: input, attempt: attempt.key.attempt, timeoutSeconds: timeout,
            deadline: timed ? Date().timeIntervalSince1970 + timeout : .infinity,
            cancellationGrace: configuration.cancellationGrace, context: context, cancellation: cancellation)
        request.workflowId = attempt.key.workflowId
        request.priority = attempt.priority
        return runner.runAttempt(request)
    }

    /// Writes `report` back, retrying while the database is unreachable and the lease may still
    /// hold; a refused write (the lease moved on) is logged and dropped.
    private func writeBack(_ key: AttemptKey, report: AttemptReport, workerPid: Int32?) {
        let name = configuration.name
        let state: String
        if case .succeeded = report { state = "done" } else { state = "failed" }
        while true {
            do {
                let accepted = try database.run(seconds: configuration.leaseSeconds) { queue in
                    try await queue.complete(key, node: name, report: report, workerPid: workerPid)
                }
                if accepted {
                    note("completed \(key) state=\(state)" + (workerPid.map { " worker_pid=\($0)" } ?? ""))
                } else {
                    note("refused \(key): the row is no longer leased to this node (its lease ended or another attempt committed)")
                }
                return
            } catch {
                condition.lock()
                let gaveUp = keeper.gaveUp
                condition.unlock()
                if gaveUp {
                    note("refused \(key): could not reach the database within the lease (\(error))")
                    return
                }
                logger.warning("node \(name): writing \(key) back failed, retrying: \(error)")
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
    }

    // MARK: - Leases

    private func heartbeatLoop() {
        while true {
            condition.lock()
            if stopping && running.isEmpty {
                condition.unlock()
                return
            }
            let decision = keeper.decide(at: Self.now())
            let inUse = running.count
            condition.unlock()
            switch decision {
            case .wait(let until):
                condition.lock()
                _ = condition.wait(until: Date(timeIntervalSince1970: until))
                condition.unlock()
            case .giveUp(let lastRenewed):
                let seconds = Self.now() - lastRenewed
                cancelAll(reason: "node \(configuration.name) could not renew its leases for \(Int(seconds)) s")
            case .renew:
                let (name, lease) = (configuration.name, configuration.leaseSeconds)
                let renewal = try? database.run(seconds: configuration.leaseSeconds / 3) { queue in
                    try await queue.renew(node: name, leaseSeconds: lease, slotsInUse: inUse)
                }
                condition.lock()
                keeper.renewed(at: Self.now(), succeeded: renewal != nil)
                var stops: [(AttemptCancellation, String)] = []
                if let renewal {
                    for (key, attempt) in running where !attempt.handedBack {
                        if let held = renewal.held[key] {
                            if let reason = held { stops.append((attempt.cancellation, reason)) }
                        } else {
                            stops.append((attempt.cancellation, "node \(name) no longer holds \(key): its lease ended"))
                        }
                    }
                }
                condition.unlock()
                for (cancellation, reason) in stops { cancellation.cancel(reason: reason) }
            }
        }
    }

    private func cancelAll(reason: String) {
        condition.lock()
        let all = running.values.map(\.cancellation)
        condition.unlock()
        if !all.isEmpty { note("cancelling \(all.count) attempts: \(reason)") }
        for cancellation in all { cancellation.cancel(reason: reason) }
    }

    /// After `stop()`: waits up to one lease for running attempts, then hands the rest back.
    private func drain() {
        let until = Date().addingTimeInterval(configuration.leaseSeconds)
        condition.lock()
        while !running.isEmpty && Date() < until { _ = condition.wait(until: until) }
        var keys: [AttemptKey] = []
        for key in running.keys {
            running[key]?.handedBack = true
            keys.append(key)
        }
        let cancellations = running.values.map(\.cancellation)
        condition.unlock()
        guard !keys.isEmpty else { return }
        let name = configuration.name
        let held = keys
        do {
            try database.run(seconds: 5) { queue in try await queue.handBack(held, node: name) }
            note("handed back \(keys.count) attempts")
        } catch {
            note("could not hand back \(keys.count) attempts (their leases will expire): \(error)")
        }
        for cancellation in cancellations { cancellation.cancel(reason: "node \(name) is stopping") }
        condition.lock()
        let end = Date().addingTimeInterval(configuration.cancellationGrace + 1)
        while !running.isEmpty && Date() < end { _ = condition.wait(until: end) }
        condition.unlock()
    }

    // MARK: - Notifications

    private func startListening() {
        listener = database.listen(on: AttemptQueue.workChannel, connected: { [weak self] in self?.wake() }) {
            [weak self] payload in
            if payload == "cancel" { self?.renewSoon() } else { self?.wake() }
        }
    }

    /// The host asked an attempt to stop: renew now, which reads the request.
    private func renewSoon() {
        condition.lock()
        keeper.renewed(at: keeper.lastTried - keeper.interval, succeeded: false)
        condition.broadcast()
        condition.unlock()
    }

    // MARK: - Helpers

    private func note(_ text: String) {
        FileHandle.standardError.write(Data("agenthost node \(configuration.name): \(text)\n".utf8))
    }

    static func now() -> Double { Date().timeIntervalSince1970 }
}
