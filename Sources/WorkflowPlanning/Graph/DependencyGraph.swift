/// A dependency graph over integer-indexed agents, stored as compressed adjacency arrays.
///
/// Implementation notes: agent `i` depends on `dependencies[dependencyOffsets[i] ..<
/// dependencyOffsets[i + 1]]` (CSR). The reverse adjacency (dependents) is built once in
/// `init` by counting, so every pass over the graph is O(V + E). Ties are broken by a key
/// per agent: its index, or `tieBreak` when given (the planner's key is manifest order, then
/// name). `topologicallyNumbered()` renumbers the agents so that every dependency has a
/// lower index than its dependents and keeps the old order as the key: the passes then read
/// the per-agent arrays almost in sequence instead of at random, and give the same results.
/// The benchmark builds this value straight from generated arrays, without manifests.
public struct DependencyGraph: Sendable {
    /// Number of agents.
    public let count: Int
    /// Expected seconds per agent.
    public let durations: [Double]
    /// CSR offsets into `dependencies`, `count + 1` entries.
    public let dependencyOffsets: [Int32]
    /// Dependency indices, grouped per agent.
    public let dependencies: [Int32]
    /// CSR offsets into `dependents`, `count + 1` entries.
    public let dependentOffsets: [Int32]
    /// Dependent indices, grouped per agent, ascending.
    public let dependents: [Int32]
    /// Agent names for messages; `nil` means agents are called `#index`.
    public let names: [String]?
    /// Per agent `parallel_safe`; `nil` means all are.
    public let parallelSafe: [Bool]?
    /// Named resources agents hold while running.
    public let resourceNames: [String]
    /// CSR offsets into `demandResources` / `demandAmounts`, `count + 1` entries (empty when no agent holds any).
    public let demandOffsets: [Int32]
    /// Resource index (into `resourceNames`) of each demand.
    public let demandResources: [Int32]
    /// Units held of each demand.
    public let demandAmounts: [Int]
    /// The tie-break key per agent, a permutation of `0..<count`; `nil` when it is the index.
    public let tieBreak: [Int32]?
    /// Agents in tie-break order (the inverse of `tieBreak`); `nil` when that is index order.
    let byTieBreak: [Int32]?

    /// Builds a graph from CSR arrays.
    /// - Parameters:
    ///   - durations: expected seconds per agent, finite and >= 0.
    ///   - dependencyOffsets: `durations.count + 1` non-decreasing offsets, starting at 0.
    ///   - dependencies: dependency indices, each in `0..<durations.count`.
    ///   - names: optional agent names for messages.
    ///   - parallelSafe: optional per-agent `parallel_safe`.
    ///   - resourceNames: names of resources, indexed by `demandResources`.
    ///   - demands: per agent, pairs of (resource index, units); empty when none.
    ///   - tieBreak: optional tie-break key per agent, a permutation of `0..<count`; by
    ///     default the index.
    /// - Throws: `PlanningError` when the arrays are inconsistent or an estimate is invalid.
    public init(
        durations: [Double], dependencyOffsets: [Int32], dependencies: [Int32], names: [String]? = nil,
        parallelSafe: [Bool]? = nil, resourceNames: [String] = [], demands: [[(resource: Int, units: Int)]] = [],
        tieBreak: [Int32]? = nil
    ) throws(PlanningError) {
        let count = durations.count
        guard dependencyOffsets.count == count + 1, dependencyOffsets.first == 0,
            Int(dependencyOffsets[count]) == dependencies.count
        else {
            throw .badValue("graph.dependency_offsets", "must have \(count + 1) entries from 0 to \(dependencies.count)")
        }
        guard names == nil || names!.count == count, parallelSafe == nil || parallelSafe!.count == count,
            demands.isEmpty || demands.count == count
        else { throw .badValue("graph", "per-agent arrays must have \(count) entries") }
        self.count = count
        self.durations = durations
        self.dependencyOffsets = dependencyOffsets
        self.dependencies = dependencies
        self.names = names
        self.parallelSafe = parallelSafe
        self.resourceNames = resourceNames
        if let tieBreak {
            guard tieBreak.count == count else { throw .badValue("graph.tie_break", "must have \(count) entries") }
            var inverse = [Int32](repeating: -1, count: count)
            for (agent, key) in tieBreak.enumerated() {
                guard key >= 0, Int(key) < count, inverse[Int(key)] < 0 else {
                    throw .badValue("graph.tie_break[\(agent)]", "is \(key); expected each of 0..<\(count) once")
                }
                inverse[Int(key)] = Int32(agent)
            }
            self.tieBreak = tieBreak
            self.byTieBreak = inverse
        } else {
            self.tieBreak = nil
            self.byTieBreak = nil
        }
        // The first invalid estimate in tie-break order is reported.
        for rank in 0..<count {
            let index = byTieBreak.map { Int($0[rank]) } ?? rank
            guard durations[index].isFinite && durations[index] >= 0 else {
                throw .invalidEstimate(agent: names?[index] ?? "#\(index)", seconds: durations[index])
            }
        }

        // Reverse adjacency by counting sort; validates indices on the way.
        var counts = [Int32](repeating: 0, count: count + 1)
        for agent in 0..<count {
            let lower = Int(dependencyOffsets[agent]), upper = Int(dependencyOffsets[agent + 1])
            guard lower <= upper else { throw .badValue("graph.dependency_offsets[\(agent)]", "must not decrease") }
            for edge in lower..<upper {
                let dependency = Int(dependencies[edge])
                guard dependency >= 0, dependency < count else {
                    throw .badValue("graph.dependencies[\(edge)]", "is \(dependency); expected 0..<\(count)")
                }
                counts[dependency + 1] &+= 1
            }
        }
        for index in 0..<count { counts[index + 1] &+= counts[index] }
        var fill = counts
        var dependents = [Int32](repeating: 0, count: dependencies.count)
        for agent in 0..<count {
            for edge in Int(dependencyOffsets[agent])..<Int(dependencyOffsets[agent + 1]) {
                let dependency = Int(dependencies[edge])
                dependents[Int(fill[dependency])] = Int32(agent)
                fill[dependency] &+= 1
            }
        }
        self.dependentOffsets = counts
        self.dependents = dependents

        var demandOffsets: [Int32] = []
        var demandResources: [Int32] = []
        var demandAmounts: [Int] = []
        if demands.contains(where: { !$0.isEmpty }) {
            demandOffsets.reserveCapacity(count + 1)
            demandOffsets.append(0)
            for (agent, list) in demands.enumerated() {
                for demand in list {
                    guard demand.resource >= 0, demand.resource < resourceNames.count, demand.units >= 0 else {
                        throw .badValue("graph.demands[\(agent)]", "names resource \(demand.resource) of \(resourceNames.count)")
                    }
                    demandResources.append(Int32(demand.resource))
                    demandAmounts.append(demand.units)
                }
                demandOffsets.append(Int32(demandResources.count))
            }
        }
        self.demandOffsets = demandOffsets
        self.demandResources = demandResources
        self.demandAmounts = demandAmounts
    }

    /// Builds a graph from one dependency list per agent (convenient for small graphs and tests).
    public init(durations: [Double], dependencyLists: [[Int]], names: [String]? = nil) throws(PlanningError) {
        var offsets: [Int32] = [0]
        var flat: [Int32] = []
        for list in dependencyLists {
            flat.append(contentsOf: list.map { Int32(truncatingIfNeeded: $0) })
            offsets.append(Int32(flat.count))
        }
        guard dependencyLists.count == durations.count else {
            throw .badValue("graph", "has \(durations.count) durations but \(dependencyLists.count) dependency lists")
        }
        try self.init(durations: durations, dependencyOffsets: offsets, dependencies: flat, names: names)
    }

    /// The same graph numbered in a topological order (Kahn's, sources and then newly ready
    /// agents taken first in, first out, starting in tie-break order), with this graph's
    /// tie-break keys carried over; `nil` when there is a cycle. `oldIndex[new]` is the
    /// agent's index in this graph. Every agent keeps its dependencies in the same order.
    public func topologicallyNumbered() -> (graph: DependencyGraph, oldIndex: [Int32])? {
        var pending = [Int32](repeating: 0, count: count)
        var order = [Int32]()
        order.reserveCapacity(count)
        for rank in 0..<count {
            let agent = byTieBreak.map { Int($0[rank]) } ?? rank
            pending[agent] = dependencyOffsets[agent + 1] - dependencyOffsets[agent]
            if pending[agent] == 0 { order.append(Int32(agent)) }
        }
        var head = 0
        while head < order.count {
            let agent = Int(order[head])
            head += 1
            for edge in Int(dependentOffsets[agent])..<Int(dependentOffsets[agent + 1]) {
                let dependent = Int(dependents[edge])
                pending[dependent] -= 1
                if pending[dependent] == 0 { order.append(Int32(dependent)) }
            }
        }
        guard order.count == count else { return nil }
        var newIndex = pending  // reused: every entry is 0 now
        for (position, agent) in order.enumerated() { newIndex[Int(agent)] = Int32(position) }
        var durations = [Double](), offsets = [Int32](), flat = [Int32](), keys = [Int32]()
        durations.reserveCapacity(count)
        offsets.reserveCapacity(count + 1)
        flat.reserveCapacity(dependencies.count)
        keys.reserveCapacity(count)
        offsets.append(0)
        for agent in order.lazy.map(Int.init) {
            durations.append(self.durations[agent])
            for edge in Int(dependencyOffsets[agent])..<Int(dependencyOffsets[agent + 1]) {
                flat.append(newIndex[Int(dependencies[edge])])
            }
            offsets.append(Int32(flat.count))
            keys.append(tieBreak?[agent] ?? Int32(agent))
        }
        var demands: [[(resource: Int, units: Int)]] = []
        if hasDemands {
            demands = order.map { agent in
                (Int(demandOffsets[Int(agent)])..<Int(demandOffsets[Int(agent) + 1])).map {
                    (Int(demandResources[$0]), demandAmounts[$0])
                }
            }
        }
        do {
            let graph = try DependencyGraph(
                durations: durations, dependencyOffsets: offsets, dependencies: flat,
                names: names.map { names in order.map { names[Int($0)] } },
                parallelSafe: parallelSafe.map { safe in order.map { safe[Int($0)] } }, resourceNames: resourceNames,
                demands: demands, tieBreak: keys)
            return (graph, order)
        } catch {
            preconditionFailure("a renumbered valid graph is valid: \(error)")
        }
    }

    /// The tie-break key of agent `index`: lower keys win ties.
    @inline(__always)
    public func key(of index: Int) -> Int32 { tieBreak?[index] ?? Int32(index) }

    /// The agent whose tie-break key is `key`.
    @inline(__always)
    func agent(withKey key: Int) -> Int { byTieBreak.map { Int($0[key]) } ?? key }

    /// The name of agent `index` for messages.
    public func name(of index: Int) -> String { names?[index] ?? "#\(index)" }

    /// The dependencies of agent `index`.
    public func dependencies(of index: Int) -> ArraySlice<Int32> {
        dependencies[Int(dependencyOffsets[index])..<Int(dependencyOffsets[index + 1])]
    }

    /// The dependents of agent `index`, ascending.
    public func dependents(of index: Int) -> ArraySlice<Int32> {
        dependents[Int(dependentOffsets[index])..<Int(dependentOffsets[index + 1])]
    }

    /// Whether any agent holds a resource.
    var hasDemands: Bool { !demandOffsets.isEmpty }
}
