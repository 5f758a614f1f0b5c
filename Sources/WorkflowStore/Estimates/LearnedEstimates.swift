import AgentCatalog
import GRDB
import WorkflowPlanning

/// Estimates learned from recorded runs: the median duration of each agent's most recent
/// completed runs, falling back to the manifest's `estimate_seconds` for an agent with no history.
///
/// History belongs to an agent's identity (`Manifest.identity`: name, version and a hash of its
/// code and contract). An agent is estimated from, in order: runs of its own identity; runs
/// recorded before identities were kept (schema v5), which count for any agent of that name;
/// runs of another version of an agent of that name (the most recently run one), and the
/// estimate then says which version (`learnedFromVersion`). Runs of an agent with the same name
/// and version but other code or contract (another manifest that reuses the name, such as
/// Examples/seed-graph) are never used.
///
/// A snapshot: it reads the completed runs (`agent_performance`) once, when made, and is a plain value after.
/// The median is used because one stalled or cached run should not move the estimate much.
public struct LearnedEstimates: EstimatesProvider, Sendable, Hashable {
    /// The recent durations of one identity, newest first.
    public struct History: Sendable, Hashable {
        /// `Manifest.identity` of the agent that ran.
        public var identity: String
        /// Its `version`.
        public var version: String
        /// Durations, newest first, at most `window`.
        public var durations: [Double]

        /// Creates a history.
        public init(identity: String, version: String, durations: [Double]) {
            self.identity = identity
            self.version = version
            self.durations = durations
        }
    }

    /// Recent durations per agent name of runs recorded without an identity, newest first.
    public var samples: [String: [Double]]
    /// Per agent name, the history of each identity that ran under it, most recently run first.
    public var histories: [String: [History]]
    /// How many recent runs per agent were considered.
    public var window: Int
    /// Why the history could not be read, when it could not (then every estimate is the manifest's).
    public var loadError: StoreError?

    /// Creates estimates from durations (newest first), e.g. for tests or another store.
    /// - Parameters:
    ///   - samples: durations per agent name of runs with no recorded identity.
    ///   - histories: durations per identity, grouped by agent name, most recently run first.
    public init(
        samples: [String: [Double]], histories: [String: [History]] = [:], window: Int = 20,
        loadError: StoreError? = nil
    ) {
        let window = max(1, window)
        self.window = window
        self.samples = samples.mapValues { Array($0.prefix(window)) }
        self.histories = histories.mapValues { list in
            list.map { History(identity: $0.identity, version: $0.version, durations: Array($0.durations.prefix(window))) }
        }
        self.loadError = loadError
    }

    /// The median of `agent`'s recent durations when it has history (see the type), else its
    /// manifest's estimate.
    public func estimate(for agent: Manifest) -> Estimate {
        let others = histories[agent.name] ?? []
        let identity = agent.identity
        if let own = others.first(where: { $0.identity == identity }), let median = Self.median(own.durations) {
            return Estimate(seconds: median, source: .learned(samples: own.durations.count))
        }
        if let durations = samples[agent.name], let median = Self.median(durations) {
            return Estimate(seconds: median, source: .learned(samples: durations.count))
        }
        if let other = others.first(where: { $0.version != agent.version }), let median = Self.median(other.durations) {
            return Estimate(
                seconds: median, source: .learned(samples: other.durations.count), learnedFromVersion: other.version)
        }
        return Estimate(seconds: agent.estimateSeconds, source: .manifest)
    }

    /// The learned figure for `name` alone, from runs without a recorded identity, else from
    /// its most recently run identity: (median seconds, sample count), or nil without history.
    public func learned(_ name: String) -> (seconds: Double, samples: Int)? {
        let durations = samples[name] ?? histories[name]?.first?.durations ?? []
        guard let median = Self.median(durations) else { return nil }
        return (median, durations.count)
    }

    /// The median of `values`; the mean of the middle two for an even count; nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension SQLiteStore {
    /// Learned estimates from the last `window` completed runs of every agent.
    ///
    /// Never throws: when the history cannot be read, the result falls back to manifest
    /// estimates and carries the reason in `loadError`.
    public func learnedEstimates(window: Int = 20) -> LearnedEstimates {
        let window = max(1, window)
        do {
            let rows = try read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT agent, agent_identity, agent_version, duration_seconds, finished_at FROM (
                            SELECT agent, agent_identity, agent_version, max(0, duration_seconds) AS duration_seconds,
                                finished_at,
                                row_number() OVER (
                                    PARTITION BY agent, coalesce(agent_identity, '')
                                    ORDER BY finished_at DESC, workflow_id DESC, attempt DESC
                                ) AS recency
                            FROM agent_runs WHERE status = 'completed' AND duration_seconds IS NOT NULL)
                        WHERE recency <= ? ORDER BY agent, recency
                        """,
                    arguments: [window])
            }
            var samples: [String: [Double]] = [:]
            var histories: [String: [String: (version: String, latest: Double, durations: [Double])]] = [:]
            for row in rows {
                let agent: String = row["agent"]
                let duration: Double = row["duration_seconds"]
                guard let identity: String = row["agent_identity"] else {
                    samples[agent, default: []].append(duration)
                    continue
                }
                let finished: Double = row["finished_at"] ?? 0
                var entry = histories[agent, default: [:]][identity] ?? (row["agent_version"] ?? "", finished, [])
                entry.latest = max(entry.latest, finished)
                entry.durations.append(duration)
                histories[agent, default: [:]][identity] = entry
            }
            let ordered = histories.mapValues { byIdentity in
                byIdentity.sorted { ($0.value.latest, $0.key) > ($1.value.latest, $1.key) }.map {
                    LearnedEstimates.History(identity: $0.key, version: $0.value.version, durations: $0.value.durations)
                }
            }
            return LearnedEstimates(samples: samples, histories: ordered, window: window)
        } catch {
            return LearnedEstimates(samples: [:], window: window, loadError: error)
        }
    }
}
