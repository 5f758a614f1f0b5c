import AgentCatalog
import WorkflowEvents

/// What a run did against what its plan expected: per-agent and total estimated vs actual
/// time, the realized critical path, bottlenecks, retries and advice.
///
/// Computed by `WorkflowAnalytics.compute` from stored data alone (a pure function);
/// `SQLiteStore.analytics(workflowId:)` loads that data.
public struct WorkflowAnalytics: Sendable, Hashable {
    /// One agent's figures.
    public struct AgentFigures: Sendable, Hashable {
        /// The agent's name.
        public var agent: String
        /// Its final state.
        public var state: WorkflowStatus.AgentState
        /// Attempts made.
        public var attempts: Int
        /// The plan's estimate for one run.
        public var estimatedSeconds: Double?
        /// How long its last attempt ran (the successful one when it succeeded).
        public var actualSeconds: Double?
        /// Time spent in all attempts together.
        public var attemptSeconds: Double
        /// From its first start to its end, retries and backoff included.
        public var spanSeconds: Double?
        /// Seconds between its last dependency finishing and its first start (queueing).
        public var waitSeconds: Double?
        /// When it first started and when it ended.
        public var startedAt: Double?, finishedAt: Double?
        /// Whether it is on the realized critical path.
        public var critical: Bool
    }

    /// An agent that held up the run.
    public struct Bottleneck: Sendable, Hashable {
        /// The agent.
        public var agent: String
        /// Its span on the realized critical path.
        public var seconds: Double
        /// That span as a share of the whole run, 0 to 1.
        public var share: Double
    }

    /// An agent that needed more than one attempt.
    public struct Retry: Sendable, Hashable {
        /// The agent.
        public var agent: String
        /// Attempts made.
        public var attempts: Int
        /// The errors of the failed attempts, in order.
        public var errors: [String]
    }

    /// The workflow.
    public var workflowId: String
    /// Its state.
    public var state: WorkflowStatus.State
    /// The plan's estimated duration.
    public var estimatedSeconds: Double?
    /// From start to end (or to the last event when still running).
    public var actualSeconds: Double?
    /// Sum of the planned agents' estimates, and of the time actually spent in attempts.
    public var estimatedWorkSeconds: Double, actualWorkSeconds: Double
    /// Every agent, in plan order.
    public var agents: [AgentFigures]
    /// The chain of agents that decided the run's length, first to last.
    public var criticalPath: [String]
    /// Largest shares of the critical path, largest first.
    public var bottlenecks: [Bottleneck]
    /// Agents retried.
    public var retries: [Retry]
    /// Advice in plain sentences.
    public var recommendations: [String]
}

// MARK: - JSON and text

extension WorkflowAnalytics {
    /// The analytics as JSON with snake_case keys.
    public var json: JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
        return [
            "workflow_id": .string(workflowId), "state": .string(state.rawValue),
            "estimated_seconds": number(estimatedSeconds), "actual_seconds": number(actualSeconds),
            "estimated_work_seconds": .number(estimatedWorkSeconds), "actual_work_seconds": .number(actualWorkSeconds),
            "agents": .array(
                agents.map { figures in
                    [
                        "agent": .string(figures.agent), "state": .string(figures.state.rawValue),
                        "attempts": .integer(Int64(figures.attempts)),
                        "estimated_seconds": number(figures.estimatedSeconds),
                        "actual_seconds": number(figures.actualSeconds),
                        "attempt_seconds": .number(figures.attemptSeconds), "span_seconds": number(figures.spanSeconds),
                        "wait_seconds": number(figures.waitSeconds), "started_at": number(figures.startedAt),
                        "finished_at": number(figures.finishedAt), "critical": .bool(figures.critical),
                    ]
                }),
            "critical_path": .array(criticalPath.map { .string($0) }),
            "bottlenecks": .array(
                bottlenecks.map { ["agent": .string($0.agent), "seconds": .number($0.seconds), "share": .number($0.share)] }),
            "retries": .array(
                retries.map {
                    ["agent": .string($0.agent), "attempts": .integer(Int64($0.attempts)),
                     "errors": .array($0.errors.map { .string($0) })]
                }),
            "recommendations": .array(recommendations.map { .string($0) }),
        ]
    }

    /// A plain-text report: a table of agents, then totals, critical path, bottlenecks and advice.
    public var table: String {
        let header = ["agent", "state", "tries", "estimate", "actual", "ratio", "wait", "critical"]
        var rows = [header]
        for figures in agents {
            let ratio: String
            if let estimate = figures.estimatedSeconds, let actual = figures.actualSeconds, estimate > 0 {
                ratio = Self.format(actual / estimate, digits: 2) + "x"
            } else {
                ratio = "-"
            }
            rows.append([
                figures.agent, figures.state.rawValue, "\(figures.attempts)", Self.seconds(figures.estimatedSeconds),
                Self.seconds(figures.actualSeconds), ratio, Self.seconds(figures.waitSeconds), figures.critical ? "*" : "",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.indices.map { column in
                let cell = row[column]
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 || column == 1 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        lines.insert(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "), at: 1)
        lines.append("")
        lines.append("workflow \(workflowId): \(state.rawValue); estimated \(Self.seconds(estimatedSeconds)), actual \(Self.seconds(actualSeconds)); work estimated \(Self.seconds(estimatedWorkSeconds)), spent \(Self.seconds(actualWorkSeconds))")
        lines.append("critical path: \(criticalPath.isEmpty ? "-" : criticalPath.joined(separator: " -> "))")
        if !bottlenecks.isEmpty {
            lines.append("bottlenecks: " + bottlenecks.map { "\($0.agent) \(Self.seconds($0.seconds)) (\(Int(($0.share * 100).rounded())) %)" }.joined(separator: ", "))
        }
        if !retries.isEmpty {
            lines.append("retries: " + retries.map { "\($0.agent) x\($0.attempts)" }.joined(separator: ", "))
        }
        for recommendation in recommendations { lines.append("- \(recommendation)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A duration (DurationText), or "-" when unknown.
    static func seconds(_ value: Double?) -> String {
        value.map(DurationText.describe) ?? "-"
    }

    static func format(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 {
            text += "." + String(repeating: "0", count: digits)
        }
        return text
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
