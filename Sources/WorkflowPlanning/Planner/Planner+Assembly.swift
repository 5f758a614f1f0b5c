import AgentCatalog

extension Planner {
    /// Schedules the graph under the request's strategy and gathers the plan.
    func assemble(
        _ requirements: Requirements, built: BuiltGraph, analysis: GraphAnalysis, request: WorkflowRequest,
        completed: Set<String>
    ) throws(PlanningError) -> ExecutionPlan {
        let graph = built.graph
        let schedule = try graph.schedule(
            request.strategy, analysis: analysis, maxConcurrency: request.maxConcurrency, limits: built.limits)
        let names = graph.names ?? []
        let members = requirements.members

        var agents: [PlannedAgent] = []
        agents.reserveCapacity(graph.count)
        for position in schedule.order {
            let index = Int(position)
            let member = built.memberAt[index]
            let manifest = members[member]
            agents.append(
                PlannedAgent(
                    name: manifest.name,
                    dependencies: requirements.edges[member].map {
                        PlannedDependency(agent: members[$0.member].name, type: $0.type)
                    },
                    group: Int(schedule.group[index]), start: schedule.start[index],
                    earliestStart: analysis.earliestStart[index], slack: analysis.slack(index),
                    estimate: built.estimates[index], isCritical: analysis.isCritical(index),
                    resources: manifest.resources, parallelSafe: manifest.parallelSafe,
                    priority: analysis.remaining[index],
                    isCompleted: !completed.isEmpty && completed.contains(manifest.name)))
        }

        var resolver = CatalogResolver(catalog: catalog, excluded: [])
        var alternatives: [String: [String]] = [:]
        for manifest in members {
            var list = resolver.substitutes(for: manifest)
            if !requirements.goalAlternatives.isEmpty {
                for extra in requirements.goalAlternatives[manifest.name] ?? [] where !list.contains(extra) {
                    list.append(extra)
                }
            }
            if !list.isEmpty { alternatives[manifest.name] = list }
        }

        let criticalPath = analysis.criticalPath.map { names[Int($0)] }
        let bottlenecks = Self.bottlenecks(graph: graph, analysis: analysis)
        let advice = try Advisor(graph: graph, analysis: analysis, schedule: schedule, request: request, limits: built.limits)
            .recommendations(notes: requirements.notes, dropped: requirements.dropped, bottlenecks: bottlenecks)
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
