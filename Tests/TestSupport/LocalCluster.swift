import Foundation

/// A cluster on one machine: a private PostgreSQL, hosts `h1`...`hN` in network namespaces,
/// an `agenthost node` in each, and `agenthost run|resume --cluster` in the root namespace.
///
/// The nodes reach the database on the bridge address (``nodeURL``), the host on loopback
/// (``hostURL``). Each node's stderr (its claim, completion and refusal lines, docs/CLUSTER.md)
/// goes to `<folder>/node-<host>.log`. The queue is read with psql (``queue(workflowId:)``).
public final class LocalCluster: @unchecked Sendable {
    /// One row of `attempt_queue`.
    public struct Attempt: Sendable, Hashable {
        /// The agent.
        public var agent: String
        /// The attempt number.
        public var attempt: Int
        /// `ready`, `leased`, `done`, `failed`, `lost` or `cancelled`.
        public var state: String
        /// The node that claimed it ("" when none did).
        public var node: String
        /// When a node claimed it, in seconds since 1970 (the database's clock).
        public var claimedAt: Double?
        /// When it ended, in seconds since 1970.
        public var finishedAt: Double?
        /// When it was queued, in seconds since 1970.
        public var createdAt: Double?
    }

    /// The folder holding `agenthost` and every plugin library: the running binary's own.
    public static let buildFolder: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return (exe as NSString).deletingLastPathComponent
    }()

    /// Why no cluster can be made here (naming the fix), or nil when one can.
    public static var unavailableReason: String? {
        if let reason = PostgresServer.unavailableReason { return reason }
        if let reason = NetworkNamespaces.unavailableReason { return reason }
        if !FileManager.default.isExecutableFile(atPath: buildFolder + "/agenthost") {
            return "no agenthost binary in \(buildFolder): run `swift build` first"
        }
        return nil
    }

    /// The scratch folder (node logs, the host's store), removed by ``stop()``.
    public let folder: String
    /// The database server.
    public let server: PostgresServer
    /// The hosts the nodes run in.
    public let network: NetworkNamespaces
    /// Slots per node.
    public let slots: Int
    /// The nodes' lease, in seconds.
    public let lease: Double

    private let lock = NSLock()
    private var nodes: [String: SpawnedProcess] = [:]

    /// The `agenthost` binary.
    public var agenthost: String { Self.buildFolder + "/agenthost" }
    /// The database URL for processes in the root namespace.
    public var hostURL: String { server.url }
    /// The database URL for the nodes in the namespaces.
    public var nodeURL: String { server.url(host: network.bridgeAddress) }

    /// Starts PostgreSQL and makes `hosts` namespaces (no node runs yet: ``startNodes(manifests:)``).
    /// - Throws: a ``HarnessError`` when the server or the namespaces cannot be made.
    public init(hosts: Int = 3, slots: Int, lease: Double, settings: [String: String] = [:]) throws {
        if let reason = Self.unavailableReason { throw HarnessError(reason) }
        folder = NSTemporaryDirectory() + "agenthost-cluster-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.slots = slots
        self.lease = lease
        server = try PostgresServer(settings: settings)
        do {
            network = try NetworkNamespaces(count: hosts)
            try server.listen(on: network.bridgeAddress)
        } catch {
            server.stop()
            throw error
        }
    }

    deinit { stop() }

    /// Starts `agenthost node` on every host, serving `manifests`, and waits until each registered.
    /// - Throws: a ``HarnessError`` with the node's log when one exits or does not register in `timeout` s.
    public func startNodes(manifests: String, timeout: Double = 120) throws {
        for host in network.hosts { try startNode(on: host.name, manifests: manifests) }
        for host in network.hosts { try waitForRegistration(of: host.name, timeout: timeout) }
    }

    /// Starts `agenthost node --name <host>` in `host` (its log appended to `<folder>/node-<host>.log`).
    @discardableResult
    public func startNode(on host: String, manifests: String) throws -> SpawnedProcess {
        let command = ExternalCommand(
            agenthost,
            [
                "node", "--cluster", nodeURL, "--slots", "\(slots)", "--lease", "\(lease)", "--name", host,
                "--manifests", manifests, "--plugins", Self.buildFolder,
            ], in: folder, environment: ["AGENTHOST_MANIFEST_PATH": nil, "AGENTHOST_PLUGIN_PATH": nil])
        let process = try network.start(in: host, command, logFile: nodeLogFile(host))
        lock.withLock { nodes[host] = process }
        return process
    }

    /// Waits until the node of `host` is in the `nodes` table.
    public func waitForRegistration(of host: String, timeout: Double = 120) throws {
        let registered = waitUntil(timeout: timeout, while: node(host)) {
            (try? server.psql("select count(*) from nodes where name = '\(host)'")) == "1"
        }
        guard registered else {
            throw HarnessError(
                "the node in \(host) did not register within \(Int(timeout)) s; its log (\(nodeLogFile(host))):\n"
                    + nodeLog(host))
        }
    }

    /// The node process of `host`, if one was started.
    public func node(_ host: String) -> SpawnedProcess? { lock.withLock { nodes[host] } }

    /// The node's log file.
    public func nodeLogFile(_ host: String) -> String { folder + "/node-\(host).log" }

    /// What the node of `host` logged so far.
    public func nodeLog(_ host: String) -> String {
        (try? String(contentsOfFile: nodeLogFile(host), encoding: .utf8)) ?? ""
    }

    /// `agenthost arguments...` in the root namespace (the host side), without AGENTHOST_* paths.
    public func agenthostCommand(_ arguments: [String]) -> ExternalCommand {
        ExternalCommand(
            agenthost, arguments, in: folder,
            environment: ["AGENTHOST_MANIFEST_PATH": nil, "AGENTHOST_PLUGIN_PATH": nil, "AGENTHOST_DB": nil])
    }

    /// Starts `agenthost run REQUEST --cluster <hostURL> --id ID --db DB --json` with the workload's
    /// manifests; its output goes to `<folder>/host-<id>.log`.
    public func startRun(_ workload: ClusterWorkload, id: String, database: String) throws -> SpawnedProcess {
        try SpawnedProcess(
            agenthostCommand(
                ["run", workload.requestFile, "--cluster", hostURL, "--id", id] + hostOptions(workload, database)),
            logFile: folder + "/host-\(id).log")
    }

    /// `--manifests`, `--plugins`, `--db`, `--out` and `--json` for a host command on `workload`.
    public func hostOptions(_ workload: ClusterWorkload, _ database: String) -> [String] {
        [
            "--manifests", workload.manifestFolder, "--plugins", Self.buildFolder, "--db", database, "--out",
            folder + "/runs", "--json",
        ]
    }

    /// The rows of `attempt_queue` for `workflowId` (empty while the table does not exist).
    public func queue(workflowId: String) -> [Attempt] {
        let sql = """
            select agent, attempt, state, coalesce(node, ''), coalesce(extract(epoch from claimed_at)::text, ''),
              coalesce(extract(epoch from finished_at)::text, ''), coalesce(extract(epoch from created_at)::text, '')
            from attempt_queue where workflow_id = '\(workflowId)' order by agent, attempt
            """
        guard let text = try? server.psql(sql) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 7, let attempt = Int(fields[1]) else { return nil }
            return Attempt(
                agent: fields[0], attempt: attempt, state: fields[2], node: fields[3], claimedAt: Double(fields[4]),
                finishedAt: Double(fields[5]), createdAt: Double(fields[6]))
        }
    }

    /// Polls `condition` every 20 ms until it holds (true), `process` ends or `timeout` s pass (false).
    public func waitUntil(timeout: Double, while process: SpawnedProcess? = nil, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            if let process, !process.isRunning { return condition() }
            usleep(20_000)
        }
        return false
    }

    /// Stops every node (SIGKILL: nothing of theirs is kept), the namespaces and the server, and removes the folder.
    public func stop() {
        let running = lock.withLock {
            defer { nodes = [:] }
            return Array(nodes.values)
        }
        for process in running where process.isRunning {
            process.send(SIGKILL)
            process.wait()
        }
        network.remove()
        server.stop()
        if ProcessInfo.processInfo.environment["AGENTHOST_KEEP_CLUSTER"] == nil {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}
