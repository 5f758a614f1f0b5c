import AgentCatalog
import GRDB
import WorkflowPlanning

/// Estimates learned from recorded runs: the median duration of each agent's most recent
/// completed runs, falling back to the manifest's `estimate_seconds` for an agent with no history.
///
/// A snapshot: it reads the completed runs (`agent_performance`) once, when made, and is a plain value after.
/// The median is used because one stalled or cached run should not move the estimate much.
public struct LearnedEstimates: EstimatesProvider, Sendable, Hashable {
    /// Recent durations per agent, newest first, at most `window` each.
    public var samples: [String: [Double]]
    /// How many recent runs per agent were considered.
    public var window: Int
    /// Why the history could not be read, when it could not (then every estimate is the manifest's).
    public var loadError: StoreError?

    /// Creates estimates from durations (newest first), e.g. for tests or another store.
    public init(samples: [String: [Double]], window: Int = 20, loadError: StoreError? = nil) {
        self.window = max(1, window)
        self.samples = samples.mapValues { Array($0.prefix(max(1, window))) }
        self.loadError = loadError
    }

    /// The median of `agent`'s recent durations when it has history, else its manifest's estimate.
    public func estimate(for agent: Manifest) -> Estimate {
        guard let durations = samples[agent.name], let median = Self.median(durations) else {
            return Estimate(seconds: agent.estimateSeconds, source: .manifest)
        }
        return Estimate(seconds: median, source: .learned(samples: durations.count))
    }

    /// The learned figure for `name` alone: (median seconds, sample count), or nil without history.
    public func learned(_ name: String) -> (seconds: Double, samples: Int)? {
        guard let durations = samples[name], let median = Self.median(durations) else { return nil }
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
                        SELECT agent, duration_seconds FROM (
                            SELECT agent, max(0, duration_seconds) AS duration_seconds,
                                row_number() OVER (
                                    PARTITION BY agent ORDER BY finished_at DESC, workflow_id DESC, attempt DESC
                                ) AS recency
                            FROM agent_runs WHERE status = 'completed' AND duration_seconds IS NOT NULL)
                        WHERE recency <= ? ORDER BY agent, recency
                        """,
                    arguments: [window])
            }
            var samples: [String: [Double]] = [:]
            for row in rows { samples[row["agent"], default: []].append(row["duration_seconds"]) }
            return LearnedEstimates(samples: samples, window: window)
        } catch {
            return LearnedEstimates(samples: [:], window: window, loadError: error)
        }
    }
}
