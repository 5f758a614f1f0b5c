import AgentCatalog
import WorkflowEvents

// Implementation notes
// The realized critical path walks backwards from the agent that ended last: each step goes
// to the dependency (any type) that ended last before the agent first started, i.e. the one
// it was actually waiting for. When no dependency ended before the start (or there are
// none), the walk stops. Time an agent spent waiting after that dependency (for a slot, a
// resource or a pause) shows as its `wait_seconds`.

extension WorkflowAnalytics {
    /// Computes the analytics of a run from its stored facts; no I/O.
    /// - Parameters:
    ///   - status: the workflow's status (a fold of its events).
    ///   - runs: every attempt (`agent_runs`).
    ///   - dependencies: each agent's dependencies (`agent_dependencies`).
    ///   - estimates: the plan's estimate per agent; defaults to the status's.
    ///   - estimatedSeconds: the plan's estimated duration; defaults to the status's.
    public static func compute(
        status: WorkflowStatus, runs: [AgentRun], dependencies: [String: [String]],
        estimates: [String: Double] = [:], estimatedSeconds: Double? = nil
    ) -> WorkflowAnalytics {
        var runsByAgent: [String: [AgentRun]] = [:]
        for run in runs { runsByAgent[run.agent, default: []].append(run) }
        var order = status.order
        for agent in runsByAgent.keys.sorted() where status.agents[agent] == nil { order.append(agent) }

        var figures: [String: AgentFigures] = [:]
        for name in order {
            let record = status.agents[name]
            let attempts = (runsByAgent[name] ?? []).sorted { $0.attempt < $1.attempt }
            let last = attempts.last(where: { $0.status == .completed }) ?? attempts.last
            let startedAt = attempts.map(\.startedAt).min() ?? record?.startedAt
            let finishedAt = record?.state == .running ? nil : (last?.finishedAt ?? record?.finishedAt)
            figures[name] = AgentFigures(
                agent: name, state: record?.state ?? .waiting, attempts: max(record?.attempts ?? 0, attempts.count),
                estimatedSeconds: estimates[name] ?? record?.estimateSeconds,
                actualSeconds: last?.durationSeconds ?? last?.finishedAt.map { $0 - (last?.startedAt ?? $0) },
                attemptSeconds: attempts.reduce(0) { $0 + ($1.durationSeconds ?? 0) },
                spanSeconds: startedAt.flatMap { start in finishedAt.map { $0 - start } }, waitSeconds: nil,
                startedAt: startedAt, finishedAt: finishedAt, critical: false)
        }

        // Waits, and the binding dependency of each agent.
        var binding: [String: String] = [:]
        for name in order {
            guard let start = figures[name]?.startedAt else { continue }
            var latest: (agent: String, end: Double)?
            for dependency in dependencies[name] ?? [] {
                guard let end = figures[dependency]?.finishedAt, end <= start + 1e-9 else { continue }
                if latest == nil || end > latest!.end { latest = (dependency, end) }
            }
            if let latest {
                binding[name] = latest.agent
                figures[name]?.waitSeconds = max(0, start - latest.end)
            } else if let workflowStart = status.startedAt {
                figures[name]?.waitSeconds = max(0, start - workflowStart)
            }
        }

        // The realized critical path.
        var criticalPath: [String] = []
        let ended = order.compactMap { name in figures[name]?.finishedAt.map { (name, $0) } }
        if var current = ended.max(by: { $0.1 < $1.1 })?.0 {
            var seen: Set<String> = []
            while seen.insert(current).inserted {
                criticalPath.append(current)
                guard let previous = binding[current] else { break }
                current = previous
            }
            criticalPath.reverse()
        }
        for name in criticalPath { figures[name]?.critical = true }

        let end = status.finishedAt ?? status.lastTimestamp
        let actual = status.startedAt.flatMap { start in end.map { $0 - start } }
        var bottlenecks: [Bottleneck] = []
        if let actual, actual > 0 {
            bottlenecks = criticalPath.compactMap { name in
                guard let span = figures[name]?.spanSeconds, span > 0 else { return nil }
                return Bottleneck(agent: name, seconds: span, share: span / actual)
            }
            .sorted { $0.seconds != $1.seconds ? $0.seconds > $1.seconds : $0.agent < $1.agent }
            bottlenecks = Array(bottlenecks.prefix(3))
        }
        let retries = order.compactMap { name -> Retry? in
            guard let count = figures[name]?.attempts, count > 1 else { return nil }
            let errors = (runsByAgent[name] ?? []).sorted { $0.attempt < $1.attempt }
                .filter { $0.status != .completed }.map { $0.error ?? $0.status.rawValue }
            return Retry(agent: name, attempts: count, errors: errors)
        }
        var analytics = WorkflowAnalytics(
            workflowId: status.workflowId, state: status.state,
            estimatedSeconds: estimatedSeconds ?? status.estimatedSeconds, actualSeconds: actual,
            estimatedWorkSeconds: order.reduce(0) { $0 + (figures[$1]?.estimatedSeconds ?? 0) },
            actualWorkSeconds: order.reduce(0) { $0 + (figures[$1]?.attemptSeconds ?? 0) },
            agents: order.compactMap { figures[$0] }, criticalPath: criticalPath, bottlenecks: bottlenecks,
            retries: retries, recommendations: [])
        analytics.recommendations = analytics.advice(runs: runsByAgent)
        return analytics
    }

    /// Plain-sentence advice drawn from the figures.
    private func advice(runs: [String: [AgentRun]]) -> [String] {
        var advice: [String] = []
        if let estimated = estimatedSeconds, let actual = actualSeconds, estimated > 0, state == .completed {
            let ratio = actual / estimated
            if ratio > 1.25 || ratio < 0.8 {
                advice.append(
                    "The run took \(Self.seconds(actual)) against an estimate of \(Self.seconds(estimated)) (\(Self.format(ratio, digits: 2))x); plans made from now on use the learned durations.")
            }
        }
        if let top = bottlenecks.first, top.share >= 0.4 {
            advice.append(
                "\(top.agent) accounts for \(Int((top.share * 100).rounded())) % of the run on the critical path; splitting it or using a faster alternative shortens the whole workflow.")
        }
        for figures in agents {
            if let estimate = figures.estimatedSeconds, let actual = figures.actualSeconds, estimate > 0,
                actual > estimate * 1.5, actual - estimate >= 1
            {
                advice.append(
                    "\(figures.agent) ran \(Self.seconds(actual)), \(Self.format(actual / estimate, digits: 1))x its estimate of \(Self.seconds(estimate)).")
            }
        }
        for retry in retries {
            let attempts = runs[retry.agent] ?? []
            if attempts.contains(where: { $0.timedOut == true }) {
                advice.append("\(retry.agent) timed out \(attempts.filter { $0.timedOut == true }.count) time(s): raise its timeout_seconds or make it faster.")
            } else {
                let reason = retry.errors.first.map { " (first error: \($0))" } ?? ""
                advice.append("\(retry.agent) needed \(retry.attempts) attempts\(reason); look at what makes it fail.")
            }
        }
        let waiting = agents.filter { ($0.waitSeconds ?? 0) >= 1 && ($0.waitSeconds ?? 0) > 0.2 * ($0.spanSeconds ?? 0) && $0.critical }
        if let worst = waiting.max(by: { ($0.waitSeconds ?? 0) < ($1.waitSeconds ?? 0) }) {
            advice.append(
                "\(worst.agent) waited \(Self.seconds(worst.waitSeconds)) on the critical path after its dependencies finished: raise max_concurrency or the resource limits.")
        }
        for figures in agents where figures.state == .failed {
            advice.append("\(figures.agent) failed; a manifest `alternatives` entry or recovery retry_alternative could replace it.")
        }
        return advice
    }
}
