/// A dependency graph over integer-indexed agents, stored as compressed adjacency arrays.
///
/// Implementation notes: agent `i` depends on `dependencies[dependencyOffsets[i] ..<
/// dependencyOffsets[i + 1]]` (CSR). The reverse adjacency (dependents) is built once in
/// `init` by counting, so every pass over the graph is O(V + E). Indices are also the
/// deterministic tie-break: the planner numbers agents by manifest order, then name. The
/// benchmark builds this value straight from generated arrays, without manifests.
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

    /// Builds a graph from CSR arrays.
    /// - Parameters:
    ///   - durations: expected seconds per agent, finite and >= 0.
    ///   - dependencyOffsets: `durations.count + 1` non-decreasing offsets, starting at 0.
    ///   - dependencies: dependency indices, each in `0..<durations.count`.
    ///   - names: optional agent names for messages.
    ///   - parallelSafe: optional per-agent `parallel_safe`.
    ///   - resourceNames: names of resources, indexed by `demandResources`.
    ///   - demands: per agent, pairs of (resource index, units); empty when none.
    /// - Throws: `PlanningError` when the arrays are inconsistent or an estimate is invalid.
    public init(
        durations: [Double], dependencyOffsets: [Int32], dependencies: [Int32], names: [String]? = nil,
        parallelSafe: [Bool]? = nil, resourceNames: [String] = [], demands: [[(resource: Int, units: Int)]] = []
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
        for index in 0..<count where !(durations[index].isFinite && durations[index] >= 0) {
            throw .invalidEstimate(agent: names?[index] ?? "#\(index)", seconds: durations[index])
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
