import AgentCatalog

/// Writes a plan's recommendations: plain sentences a person can act on.
///
/// Each one is backed by a figure from the analysis or from one extra simulation (the
/// adaptive schedule with one more slot, or the adaptive strategy when another was asked);
/// on large graphs that simulation runs on another core at the same time as the plan's own.
struct Advisor {
    let graph: DependencyGraph
    let analysis: GraphAnalysis
    let schedule: Schedule
    let request: WorkflowRequest
    let limits: [Int]
    /// The adaptive estimate at `Self.comparison(for:graph:)` slots when it was simulated
    /// already (beside the plan's own schedule); `nil` to simulate it here when needed.
    var comparison: Result<Double, PlanningError>? = nil

    /// How many agents with slack are named.
    static let slackMentions = 3

    /// From this many agents up, the comparison runs on another core beside the schedule.
    static let concurrentComparisonThreshold = 20_000

    /// The concurrency of the adaptive simulation the recommendations may compare the plan
    /// with: one more slot for an adaptive plan (needed only when the plan turns out above its
    /// critical path with every slot busy), the same for the other strategies (always
    /// needed); `nil` when no comparison can be needed (fewer agents than slots).
    static func comparison(for request: WorkflowRequest, graph: DependencyGraph) -> Int? {
        switch request.strategy {
        case .adaptive: return request.maxConcurrency < graph.count ? request.maxConcurrency + 1 : nil
        case .sequential, .parallel: return request.maxConcurrency
        }
    }

    /// The adaptive estimate at `maxConcurrency` slots: the one simulated beside the
    /// schedule, or a simulation now.
    private func adaptiveEstimate(maxConcurrency: Int) throws(PlanningError) -> Double {
        if let comparison, maxConcurrency == Self.comparison(for: request, graph: graph) { return try comparison.get() }
        return try graph.adaptiveEstimate(analysis: analysis, maxConcurrency: maxConcurrency, limits: limits)
    }

    func recommendations(notes: [String], dropped: [DroppedAgent], bottlenecks: [Bottleneck]) throws(PlanningError) -> [String] {
        var advice: [String] = []
        let bound = analysis.criticalPathSeconds
        let tolerance = 1e-9 * max(1, bound)

        // Strategy and concurrency.
        switch request.strategy {
        case .adaptive:
            if schedule.estimatedSeconds > bound + tolerance, schedule.peakConcurrency >= request.maxConcurrency {
                let wider = try adaptiveEstimate(maxConcurrency: request.maxConcurrency + 1)
                let saving = schedule.estimatedSeconds - wider
                if saving > tolerance {
                    advice.append(
                        "raising max_concurrency from \(request.maxConcurrency) to \(request.maxConcurrency + 1) saves \(Self.seconds(saving))")
                }
            } else if schedule.estimatedSeconds > bound + tolerance {
                advice.append(
                    "resource limits keep the plan \(Self.seconds(schedule.estimatedSeconds - bound)) above its critical path")
            } else if request.maxConcurrency > schedule.peakConcurrency, graph.count > 0 {
                advice.append(
                    "the plan already runs at its critical path; at most \(schedule.peakConcurrency) agents run at once, so max_concurrency \(request.maxConcurrency) is more than needed")
            }
        case .sequential, .parallel:
            let adaptive = try adaptiveEstimate(maxConcurrency: request.maxConcurrency)
            if adaptive + tolerance < schedule.estimatedSeconds {
                advice.append(
                    "the adaptive strategy would finish in \(Self.seconds(adaptive)) instead of \(Self.seconds(schedule.estimatedSeconds))")
            }
        }

        // The largest bottleneck.
        if let top = bottlenecks.first, bound > 0 {
            advice.append(
                "\(top.agent) is \(Int((top.share * 100).rounded())) % of the critical path (\(Self.seconds(top.seconds))); a faster \(top.agent) shortens the plan")
        }

        // Agents with the most slack.
        // Visited in tie-break order, so equal slack names the agents with the lowest keys.
        var best: [(slack: Double, key: Int)] = []
        for key in 0..<graph.count {
            let slack = analysis.slack(graph.agent(withKey: key))
            guard slack > tolerance else { continue }
            if best.count < Self.slackMentions || slack > best[best.count - 1].slack {
                best.append((slack, key))
                best.sort { $0.slack != $1.slack ? $0.slack > $1.slack : $0.key < $1.key }
                if best.count > Self.slackMentions { best.removeLast() }
            }
        }
        for entry in best {
            advice.append("\(graph.name(of: graph.agent(withKey: entry.key))) has \(Self.seconds(entry.slack)) of slack")
        }

        // Agents that are not parallel_safe.
        if let safe = graph.parallelSafe {
            var unsafe: [Int] = []
            for key in 0..<graph.count where !safe[graph.agent(withKey: key)] { unsafe.append(graph.agent(withKey: key)) }
            for index in unsafe.prefix(3) {
                let waiting = graph.dependents(of: index).count
                advice.append(
                    "\(graph.name(of: index)) is not parallel_safe: it never runs twice at once, and \(waiting) agent\(waiting == 1 ? "" : "s") wait\(waiting == 1 ? "s" : "") on it")
            }
            if unsafe.count > 3 { advice.append("\(unsafe.count - 3) more agents are not parallel_safe") }
        }

        advice += notes
        for entry in dropped { advice.append("\(entry.agent) is left out: \(entry.reason)") }
        return advice
    }

    /// A duration for recommendations and tables (DurationText).
    static func seconds(_ value: Double) -> String { DurationText.describe(value) }
}
