import AgentCatalog

/// Turns requests into execution plans, reading only the catalog's manifests and templates
/// (plugin libraries are neither loaded nor required).
///
/// Planning is O(V + E) apart from the ready heaps (O(V log V)); see docs/PLANS.md.
public struct Planner: Sendable {
    /// The knowledge base planned against.
    public let catalog: Catalog
    /// Where agent durations come from.
    public let estimates: any EstimatesProvider

    /// Creates a planner.
    /// - Parameters:
    ///   - catalog: the agents and templates to plan with.
    ///   - estimates: durations; by default each manifest's `estimate_seconds`.
    public init(catalog: Catalog, estimates: any EstimatesProvider = ManifestEstimates()) {
        self.catalog = catalog
        self.estimates = estimates
    }

    /// Plans `request`.
    /// - Throws: `PlanningError`: unknown agent, unsatisfiable goal, missing dependency,
    ///   cycle (naming the whole cycle), no template, resource limit, invalid estimate, a
    ///   campaign that breaks a planned agent's `input_schema` (`checkCampaign`).
    public func plan(_ request: WorkflowRequest) throws(PlanningError) -> ExecutionPlan {
        let plan = try replan(request, completed: [], excluded: [])
        try checkCampaign(request, agents: plan.order)
        return plan
    }

    /// For the executor's `replan` and `retry_alternative` recovery: the remaining plan for
    /// the same goal when `completed` agents are done (duration 0, not re-run) and `excluded`
    /// agents may not be used (their hard dependents are dropped with a reason when no other
    /// provider exists).
    public func replan(
        _ request: WorkflowRequest, completed: Set<String>, excluded: Set<String>
    ) throws(PlanningError) -> ExecutionPlan {
        var requirements = try requirements(for: request, completed: completed, excluded: excluded)
        var built = try buildGraph(requirements, request: request, completed: completed)
        var analysis = try built.graph.analyze()
        if !requirements.blocked.isEmpty {
            requirements = prune(requirements, built: built, analysis: analysis)
            built = try buildGraph(requirements, request: request, completed: completed)
            analysis = try built.graph.analyze()
        }
        return try assemble(requirements, built: built, analysis: analysis, request: request, completed: completed)
    }
}

// MARK: - Graph building

/// A dependency graph built from requirements, with the mapping back to members.
struct BuiltGraph {
    var graph: DependencyGraph
    /// Member index per graph position (positions in a topological order; the graph's
    /// tie-break key is manifest order, then name).
    var memberAt: [Int]
    /// Estimate per graph position.
    var estimates: [Estimate]
    /// Resource limits indexed like `graph.resourceNames`.
    var limits: [Int]
}

extension Planner {
    func buildGraph(
        _ requirements: Requirements, request: WorkflowRequest, completed: Set<String>
    ) throws(PlanningError) -> BuiltGraph {
        let members = requirements.members
        let agents = catalog.agents
        let memberAt = positions(of: members)
        var positionOf = [Int32](repeating: 0, count: members.count)
        for (position, member) in memberAt.enumerated() { positionOf[member] = Int32(position) }

        var resourceSet: Set<String> = []
        for member in members.indices where !agents[members.catalogIndex[member]].resources.isEmpty {
            resourceSet.formUnion(agents[members.catalogIndex[member]].resources.keys)
        }
        let resourceNames = resourceSet.sorted()
        let resourceIndex = Dictionary(uniqueKeysWithValues: resourceNames.enumerated().map { ($1, $0) })
        var durations: [Double] = []
        var estimateList: [Estimate] = []
        var offsets: [Int32] = [0]
        var flat: [Int32] = []
        var names: [String] = []
        var parallelSafe: [Bool] = []
        var demands: [[(resource: Int, units: Int)]] = []
        durations.reserveCapacity(members.count)
        estimateList.reserveCapacity(members.count)
        offsets.reserveCapacity(members.count + 1)
        names.reserveCapacity(members.count)
        parallelSafe.reserveCapacity(members.count)
        if !resourceNames.isEmpty { demands.reserveCapacity(members.count) }
        for member in memberAt {
            let index = members.catalogIndex[member]
            var estimate = estimates.estimate(for: agents[index])
            if requirements.isCompleted(catalogIndex: index) { estimate.seconds = 0 }
            estimateList.append(estimate)
            durations.append(estimate.seconds)
            names.append(agents[index].name)
            parallelSafe.append(agents[index].parallelSafe)
            for edge in requirements.edges[member] { flat.append(positionOf[edge.member]) }
            offsets.append(Int32(flat.count))
            if !resourceNames.isEmpty {
                let resources = agents[index].resources
                demands.append(
                    resources.isEmpty
                        ? [] : resources.sorted { $0.key < $1.key }.map { (resourceIndex[$0.key]!, $0.value) })
            }
        }
        let graph = try DependencyGraph(
            durations: durations, dependencyOffsets: offsets, dependencies: flat, names: names,
            parallelSafe: parallelSafe, resourceNames: resourceNames, demands: demands)
        let limits = resourceNames.map { request.resources[$0] ?? .max }
        // Numbered in a topological order, with manifest order (then name) as the tie-break
        // key, the later passes read their arrays nearly in sequence. A graph with a cycle
        // keeps manifest order, and analysis reports the cycle as always.
        guard let renumbered = graph.topologicallyNumbered() else {
            return BuiltGraph(graph: graph, memberAt: memberAt, estimates: estimateList, limits: limits)
        }
        return BuiltGraph(
            graph: renumbered.graph, memberAt: renumbered.oldIndex.map { memberAt[Int($0)] },
            estimates: renumbered.oldIndex.map { estimateList[Int($0)] }, limits: limits)
    }

    /// Members in graph order: manifest order, then name. Members are often reached in
    /// that order already (a goal listing agents in discovery order), so that case is a
    /// linear check instead of a sort.
    private func positions(of members: Members) -> [Int] {
        let agents = catalog.agents
        func precedes(_ lhs: Int, _ rhs: Int) -> Bool {
            let lhs = members.catalogIndex[lhs], rhs = members.catalogIndex[rhs]
            let lhsOrder = agents[lhs].source.order, rhsOrder = agents[rhs].source.order
            return lhsOrder != rhsOrder ? lhsOrder < rhsOrder : agents[lhs].name < agents[rhs].name
        }
        var sorted = true
        for member in members.indices.dropFirst() where !precedes(member - 1, member) {
            sorted = false
            break
        }
        return sorted ? Array(members.indices) : members.indices.sorted(by: precedes)
    }

    /// Drops blocked members and their hard dependents, then keeps only what the remaining
    /// goals still need.
    func prune(_ requirements: Requirements, built: BuiltGraph, analysis: GraphAnalysis) -> Requirements {
        let members = requirements.members
        var reason = [String?](repeating: nil, count: members.count)
        for position in analysis.topologicalOrder {
            let member = built.memberAt[Int(position)]
            if let blocked = requirements.blocked[member] {
                reason[member] = blocked
                continue
            }
            if let edge = requirements.edges[member].first(where: { $0.type == .hard && reason[$0.member] != nil }) {
                reason[member] = "needs \(members.name(edge.member)) (hard), which cannot run"
            }
        }
        var keep = [Bool](repeating: false, count: members.count)
        var stack = requirements.goals.filter { reason[$0] == nil }
        for goal in stack { keep[goal] = true }
        while let member = stack.popLast() {
            for edge in requirements.edges[member] where edge.type != .optional && reason[edge.member] == nil {
                if !keep[edge.member] {
                    keep[edge.member] = true
                    stack.append(edge.member)
                }
            }
        }
        var result = Requirements(catalog: catalog)
        result.dropped = requirements.dropped
        result.goalAlternatives = requirements.goalAlternatives
        result.notes = requirements.notes
        result.completed = requirements.completed
        var newIndex = [Int](repeating: -1, count: members.count)
        for member in members.indices where keep[member] {
            newIndex[member] = result.members.add(catalogIndex: members.catalogIndex[member])
        }
        for member in members.indices where keep[member] {
            result.edges.append(requirements.edges[member].compactMap { edge in
                newIndex[edge.member] < 0 ? nil : (newIndex[edge.member], edge.type)
            })
        }
        result.goals = requirements.goals.compactMap { newIndex[$0] < 0 ? nil : newIndex[$0] }
        for member in members.indices {
            if let why = reason[member] {
                result.dropped.append(DroppedAgent(agent: members.name(member), reason: why))
            }
        }
        return result
    }
}

