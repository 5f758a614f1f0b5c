/// Timing facts of a dependency graph with unlimited concurrency: levels, earliest starts,
/// remaining critical path per agent, slack and one critical path.
///
/// Implementation notes: one Kahn pass (FIFO) yields a topological order, levels and
/// earliest starts; one reverse pass yields each agent's remaining path (its own duration
/// plus the longest chain of dependents), which is also the adaptive strategy's priority.
/// Slack is `criticalPathSeconds - earliestStart - remaining`. The critical path follows
/// recorded argmax links, so it is exact without floating-point comparisons; equal
/// remaining paths are broken by the lowest tie-break key. O(V + E).
public struct GraphAnalysis: Sendable {
    /// A topological order (dependencies first).
    public let topologicalOrder: [Int32]
    /// Dependency level: 0 for agents without dependencies, else 1 + the deepest dependency's.
    public let levels: [Int32]
    /// Number of levels.
    public let levelCount: Int
    /// Earliest start with unlimited concurrency.
    public let earliestStart: [Double]
    /// Own duration plus the longest chain of dependents: the agent's priority.
    public let remaining: [Double]
    /// Length of the longest path.
    public let criticalPathSeconds: Double
    /// One longest path, dependencies first (ties broken by lowest tie-break key).
    public let criticalPath: [Int32]
    /// Sum of all durations.
    public let totalWorkSeconds: Double

    /// How long agent `index` can be delayed without delaying the whole plan.
    public func slack(_ index: Int) -> Double {
        max(0, criticalPathSeconds - earliestStart[index] - remaining[index])
    }

    /// Whether agent `index` has no slack (within rounding).
    public func isCritical(_ index: Int) -> Bool {
        slack(index) <= 1e-9 * max(1, criticalPathSeconds)
    }
}

extension DependencyGraph {
    /// Validates the graph (no cycles) and computes its timing facts.
    /// - Throws: `PlanningError.cycle` naming every agent of one cycle, dependencies first.
    public func analyze() throws(PlanningError) -> GraphAnalysis {
        let count = self.count
        // Forward state packed per agent so that visiting a dependent touches one cache line.
        var state = [ForwardState](repeating: ForwardState(), count: count)
        var order = [Int32]()
        order.reserveCapacity(count)
        for agent in 0..<count {
            state[agent].pending = dependencyOffsets[agent + 1] - dependencyOffsets[agent]
            if state[agent].pending == 0 { order.append(Int32(agent)) }
        }
        var head = 0
        while head < order.count {
            let agent = Int(order[head])
            head += 1
            let finish = state[agent].earliest + durations[agent]
            let nextLevel = state[agent].level + 1
            for edge in Int(dependentOffsets[agent])..<Int(dependentOffsets[agent + 1]) {
                let dependent = Int(dependents[edge])
                if state[dependent].level < nextLevel { state[dependent].level = nextLevel }
                if state[dependent].earliest < finish { state[dependent].earliest = finish }
                state[dependent].pending -= 1
                if state[dependent].pending == 0 { order.append(Int32(dependent)) }
            }
        }
        let pending = order.count == count ? [] : state.map(\.pending)
        let levels = state.map(\.level)
        let earliest = state.map(\.earliest)
        state = []
        guard order.count == count else { throw .cycle(findCycle(pending: pending)) }

        var remaining = [Double](repeating: 0, count: count)
        var next = [Int32](repeating: -1, count: count)
        var levelCount = 0
        var total = 0.0
        for position in stride(from: count - 1, through: 0, by: -1) {
            let agent = Int(order[position])
            var best = 0.0
            var bestDependent: Int32 = -1
            for edge in Int(dependentOffsets[agent])..<Int(dependentOffsets[agent + 1]) {
                let dependent = dependents[edge]
                let value = remaining[Int(dependent)]
                if bestDependent < 0 || value > best
                    || (value == best && tieBreak != nil && key(of: Int(dependent)) < key(of: Int(bestDependent)))
                {
                    best = value
                    bestDependent = dependent
                }
            }
            remaining[agent] = durations[agent] + best
            next[agent] = bestDependent
            total += durations[agent]
            if Int(levels[agent]) + 1 > levelCount { levelCount = Int(levels[agent]) + 1 }
        }

        var criticalSeconds = 0.0
        var first = -1
        for rank in 0..<count {
            let agent = agent(withKey: rank)
            guard dependencyOffsets[agent] == dependencyOffsets[agent + 1] else { continue }
            if first < 0 || remaining[agent] > criticalSeconds {
                criticalSeconds = remaining[agent]
                first = agent
            }
        }
        var path: [Int32] = []
        var cursor = first
        while cursor >= 0 {
            path.append(Int32(cursor))
            cursor = Int(next[cursor])
        }
        return GraphAnalysis(
            topologicalOrder: order, levels: levels, levelCount: levelCount, earliestStart: earliest,
            remaining: remaining, criticalPathSeconds: criticalSeconds, criticalPath: path, totalWorkSeconds: total)
    }

    /// One cycle among the agents Kahn's pass could not order, dependencies first, starting
    /// and ending with its lowest-indexed agent.
    private func findCycle(pending: [Int32]) -> [String] {
        // Every unordered agent still waits on an unordered dependency, so walking
        // dependencies from any of them must revisit an agent.
        guard let start = pending.firstIndex(where: { $0 > 0 }) else { return [] }
        var seenAt = [Int: Int]()
        var walk: [Int] = []
        var cursor = start
        while seenAt[cursor] == nil {
            seenAt[cursor] = walk.count
            walk.append(cursor)
            cursor = Int(dependencies(of: cursor).first { pending[Int($0)] > 0 }!)
        }
        // walk[i + 1] is a dependency of walk[i]; reverse to list dependencies first.
        var cycle = Array(walk[seenAt[cursor]!...].reversed())
        let lowest = cycle.indices.min { cycle[$0] < cycle[$1] }!
        cycle = Array(cycle[lowest...] + cycle[..<lowest])
        return (cycle + [cycle[0]]).map { name(of: $0) }
    }
}

/// Per-agent state of the forward pass.
private struct ForwardState {
    var earliest = 0.0
    var level: Int32 = 0
    var pending: Int32 = 0
}
