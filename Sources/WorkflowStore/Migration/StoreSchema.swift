import GRDB

// Implementation notes
// Schema changes are named, append-only migrations ("v1", "v2", ...): never edit one that
// has shipped, add the next. Each migration also sets PRAGMA user_version to its number, so
// a newer database is recognised even by tools that do not know GRDB's grdb_migrations
// table. Opening a database that carries a migration or a user_version this build does not
// know is refused (StoreError.newerSchema) instead of writing to a schema we cannot read.

/// The store's schema: the numbered migrations, in order.
enum StoreSchema {
    /// The highest schema number this build knows.
    static let version = 5

    /// The migrator with every migration of this build.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: v3)
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: v4)
            try db.execute(sql: "PRAGMA user_version = 4")
        }
        migrator.registerMigration("v5") { db in
            try db.execute(sql: v5)
            try db.execute(sql: "PRAGMA user_version = 5")
        }
        return migrator
    }

    /// v1: the seed's three tables (plans, dependencies, live state) plus workflows, runs,
    /// outputs, the append-only event log, learned durations and cross-process control.
    static let v1 = """
        CREATE TABLE execution_plans (
            id TEXT PRIMARY KEY,
            created_at REAL NOT NULL,
            strategy TEXT NOT NULL,
            recovery TEXT,
            planned_sequence TEXT NOT NULL,
            parallel_groups TEXT NOT NULL,
            critical_path TEXT NOT NULL,
            estimated_seconds REAL,
            plan_json TEXT NOT NULL
        );
        CREATE TABLE plan_agents (
            plan_id TEXT NOT NULL REFERENCES execution_plans(id) ON DELETE CASCADE,
            agent TEXT NOT NULL,
            position INTEGER NOT NULL,
            group_index INTEGER,
            estimate_seconds REAL,
            estimate_source TEXT,
            critical INTEGER,
            max_retries INTEGER,
            timeout_seconds REAL,
            PRIMARY KEY (plan_id, agent)
        ) WITHOUT ROWID;
        CREATE TABLE agent_dependencies (
            plan_id TEXT NOT NULL REFERENCES execution_plans(id) ON DELETE CASCADE,
            agent TEXT NOT NULL,
            depends_on TEXT NOT NULL,
            dependency_type TEXT NOT NULL CHECK (dependency_type IN ('hard', 'soft', 'optional')),
            PRIMARY KEY (plan_id, agent, depends_on)
        ) WITHOUT ROWID;
        CREATE TABLE workflows (
            id TEXT PRIMARY KEY,
            plan_id TEXT NOT NULL REFERENCES execution_plans(id),
            state TEXT NOT NULL,
            title TEXT,
            request_json TEXT NOT NULL,
            request_file TEXT,
            created_at REAL NOT NULL,
            started_at REAL,
            finished_at REAL
        );
        CREATE INDEX workflows_by_created ON workflows(created_at);
        CREATE TABLE workflow_events (
            workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
            sequence INTEGER NOT NULL,
            type TEXT NOT NULL,
            agent TEXT,
            attempt INTEGER,
            timestamp REAL NOT NULL,
            progress REAL,
            message TEXT,
            data TEXT,
            PRIMARY KEY (workflow_id, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE agent_runs (
            workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
            agent TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
            started_at REAL NOT NULL,
            finished_at REAL,
            duration_seconds REAL,
            error TEXT,
            retryable INTEGER,
            timed_out INTEGER,
            signal INTEGER,
            worker_pid INTEGER,
            PRIMARY KEY (workflow_id, agent, attempt)
        ) WITHOUT ROWID;
        CREATE TABLE agent_outputs (
            workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
            agent TEXT NOT NULL,
            attempt INTEGER,
            sequence INTEGER NOT NULL,
            created_at REAL NOT NULL,
            output_json TEXT NOT NULL,
            PRIMARY KEY (workflow_id, agent)
        ) WITHOUT ROWID;
        CREATE TABLE agent_performance (
            id INTEGER PRIMARY KEY,
            agent TEXT NOT NULL,
            workflow_id TEXT NOT NULL,
            attempt INTEGER,
            duration_seconds REAL NOT NULL,
            recorded_at REAL NOT NULL
        );
        CREATE INDEX agent_performance_by_agent ON agent_performance(agent, id);
        CREATE TABLE workflow_state_live (
            workflow_id TEXT PRIMARY KEY REFERENCES workflows(id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            last_sequence INTEGER NOT NULL,
            running_agents TEXT NOT NULL,
            total_count INTEGER NOT NULL,
            waiting_count INTEGER NOT NULL,
            running_count INTEGER NOT NULL,
            completed_count INTEGER NOT NULL,
            failed_count INTEGER NOT NULL,
            skipped_count INTEGER NOT NULL,
            progress_percentage REAL NOT NULL,
            heartbeat_at REAL,
            host_pid INTEGER,
            estimated_completion_at REAL,
            updated_at REAL NOT NULL
        );
        CREATE TABLE agent_state_live (
            workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
            agent TEXT NOT NULL,
            position INTEGER NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            progress REAL,
            estimate_seconds REAL,
            started_at REAL,
            finished_at REAL,
            message TEXT,
            PRIMARY KEY (workflow_id, agent)
        ) WITHOUT ROWID;
        CREATE VIEW workflow_agents_by_state AS
            SELECT workflow_id,
                json_group_array(agent) FILTER (WHERE state = 'running') AS running_agents,
                json_group_array(agent) FILTER (WHERE state = 'completed') AS completed_agents,
                json_group_array(agent) FILTER (WHERE state = 'failed') AS failed_agents,
                json_group_array(agent) FILTER (WHERE state = 'waiting') AS waiting_agents,
                json_group_array(agent) FILTER (WHERE state = 'skipped') AS skipped_agents
            FROM (SELECT * FROM agent_state_live ORDER BY workflow_id, position)
            GROUP BY workflow_id;
        CREATE TABLE workflow_control (
            id INTEGER PRIMARY KEY,
            workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
            command TEXT NOT NULL CHECK (command IN ('cancel', 'pause', 'resume')),
            requested_at REAL NOT NULL,
            requested_by_pid INTEGER,
            consumed_at REAL
        );
        CREATE INDEX workflow_control_pending ON workflow_control(workflow_id, consumed_at);
        """
}

extension StoreSchema {
    /// v2: `agent_performance` becomes a view over completed `agent_runs`. Every completion
    /// wrote the same duration twice (the run row, then a performance row and its index
    /// entry): two B-tree pages more per commit for data the runs already hold. The view keeps
    /// the columns (`id` numbers completions in the order they finished).
    static let v2 = """
        DROP INDEX agent_performance_by_agent;
        DROP TABLE agent_performance;
        CREATE VIEW agent_performance AS
            SELECT row_number() OVER (ORDER BY finished_at, workflow_id, agent, attempt) AS id, agent, workflow_id,
                attempt, max(0, duration_seconds) AS duration_seconds, finished_at AS recorded_at
            FROM agent_runs WHERE status = 'completed' AND duration_seconds IS NOT NULL;
        """
}

extension StoreSchema {
    /// v3: fewer B-trees written per commit. A chain's commit (one agent's completion and the
    /// next one's start) wrote six pages; three of them only repeated what other rows hold.
    /// - The output moves into its `agent_runs` row (`output_json`, `output_sequence`), which
    ///   the completion writes anyway; `agent_outputs` becomes a view with the same columns.
    /// - `workflow_state_live` becomes a view: its per-event columns (running agents, counts,
    ///   progress, estimated completion) are written as one JSON array (`live`) on the last
    ///   event of each `record` call, a row on the log page being written anyway;
    ///   `last_sequence`, `updated_at` and the heartbeat come from the last event. What changes
    ///   only with the workflow's state or the heartbeat stays in the table `workflow_live`
    ///   (the former table, renamed), written on workflow-level events and heartbeats.
    static let v3 = """
        ALTER TABLE agent_runs ADD COLUMN output_json TEXT;
        ALTER TABLE agent_runs ADD COLUMN output_sequence INTEGER;
        INSERT OR IGNORE INTO agent_runs (workflow_id, agent, attempt, status, started_at, finished_at, duration_seconds)
            SELECT workflow_id, agent, coalesce(attempt, 1), 'completed', created_at, created_at, 0 FROM agent_outputs;
        UPDATE agent_runs SET (output_json, output_sequence) = (
            SELECT o.output_json, o.sequence FROM agent_outputs o
            WHERE o.workflow_id = agent_runs.workflow_id AND o.agent = agent_runs.agent
                AND coalesce(o.attempt, 1) = agent_runs.attempt)
        WHERE EXISTS (
            SELECT 1 FROM agent_outputs o WHERE o.workflow_id = agent_runs.workflow_id AND o.agent = agent_runs.agent
                AND coalesce(o.attempt, 1) = agent_runs.attempt);
        DROP TABLE agent_outputs;
        CREATE VIEW agent_outputs AS
            SELECT workflow_id, agent, attempt, output_sequence AS sequence, finished_at AS created_at, output_json
            FROM agent_runs r WHERE output_json IS NOT NULL AND attempt = (
                SELECT max(attempt) FROM agent_runs l
                WHERE l.workflow_id = r.workflow_id AND l.agent = r.agent AND l.output_json IS NOT NULL);
        ALTER TABLE workflow_events ADD COLUMN live TEXT;
        ALTER TABLE workflow_state_live RENAME TO workflow_live;
        CREATE VIEW workflow_state_live AS
            SELECT b.workflow_id, b.state, coalesce(e.sequence, b.last_sequence) AS last_sequence,
                coalesce(json_extract(e.live, '$[0]'), b.running_agents) AS running_agents,
                coalesce(json_extract(e.live, '$[1]'), b.total_count) AS total_count,
                coalesce(json_extract(e.live, '$[2]'), b.waiting_count) AS waiting_count,
                coalesce(json_extract(e.live, '$[3]'), b.running_count) AS running_count,
                coalesce(json_extract(e.live, '$[4]'), b.completed_count) AS completed_count,
                coalesce(json_extract(e.live, '$[5]'), b.failed_count) AS failed_count,
                coalesce(json_extract(e.live, '$[6]'), b.skipped_count) AS skipped_count,
                CAST(coalesce(json_extract(e.live, '$[7]'), b.progress_percentage) AS REAL) AS progress_percentage,
                CASE WHEN e.timestamp IS NULL THEN b.heartbeat_at
                    ELSE max(coalesce(b.heartbeat_at, 0), e.timestamp) END AS heartbeat_at,
                b.host_pid,
                CASE WHEN e.live IS NULL THEN b.estimated_completion_at
                    ELSE CAST(json_extract(e.live, '$[8]') AS REAL) END AS estimated_completion_at,
                coalesce(e.timestamp, b.updated_at) AS updated_at
            FROM workflow_live b
            LEFT JOIN workflow_events e ON e.workflow_id = b.workflow_id AND e.sequence = (
                SELECT m.sequence FROM workflow_events m WHERE m.workflow_id = b.workflow_id
                ORDER BY m.sequence DESC LIMIT 1);
        """
}

extension StoreSchema {
    /// v4: what a workflow was run with, so `resume` and `retry` load the same agents: the
    /// manifest folders and plugin folders (JSON arrays of absolute paths) and the folder
    /// agents resolve `campaign.sources` against. NULL for workflows recorded before v4.
    static let v4 = """
        ALTER TABLE workflows ADD COLUMN manifest_folders TEXT;
        ALTER TABLE workflows ADD COLUMN plugin_folders TEXT;
        ALTER TABLE workflows ADD COLUMN base_directory TEXT;
        """

    /// v5: each attempt records the agent's identity (`agent_version`, and `agent_identity`:
    /// name@version#hash of its code and contract, `Manifest.identity`), so learned estimates
    /// belong to one agent rather than to every agent of that name. Rows from earlier builds
    /// keep NULL there and count as history of any agent of their name.
    static let v5 = """
        ALTER TABLE agent_runs ADD COLUMN agent_version TEXT;
        ALTER TABLE agent_runs ADD COLUMN agent_identity TEXT;
        """
}
