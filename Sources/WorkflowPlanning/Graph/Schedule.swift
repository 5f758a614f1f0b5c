/// When each agent starts under a strategy, and how long the whole plan takes.
public struct Schedule: Sendable {
    /// The strategy simulated.
    public let strategy: Strategy
    /// Agents in the order they start.
    public let order: [Int32]
    /// Simulated start time per agent.
    public let start: [Double]
    /// Group per agent: its position for sequential, its level for parallel and adaptive.
    public let group: [Int32]
    /// Number of groups.
    public let groupCount: Int
    /// Simulated duration of the whole plan.
    public let estimatedSeconds: Double
    /// Most agents running at the same time in the simulation.
    public let peakConcurrency: Int
    /// The graph's agents in tie-break order; `nil` when that is index order.
    let byTieBreak: [Int32]?

    /// Agents per group, each group in tie-break order.
    public func groups() -> [[Int32]] { Self.buckets(group, count: groupCount, byTieBreak: byTieBreak) }

    /// Counting sort of agents by group, visiting them in tie-break order: O(V + groups).
    static func buckets(_ group: [Int32], count groupCount: Int, byTieBreak: [Int32]?) -> [[Int32]] {
        var counts = [Int](repeating: 0, count: groupCount + 1)
        for value in group { counts[Int(value) + 1] += 1 }
        for index in 0..<groupCount { counts[index + 1] += counts[index] }
        var flat = [Int32](repeating: 0, count: group.count)
        var fill = counts
        for rank in group.indices {
            let agent = byTieBreak.map { Int($0[rank]) } ?? rank
            let value = Int(group[agent])
            flat[fill[value]] = Int32(agent)
            fill[value] += 1
        }
        return (0..<groupCount).map { Array(flat[counts[$0]..<counts[$0 + 1]]) }
    }
}

extension DependencyGraph {
    /// Schedules under `strategy`.
    /// - Parameters:
    ///   - analysis: this graph's `analyze()` result.
    ///   - maxConcurrency: adaptive only: at most this many agents at once.
    ///   - limits: adaptive only: units available per resource (indexed like `resourceNames`);
    ///     missing entries are unlimited.
    /// - Throws: `PlanningError.resourceLimit` when one agent alone needs more than a limit.
    public func schedule(
        _ strategy: Strategy, analysis: GraphAnalysis, maxConcurrency: Int = .max, limits: [Int] = []
    ) throws(PlanningError) -> Schedule {
        switch strategy {
        case .sequential: return sequentialSchedule()
        case .parallel: return parallelSchedule(analysis: analysis)
        case .adaptive: return try adaptiveSchedule(analysis: analysis, maxConcurrency: maxConcurrency, limits: limits)
        }
    }

    /// A topological order taking the lowest ready tie-break key first; each agent its own
    /// group. The heap holds keys.
    func sequentialSchedule() -> Schedule {
        var pending = [Int32](repeating: 0, count: count)
        var ready = BinaryHeap<Int32>()
        for agent in 0..<count {
            pending[agent] = dependencyOffsets[agent + 1] - dependencyOffsets[agent]
            if pending[agent] == 0 { ready.insert(key(of: agent)) }
        }
        var order = [Int32]()
        order.reserveCapacity(count)
        var start = [Double](repeating: 0, count: count)
        var group = [Int32](repeating: 0, count: count)
        var clock = 0.0
        while let next = ready.popMin() {
            let agent = agent(withKey: Int(next))
            group[agent] = Int32(order.count)
            order.append(Int32(agent))
            start[agent] = clock
            clock += durations[agent]
            for edge in Int(dependentOffsets[agent])..<Int(dependentOffsets[agent + 1]) {
                let dependent = Int(dependents[edge])
                pending[dependent] -= 1
                if pending[dependent] == 0 { ready.insert(key(of: dependent)) }
            }
        }
        return Schedule(
            strategy: .sequential, order: order, start: start, group: group, groupCount: count,
            estimatedSeconds: clock, peakConcurrency: count > 0 ? 1 : 0, byTieBreak: byTieBreak)
    }

    /// Levels as groups with barriers: a group starts when the previous one has finished.
    func parallelSchedule(analysis: GraphAnalysis) -> Schedule {
        var longest = [Double](repeating: 0, count: analysis.levelCount)
        var sizes = [Int](repeating: 0, count: analysis.levelCount)
        for agent in 0..<count {
            let level = Int(analysis.levels[agent])
            longest[level] = max(longest[level], durations[agent])
            sizes[level] += 1
        }
        var groupStart = [Double](repeating: 0, count: analysis.levelCount + 1)
        for level in 0..<analysis.levelCount { groupStart[level + 1] = groupStart[level] + longest[level] }
        var start = [Double](repeating: 0, count: count)
        for agent in 0..<count { start[agent] = groupStart[Int(analysis.levels[agent])] }
        return Schedule(
            strategy: .parallel,
            order: Schedule.buckets(analysis.levels, count: analysis.levelCount, byTieBreak: byTieBreak).flatMap { $0 },
            start: start, group: analysis.levels, groupCount: analysis.levelCount,
            estimatedSeconds: groupStart[analysis.levelCount], peakConcurrency: sizes.max() ?? 0, byTieBreak: byTieBreak)
    }

    /// List scheduling: whenever a slot is free, start the ready agent with the longest
    /// remaining path (lowest tie-break key on ties) whose resources fit; O((V + E) log V) without
    /// resource limits. With limits, ready agents that do not fit are set aside and put
    /// back, so a step costs O(k log V) for k agents blocked on resources.
    func adaptiveSchedule(analysis: GraphAnalysis, maxConcurrency: Int, limits: [Int]) throws(PlanningError) -> Schedule {
        try simulateAdaptive(analysis: analysis, maxConcurrency: maxConcurrency, limits: limits, recording: true)
    }

    /// The adaptive schedule's duration alone (what the recommendations compare): the same
    /// simulation without recording the order and start times.
    func adaptiveEstimate(analysis: GraphAnalysis, maxConcurrency: Int, limits: [Int]) throws(PlanningError) -> Double {
        try simulateAdaptive(analysis: analysis, maxConcurrency: maxConcurrency, limits: limits, recording: false)
            .estimatedSeconds
    }

    /// The adaptive simulation; with `recording` false, `order` and `start` stay empty.
    private func simulateAdaptive(
        analysis: GraphAnalysis, maxConcurrency: Int, limits: [Int], recording: Bool
    ) throws(PlanningError) -> Schedule {
        let slots = max(1, maxConcurrency)
        var available = (0..<resourceNames.count).map { $0 < limits.count ? limits[$0] : Int.max }
        let limited = hasDemands && available.contains { $0 != .max }
        if limited {
            // The first agent in tie-break order that needs too much is reported.
            for rank in 0..<count {
                let agent = agent(withKey: rank)
                for demand in Int(demandOffsets[agent])..<Int(demandOffsets[agent + 1]) {
                    let resource = Int(demandResources[demand])
                    if demandAmounts[demand] > available[resource] {
                        throw .resourceLimit(
                            agent: name(of: agent), resource: resourceNames[resource],
                            demand: demandAmounts[demand], limit: available[resource])
                    }
                }
            }
        }
        var pending = [Int32](repeating: 0, count: count)
        var ready = BinaryHeap<ReadyAgent>()
        for agent in 0..<count {
            pending[agent] = dependencyOffsets[agent + 1] - dependencyOffsets[agent]
            if pending[agent] == 0 { ready.insert(ReadyAgent(priority: analysis.remaining[agent], key: key(of: agent))) }
        }
        var running = BinaryHeap<RunningAgent>()
        var order = [Int32]()
        var start: [Double] = []
        if recording {
            order.reserveCapacity(count)
            start = [Double](repeating: 0, count: count)
        }
        var started = 0
        var clock = 0.0
        var finish = 0.0
        var peak = 0
        var blocked: [ReadyAgent] = []

        func fits(_ agent: Int) -> Bool {
            for demand in Int(demandOffsets[agent])..<Int(demandOffsets[agent + 1])
            where demandAmounts[demand] > available[Int(demandResources[demand])] { return false }
            return true
        }
        func hold(_ agent: Int, _ sign: Int) {
            for demand in Int(demandOffsets[agent])..<Int(demandOffsets[agent + 1]) {
                let resource = Int(demandResources[demand])
                if available[resource] != .max { available[resource] -= sign * demandAmounts[demand] }
            }
        }

        while started < count {
            while running.count < slots, let candidate = ready.popMin() {
                let agent = agent(withKey: Int(candidate.key))
                if limited {
                    guard fits(agent) else {
                        blocked.append(candidate)
                        continue
                    }
                    hold(agent, 1)
                }
                if recording {
                    start[agent] = clock
                    order.append(Int32(agent))
                }
                started += 1
                running.insert(RunningAgent(finish: clock + durations[agent], index: Int32(agent)))
            }
            if !blocked.isEmpty {
                for candidate in blocked { ready.insert(candidate) }
                blocked.removeAll(keepingCapacity: true)
            }
            peak = max(peak, running.count)
            guard let done = running.popMin() else { break }
            clock = done.finish
            finish = max(finish, clock)
            var current: RunningAgent? = done
            while let event = current {
                let agent = Int(event.index)
                if limited { hold(agent, -1) }
                for edge in Int(dependentOffsets[agent])..<Int(dependentOffsets[agent + 1]) {
                    let dependent = Int(dependents[edge])
                    pending[dependent] -= 1
                    if pending[dependent] == 0 {
                        ready.insert(ReadyAgent(priority: analysis.remaining[dependent], key: key(of: dependent)))
                    }
                }
                current = running.min.map { $0.finish <= clock ? running.popMin() : nil } ?? nil
            }
        }
        while let done = running.popMin() { finish = max(finish, done.finish) }
        return Schedule(
            strategy: .adaptive, order: order, start: start, group: analysis.levels, groupCount: analysis.levelCount,
            estimatedSeconds: finish, peakConcurrency: peak, byTieBreak: byTieBreak)
    }
}

/// A ready agent by its tie-break key; the heap's minimum starts first: the longest
/// remaining path, then the lowest key.
struct ReadyAgent: Comparable {
    var priority: Double
    var key: Int32

    static func < (lhs: ReadyAgent, rhs: ReadyAgent) -> Bool {
        lhs.priority != rhs.priority ? lhs.priority > rhs.priority : lhs.key < rhs.key
    }
}

/// A running agent; the heap's minimum finishes first.
struct RunningAgent: Comparable {
    var finish: Double
    var index: Int32

    static func < (lhs: RunningAgent, rhs: RunningAgent) -> Bool {
        lhs.finish != rhs.finish ? lhs.finish < rhs.finish : lhs.index < rhs.index
    }
}
