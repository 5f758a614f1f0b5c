import AgentCatalog

/// Writes a plan's recommendations: plain sentences a person can act on.
///
/// Each one is backed by a figure from the analysis or from one extra simulation (the
/// adaptive schedule with one more slot, or the adaptive strategy when another was asked).
struct Advisor {
    let graph: DependencyGraph
    let analysis: GraphAnalysis
    let schedule: Schedule
    let request: WorkflowRequest
    let limits: [Int]

    /// How many agents with slack are named.
    static let slackMentions = 3

    func recommendations(notes: [String], dropped: [DroppedAgent], bottlenecks: [Bottleneck]) throws(PlanningError) -> [String] {
        var advice: [String] = []
        let bound = analysis.criticalPathSeconds
        let tolerance = 1e-9 * max(1, bound)

        // Strategy and concurrency.
        switch request.strategy {
        case .adaptive:
            if schedule.estimatedSeconds > bound + tolerance, schedule.peakConcurrency >= request.maxConcurrency {
                let wider = try graph.adaptiveEstimate(
                    analysis: analysis, maxConcurrency: request.maxConcurrency + 1, limits: limits)
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
            let adaptive = try graph.adaptiveEstimate(
                analysis: analysis, maxConcurrency: request.maxConcurrency, limits: limits)
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
        var best: [(slack: Double, index: Int)] = []
        for index in 0..<graph.count {
            let slack = analysis.slack(index)
            guard slack > tolerance else { continue }
            if best.count < Self.slackMentions || slack > best[best.count - 1].slack {
                best.append((slack, index))
                best.sort { $0.slack != $1.slack ? $0.slack > $1.slack : $0.index < $1.index }
                if best.count > Self.slackMentions { best.removeLast() }
            }
        }
        for entry in best {
            advice.append("\(graph.name(of: entry.index)) has \(Self.seconds(entry.slack)) of slack")
        }

        // Agents that are not parallel_safe.
        if let safe = graph.parallelSafe {
            var unsafe: [Int] = []
            for index in 0..<graph.count where !safe[index] { unsafe.append(index) }
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
