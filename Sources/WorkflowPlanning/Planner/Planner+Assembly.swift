import AgentCatalog

extension Planner {
    /// Schedules the graph under the request's strategy and gathers the plan.
    func assemble(
        _ requirements: Requirements, built: BuiltGraph, analysis: GraphAnalysis, request: WorkflowRequest,
        completed: Set<String>
    ) throws(PlanningError) -> ExecutionPlan {
        let graph = built.graph
        // The recommendations may compare with one more simulation (Advisor.comparison); on a
        // large graph it runs on the other core while the plan's own schedule is simulated.
        let schedule: Schedule
        var comparison: Result<Double, PlanningError>?
        if graph.count >= Advisor.concurrentComparisonThreshold, let other = Advisor.comparison(for: request, graph: graph) {
            let limits = built.limits
            let (own, compared) = Parallel.both(
                {
                    Result { () throws(PlanningError) in
                        try graph.schedule(
                            request.strategy, analysis: analysis, maxConcurrency: request.maxConcurrency, limits: limits)
                    }
                },
                {
                    Result { () throws(PlanningError) in
                        try graph.adaptiveEstimate(analysis: analysis, maxConcurrency: other, limits: limits)
                    }
                })
            schedule = try own.get()
            comparison = compared
        } else {
            schedule = try graph.schedule(
                request.strategy, analysis: analysis, maxConcurrency: request.maxConcurrency, limits: built.limits)
        }
        let names = graph.names ?? []
        let members = requirements.members

        let manifests = catalog.agents
        // Built in graph order (sequential reads of every per-agent array) and written to
        // the agent's place in plan order: the plan order is a permutation of the graph's.
        precondition(schedule.order.count == graph.count, "a schedule orders every agent")
        var place = [Int32](repeating: 0, count: graph.count)
        for (rank, position) in schedule.order.enumerated() { place[Int(position)] = Int32(rank) }
        let agents = [PlannedAgent](unsafeUninitializedCapacity: graph.count) { buffer, initialized in
            for index in 0..<graph.count {
                let member = built.memberAt[index]
                let catalogIndex = members.catalogIndex[member]
                // The graph's dependencies of `index` are the member's edges in the same
                // order; names come from the graph's compact array, not from the manifests.
                let edges = requirements.edges[member]
                let lower = Int(graph.dependencyOffsets[index])
                var dependencies: [PlannedDependency] = []
                dependencies.reserveCapacity(edges.count)
                for (offset, edge) in edges.enumerated() {
                    dependencies.append(
                        PlannedDependency(agent: names[Int(graph.dependencies[lower + offset])], type: edge.type))
                }
                (buffer.baseAddress! + Int(place[index])).initialize(
                    to: PlannedAgent(
                        name: names[index], dependencies: dependencies,
                        group: Int(schedule.group[index]), start: schedule.start[index],
                        earliestStart: analysis.earliestStart[index], slack: analysis.slack(index),
                        estimate: built.estimates[index], isCritical: analysis.isCritical(index),
                        resources: manifests[catalogIndex].resources,
                        parallelSafe: graph.parallelSafe?[index] ?? true, priority: analysis.remaining[index],
                        isCompleted: requirements.isCompleted(catalogIndex: catalogIndex)))
            }
            initialized = graph.count
        }

        let resolver = CatalogResolver(catalog: catalog, excluded: [])
        var alternatives: [String: [String]] = [:]
        for catalogIndex in members.catalogIndex where catalog.hasSubstitutes(agentAt: catalogIndex)
            || !requirements.goalAlternatives.isEmpty {
            var list = resolver.substitutes(for: catalogIndex)
            if !requirements.goalAlternatives.isEmpty {
                for extra in requirements.goalAlternatives[catalogIndex] ?? [] where !list.contains(extra) {
                    list.append(extra)
                }
            }
            if !list.isEmpty { alternatives[manifests[catalogIndex].name] = list.map { manifests[$0].name } }
        }

        let criticalPath = analysis.criticalPath.map { names[Int($0)] }
        let bottlenecks = Self.bottlenecks(graph: graph, analysis: analysis)
        let advice = try Advisor(
            graph: graph, analysis: analysis, schedule: schedule, request: request, limits: built.limits,
            comparison: comparison
        ).recommendations(notes: requirements.notes, dropped: requirements.dropped, bottlenecks: bottlenecks)
        return ExecutionPlan(
            strategy: request.strategy, agents: agents, order: schedule.order.map { names[Int($0)] },
            groups: schedule.groups().map { $0.map { names[Int($0)] } }, criticalPath: criticalPath,
            estimatedSeconds: schedule.estimatedSeconds, criticalPathSeconds: analysis.criticalPathSeconds,
            totalWorkSeconds: analysis.totalWorkSeconds, peakConcurrency: schedule.peakConcurrency,
            bottlenecks: bottlenecks, recommendations: advice, maxConcurrency: request.maxConcurrency,
            resources: request.resources, request: request, alternatives: alternatives, dropped: requirements.dropped)
    }

    /// The (at most three) critical-path agents with the largest estimates.
    static func bottlenecks(graph: DependencyGraph, analysis: GraphAnalysis) -> [Bottleneck] {
        guard analysis.criticalPathSeconds > 0 else { return [] }
        let ranked = analysis.criticalPath.enumerated().sorted {
            let lhs = graph.durations[Int($0.element)], rhs = graph.durations[Int($1.element)]
            return lhs != rhs ? lhs > rhs : $0.offset < $1.offset
        }
        return ranked.prefix(3).filter { graph.durations[Int($0.element)] > 0 }.map {
            let seconds = graph.durations[Int($0.element)]
            return Bottleneck(
                agent: graph.name(of: Int($0.element)), seconds: seconds, share: seconds / analysis.criticalPathSeconds)
        }
    }
}
