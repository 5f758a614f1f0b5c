import AgentCatalog
import Foundation
import PostgresNIO

/// What `agenthost cluster status` shows: the nodes with their agents and slots, the leases
/// held and the queue depth.
public struct ClusterStatus: Sendable {
    /// One registered node.
    public struct Node: Sendable {
        public var name: String
        public var slots: Int
        public var slotsInUse: Int
        public var leaseSeconds: Double
        /// Seconds since its last heartbeat.
        public var heartbeatAge: Double
        /// Whether its heartbeat is younger than its lease.
        public var live: Bool { heartbeatAge <= leaseSeconds }
        public var agents: [AgentRegistration]
    }

    /// One attempt a node holds.
    public struct Lease: Sendable {
        public var key: AttemptKey
        public var node: String
        /// Seconds left on the lease (negative once it ended and the reaper has not run yet).
        public var remaining: Double
    }

    public var nodes: [Node]
    public var leases: [Lease]
    /// Rows waiting for a node.
    public var queueDepth: Int
    /// Rows by state.
    public var counts: [String: Int]
    /// The schema version.
    public var schemaVersion: Int

    /// Reads the status.
    public static func read(_ database: ClusterDatabase) async throws -> ClusterStatus {
        let client = database.client
        let logger = database.logger
        var nodes: [Node] = []
        let nodeRows = try await client.query(
            """
            select name, slots, slots_in_use, lease_seconds, extract(epoch from now() - heartbeat_at)::float8
            from nodes order by name
            """, logger: logger)
        for try await (name, slots, inUse, lease, age) in nodeRows.decode((String, Int, Int, Double, Double).self) {
            nodes.append(Node(name: name, slots: slots, slotsInUse: inUse, leaseSeconds: lease, heartbeatAge: age, agents: []))
        }
        let agentRows = try await client.query(
            "select node, agent, version, plugin_sha256 from node_agents order by node, agent", logger: logger)
        for try await (node, agent, version, sha) in agentRows.decode((String, String, String, String).self) {
            guard let index = nodes.firstIndex(where: { $0.name == node }) else { continue }
            nodes[index].agents.append(AgentRegistration(agent: agent, version: version, pluginSha256: sha))
        }
        var leases: [Lease] = []
        let leaseRows = try await client.query(
            """
            select workflow_id, agent, attempt, node, extract(epoch from lease_until - now())::float8
            from attempt_queue where state = 'leased' order by node, lease_until
            """, logger: logger)
        for try await (workflow, agent, attempt, node, remaining) in leaseRows.decode(
            (String, String, Int, String, Double).self)
        {
            leases.append(
                Lease(key: AttemptKey(workflowId: workflow, agent: agent, attempt: attempt), node: node, remaining: remaining))
        }
        var counts: [String: Int] = [:]
        let countRows = try await client.query("select state, count(*) from attempt_queue group by state", logger: logger)
        for try await (state, count) in countRows.decode((String, Int).self) { counts[state] = count }
        let versions = try await ClusterSchema.appliedVersions(client, logger: logger)
        return ClusterStatus(
            nodes: nodes, leases: leases, queueDepth: counts["ready"] ?? 0, counts: counts,
            schemaVersion: versions.last ?? 0)
    }

    /// The status as JSON (`cluster status --json`; docs/CLUSTER.md).
    public var json: JSONValue {
        let nodeValues: [JSONValue] = nodes.map { node in
            .object([
                "name": .string(node.name), "slots": .integer(Int64(node.slots)),
                "slots_in_use": .integer(Int64(node.slotsInUse)), "lease_seconds": .number(node.leaseSeconds),
                "heartbeat_age_seconds": .number(node.heartbeatAge), "live": .bool(node.live),
                "agents": .array(
                    node.agents.map {
                        .object([
                            "name": .string($0.agent), "version": .string($0.version),
                            "sha256": .string($0.pluginSha256),
                        ])
                    }),
            ])
        }
        let leaseValues: [JSONValue] = leases.map {
            .object([
                "workflow_id": .string($0.key.workflowId), "agent": .string($0.key.agent),
                "attempt": .integer(Int64($0.key.attempt)), "node": .string($0.node),
                "remaining_seconds": .number($0.remaining),
            ])
        }
        var countObject: JSONObject = [:]
        for (state, count) in counts.sorted(by: { $0.key < $1.key }) { countObject[state] = .integer(Int64(count)) }
        return .object([
            "schema_version": .integer(Int64(schemaVersion)), "nodes": .array(nodeValues), "leases": .array(leaseValues),
            "queue_depth": .integer(Int64(queueDepth)), "attempts": .object(countObject),
        ])
    }
}
