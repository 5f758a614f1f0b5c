import Logging
import PostgresNIO

/// The cluster schema as numbered, append-only migrations (docs/CLUSTER.md), as the SQLite
/// store does it: `cluster_migrations` holds the versions applied; each migration runs in one
/// transaction under an advisory lock, so nodes and hosts that start together migrate once.
public enum ClusterSchema {
    /// One migration: its statements run in order in one transaction.
    struct Migration {
        var version: Int
        var name: String
        var statements: [PostgresQuery]
    }

    /// Every migration, in order. Append only: never edit one that shipped.
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "attempt_queue and nodes",
            statements: [
                """
                create table nodes(
                  name text primary key,
                  slots int not null,
                  slots_in_use int not null default 0,
                  lease_seconds double precision not null,
                  pid int not null,
                  started_at timestamptz not null,
                  heartbeat_at timestamptz not null)
                """,
                """
                create table node_agents(
                  node text not null references nodes(name) on delete cascade,
                  agent text not null,
                  version text not null,
                  plugin_sha256 text not null,
                  primary key (node, agent))
                """,
                """
                create table attempt_queue(
                  workflow_id text not null,
                  agent text not null,
                  attempt int not null,
                  agent_version text not null,
                  plugin_sha256 text not null,
                  priority double precision not null,
                  state text not null check (state in ('ready', 'leased', 'done', 'failed', 'lost', 'cancelled')),
                  node text,
                  lease_until timestamptz,
                  claimed_at timestamptz,
                  cancel_requested text,
                  worker_pid int,
                  input bytea not null,
                  output jsonb,
                  error jsonb,
                  created_at timestamptz not null,
                  finished_at timestamptz,
                  primary key (workflow_id, agent, attempt))
                """,
                "create index attempt_queue_ready on attempt_queue(priority desc, created_at) where state = 'ready'",
                "create index attempt_queue_leased on attempt_queue(node, lease_until) where state = 'leased'",
                // At most one committed output per agent of a workflow, whatever the attempts.
                "create unique index attempt_queue_one_output on attempt_queue(workflow_id, agent) where state = 'done'",
            ]),
    ]

    /// The newest version this agenthost knows.
    public static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies the migrations not applied yet.
    /// - Throws: `ClusterError` naming the migration that failed (it was rolled back), or when
    ///   the database is newer than this agenthost.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        // Under the migrators' lock: two `create table if not exists` at once can both try to
        // create it (PostgreSQL checks before it locks), and one fails on a duplicate key.
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("select pg_advisory_xact_lock(7242017)", logger: logger)
            try await connection.query(
                """
                create table if not exists cluster_migrations(
                  version int primary key, name text not null, applied_at timestamptz not null default now())
                """, logger: logger)
        }
        for migration in migrations {
            do {
                try await client.withTransaction(logger: logger) { connection in
                    // One migrator at a time; the others wait here and then find it applied.
                    try await connection.query("select pg_advisory_xact_lock(7242017)", logger: logger)
                    let rows = try await connection.query(
                        "select coalesce(max(version), 0) from cluster_migrations", logger: logger)
                    var current = 0
                    for try await version in rows.decode(Int.self) { current = version }
                    if current > latestVersion { throw ClusterError.newerSchema(current, known: latestVersion) }
                    guard current < migration.version else { return }
                    for statement in migration.statements { try await connection.query(statement, logger: logger) }
                    try await connection.query(
                        "insert into cluster_migrations(version, name) values (\(migration.version), \(migration.name))",
                        logger: logger)
                }
            } catch let error as ClusterError {
                throw error
            } catch let error as PostgresTransactionError {
                if let inner = error.closureError as? ClusterError { throw inner }
                throw ClusterError.migration(migration.version, migration.name, error.closureError ?? error)
            } catch {
                throw ClusterError.migration(migration.version, migration.name, error)
            }
        }
    }

    /// The versions applied, in order.
    public static func appliedVersions(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        var versions: [Int] = []
        let rows = try await client.query("select version from cluster_migrations order by version", logger: logger)
        for try await version in rows.decode(Int.self) { versions.append(version) }
        return versions
    }
}
