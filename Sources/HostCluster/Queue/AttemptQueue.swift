import AgentCatalog
import Foundation
import Logging
import PostgresNIO

// Implementation notes
// Every statement is one round trip and one short transaction: no row lock is ever held
// while an agent runs, so a node that vanishes holds nothing (docs/CLUSTER.md).
// Lease decisions take the time as an argument (`now`, seconds since 1970): nil means the
// database's clock, which is what the host and the nodes pass, so machines with skewed
// clocks agree; the tests pass their own times to step through expiry without sleeping.
// Notifications: `agenthost_work` tells nodes something changed (payload `ready` or
// `cancel`); `agenthost_attempts` tells hosts a row of a workflow changed (payload the
// workflow id). A missed notification costs one poll interval, nothing else.

/// The queue statements: what the host, the nodes and `cluster status` do to `attempt_queue`
/// and `nodes`.
public struct AttemptQueue: Sendable {
    /// The channel nodes listen on.
    public static let workChannel = "agenthost_work"
    /// The channel hosts listen on.
    public static let attemptsChannel = "agenthost_attempts"

    let client: PostgresClient
    let logger: Logger

    // MARK: - Host

    /// Inserts `attempt` as `ready` and wakes the nodes. An attempt already queued is left as it is.
    public func enqueue(_ attempt: QueuedAttempt, now: Double? = nil) async throws {
        let key = attempt.key
        try await client.query(
            """
            with i as (
              insert into attempt_queue(workflow_id, agent, attempt, agent_version, plugin_sha256, priority, state,
                                        input, created_at)
              values (\(key.workflowId), \(key.agent), \(key.attempt), \(attempt.agentVersion), \(attempt.pluginSha256),
                      \(attempt.priority), 'ready', \(ByteBuffer(bytes: attempt.input)),
                      coalesce(to_timestamp(\(now)::float8), now()))
              on conflict do nothing returning 1)
            select pg_notify('agenthost_work', 'ready') from i
            """, logger: logger)
    }

    /// The rows of `keys` that exist.
    public func rows(_ keys: [AttemptKey]) async throws -> [AttemptRow] {
        guard !keys.isEmpty else { return [] }
        let rows = try await client.query(
            """
            select q.workflow_id, q.agent, q.attempt, q.state, q.node, q.worker_pid, q.output::text, q.error::text
            from attempt_queue q
            join unnest(\(keys.map(\.workflowId))::text[], \(keys.map(\.agent))::text[], \(keys.map(\.attempt))::int8[])
              as k(workflow_id, agent, attempt)
              on q.workflow_id = k.workflow_id and q.agent = k.agent and q.attempt = k.attempt
            """, logger: logger)
        return try await Self.attemptRows(rows)
    }

    /// The row an attempt of `agent` should adopt instead of queueing a new one: its committed
    /// output (`done`, any attempt), else an earlier attempt still `ready` or `leased`; nil when
    /// there is none.
    public func adoptable(workflowId: String, agent: String) async throws -> AttemptRow? {
        let rows = try await client.query(
            """
            select workflow_id, agent, attempt, state, node, worker_pid, output::text, error::text
            from attempt_queue
            where workflow_id = \(workflowId) and agent = \(agent) and state in ('done', 'ready', 'leased')
            order by (state = 'done') desc, attempt desc limit 1
            """, logger: logger)
        return try await Self.attemptRows(rows).first
    }

    /// Every committed output of `workflowId`, by agent (what `resume --cluster` adopts).
    public func committedOutputs(workflowId: String) async throws -> [String: AttemptRow] {
        let rows = try await client.query(
            """
            select workflow_id, agent, attempt, state, node, worker_pid, output::text, error::text
            from attempt_queue where workflow_id = \(workflowId) and state = 'done'
            """, logger: logger)
        var result: [String: AttemptRow] = [:]
        for row in try await Self.attemptRows(rows) { result[row.key.agent] = row }
        return result
    }

    /// Asks that `key` stop: a `ready` row is cancelled at once (true), a `leased` one is marked
    /// for its node, which cancels it at its next renewal or notification.
    @discardableResult
    public func cancel(_ key: AttemptKey, reason: String, now: Double? = nil) async throws -> Bool {
        let rows = try await client.query(
            """
            with c as (
              update attempt_queue set
                cancel_requested = \(reason),
                state = case when state = 'ready' then 'cancelled' else state end,
                error = case when state = 'ready'
                  then jsonb_build_object('message', \(reason)::text, 'retryable', false, 'cancelled', true) else error end,
                finished_at = case when state = 'ready' then coalesce(to_timestamp(\(now)::float8), now()) else finished_at end
              where workflow_id = \(key.workflowId) and agent = \(key.agent) and attempt = \(key.attempt)
                and state in ('ready', 'leased')
              returning state)
            select state, pg_notify('agenthost_work', 'cancel') is null from c
            """, logger: logger)
        var cancelled = false
        for try await (state, _) in rows.decode((String, Bool).self) { cancelled = state == "cancelled" }
        return cancelled
    }

    /// The reaper: every `leased` row of `workflowIds` whose lease ended before `now` becomes
    /// `lost` ("node NAME lost", retryable). Returns those rows.
    public func reap(workflowIds: [String], now: Double? = nil) async throws -> [AttemptRow] {
        guard !workflowIds.isEmpty else { return [] }
        let rows = try await client.query(
            """
            with l as (
              update attempt_queue set state = 'lost',
                error = jsonb_build_object('message', 'node ' || node || ' lost (its lease ended)', 'retryable', true),
                finished_at = coalesce(to_timestamp(\(now)::float8), now())
              where state = 'leased' and workflow_id = any(\(workflowIds)::text[])
                and lease_until < coalesce(to_timestamp(\(now)::float8), now())
              returning workflow_id, agent, attempt, state, node, worker_pid, output, error)
            select workflow_id, agent, attempt, state, node, worker_pid, output::text, error::text from l
            """, logger: logger)
        return try await Self.attemptRows(rows)
    }

    /// What live nodes registered: a node is live while its last heartbeat is younger than its lease.
    public func liveRegistrations(now: Double? = nil) async throws -> [(node: String, agent: AgentRegistration)] {
        let rows = try await client.query(
            """
            select n.name, a.agent, a.version, a.plugin_sha256 from nodes n join node_agents a on a.node = n.name
            where n.heartbeat_at + make_interval(secs => n.lease_seconds) >= coalesce(to_timestamp(\(now)::float8), now())
            order by a.agent, n.name
            """, logger: logger)
        var result: [(node: String, agent: AgentRegistration)] = []
        for try await (node, agent, version, sha) in rows.decode((String, String, String, String).self) {
            result.append((node, AgentRegistration(agent: agent, version: version, pluginSha256: sha)))
        }
        return result
    }

    // MARK: - Node

    /// Registers node `name` with its slots, lease and agents (replacing an earlier registration).
    public func register(
        node name: String, slots: Int, leaseSeconds: Double, pid: Int32, agents: [AgentRegistration],
        now: Double? = nil
    ) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                """
                insert into nodes(name, slots, slots_in_use, lease_seconds, pid, started_at, heartbeat_at)
                values (\(name), \(slots), 0, \(leaseSeconds), \(Int(pid)),
                        coalesce(to_timestamp(\(now)::float8), now()), coalesce(to_timestamp(\(now)::float8), now()))
                on conflict (name) do update set slots = excluded.slots, slots_in_use = 0,
                  lease_seconds = excluded.lease_seconds, pid = excluded.pid, started_at = excluded.started_at,
                  heartbeat_at = excluded.heartbeat_at
                """, logger: logger)
            try await connection.query("delete from node_agents where node = \(name)", logger: logger)
            try await connection.query(
                """
                insert into node_agents(node, agent, version, plugin_sha256)
                select \(name), * from unnest(\(agents.map(\.agent))::text[], \(agents.map(\.version))::text[],
                                              \(agents.map(\.pluginSha256))::text[])
                """, logger: logger)
        }
    }

    /// Removes node `name` (it stopped); its leased rows, if any are left, expire as usual.
    public func deregister(node name: String) async throws {
        try await client.query("delete from nodes where name = \(name)", logger: logger)
    }

    /// Claims up to `limit` ready attempts node `name` registered (agent and sha256), highest
    /// priority first, with `FOR UPDATE SKIP LOCKED`: two claimers never get the same row.
    public func claim(
        node name: String, limit: Int, leaseSeconds: Double, now: Double? = nil
    ) async throws -> [ClaimedAttempt] {
        guard limit > 0 else { return [] }
        let rows = try await client.query(
            """
            with c as (
              update attempt_queue q set state = 'leased', node = \(name),
                claimed_at = coalesce(to_timestamp(\(now)::float8), now()),
                lease_until = coalesce(to_timestamp(\(now)::float8), now()) + make_interval(secs => \(leaseSeconds))
              where (q.workflow_id, q.agent, q.attempt) in (
                select r.workflow_id, r.agent, r.attempt from attempt_queue r
                join node_agents a on a.node = \(name) and a.agent = r.agent and a.plugin_sha256 = r.plugin_sha256
                where r.state = 'ready'
                order by r.priority desc, r.created_at, r.workflow_id, r.agent
                for update of r skip locked limit \(limit))
              returning q.workflow_id, q.agent, q.attempt, q.agent_version, q.plugin_sha256, q.priority, q.input)
            select c.*, pg_notify('agenthost_attempts', c.workflow_id) is null from c
            """, logger: logger)
        var claimed: [ClaimedAttempt] = []
        for try await (workflow, agent, attempt, version, sha, priority, input, _) in rows.decode(
            (String, String, Int, String, String, Double, ByteBuffer, Bool).self)
        {
            claimed.append(
                ClaimedAttempt(
                    key: AttemptKey(workflowId: workflow, agent: agent, attempt: attempt), agentVersion: version,
                    pluginSha256: sha, priority: priority, input: Array(input.readableBytesView)))
        }
        return claimed.sorted { $0.priority > $1.priority }
    }

    /// The heartbeat, one statement: the node's `heartbeat_at` and every lease it holds are
    /// renewed; the answer is what it still holds (a row the reaper took is missing) and what the
    /// host asked to cancel.
    public func renew(
        node name: String, leaseSeconds: Double, slotsInUse: Int, now: Double? = nil
    ) async throws -> Renewal {
        let rows = try await client.query(
            """
            with h as (
              update nodes set heartbeat_at = coalesce(to_timestamp(\(now)::float8), now()), slots_in_use = \(slotsInUse)
              where name = \(name) returning name)
            update attempt_queue set
              lease_until = coalesce(to_timestamp(\(now)::float8), now()) + make_interval(secs => \(leaseSeconds))
            where node = \(name) and state = 'leased'
            returning workflow_id, agent, attempt, cancel_requested, (select count(*) from h)
            """, logger: logger)
        var held: [AttemptKey: String?] = [:]
        for try await (workflow, agent, attempt, cancel, _) in rows.decode((String, String, Int, String?, Int).self) {
            held[AttemptKey(workflowId: workflow, agent: agent, attempt: attempt)] = .some(cancel)
        }
        return Renewal(held: held)
    }

    /// Writes an attempt's end back, fenced by (workflow, agent, attempt, node, state='leased'):
    /// false when the row moved on (the reaper took it, another attempt committed first): the
    /// report is refused and nothing changes.
    public func complete(
        _ key: AttemptKey, node name: String, report: AttemptReport, workerPid: Int32?, now: Double? = nil
    ) async throws -> Bool {
        let state: String
        let output: String?
        let error: String?
        switch report {
        case .succeeded(let object):
            (state, output, error) = ("done", JSONValue.object(object).compactText, nil)
        case .failed(let failure):
            (state, output, error) = ("failed", nil, failure.json.compactText)
        }
        do {
            let rows = try await client.query(
                """
                with d as (
                  update attempt_queue set state = \(state), output = \(output)::jsonb, error = \(error)::jsonb,
                    worker_pid = \(workerPid.map { Int($0) }), finished_at = coalesce(to_timestamp(\(now)::float8), now())
                  where workflow_id = \(key.workflowId) and agent = \(key.agent) and attempt = \(key.attempt)
                    and node = \(name) and state = 'leased'
                  returning workflow_id)
                select pg_notify('agenthost_attempts', workflow_id) from d
                """, logger: logger)
            var accepted = false
            for try await _ in rows { accepted = true }
            return accepted
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // Another attempt of the agent committed its output first: this one is refused.
            return false
        }
    }

    /// Puts attempts node `name` still holds back to `ready` (it is stopping without running them).
    public func handBack(_ keys: [AttemptKey], node name: String) async throws {
        guard !keys.isEmpty else { return }
        try await client.query(
            """
            with b as (
              update attempt_queue q set state = 'ready', node = null, lease_until = null, claimed_at = null
              from unnest(\(keys.map(\.workflowId))::text[], \(keys.map(\.agent))::text[], \(keys.map(\.attempt))::int8[])
                as k(workflow_id, agent, attempt)
              where q.workflow_id = k.workflow_id and q.agent = k.agent and q.attempt = k.attempt
                and q.node = \(name) and q.state = 'leased'
              returning 1)
            select pg_notify('agenthost_work', 'ready') from b limit 1
            """, logger: logger)
    }

    // MARK: - Reading rows

    static func attemptRows(_ rows: PostgresRowSequence) async throws -> [AttemptRow] {
        var result: [AttemptRow] = []
        for try await (workflow, agent, attempt, state, node, pid, output, error) in rows.decode(
            (String, String, Int, String, String?, Int?, String?, String?).self)
        {
            guard let state = AttemptState(rawValue: state) else {
                throw ClusterError.badRow("attempt \(workflow)/\(agent)#\(attempt) has unknown state '\(state)'")
            }
            let outputValue = try output.map { try JSONValue(parsing: $0) }
            let errorValue = try error.map { try JSONValue(parsing: $0) }
            result.append(
                AttemptRow(
                    key: AttemptKey(workflowId: workflow, agent: agent, attempt: attempt), state: state, node: node,
                    workerPid: pid.map { Int32($0) }, output: outputValue?.objectValue,
                    error: errorValue.map { AttemptFailure(json: $0) }))
        }
        return result
    }
}
