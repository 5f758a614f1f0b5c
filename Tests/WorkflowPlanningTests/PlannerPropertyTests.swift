import AgentCatalog
import Testing
@testable import WorkflowPlanning


@Suite struct PlannerPropertyTests {
    /// A random DAG as manifests: agents are named in a shuffled order so that index order is
    /// not a topological order; dependencies mix hard, soft and optional.
    static func randomCatalog(seed: UInt64) -> (Catalog, [String]) {
        var random = SplitMix64(seed: seed)
        let count = Int.random(in: 1...40, using: &random)
        let names = (0..<count).map { "a\($0)" }.shuffled(using: &random)
        var manifests: [Manifest] = []
        for rank in 0..<count {
            var dependencies: [Dependency] = []
            if rank > 0 {
                for _ in 0..<Int.random(in: 0...3, using: &random) {
                    let target = names[Int.random(in: 0..<rank, using: &random)]
                    let type = [DependencyType.hard, .hard, .soft, .optional].randomElement(using: &random)!
                    dependencies.append(.agent(target, type))
                }
            }
            let usesLLM = Bool.random(using: &random)
            manifests.append(
                Fixtures.agent(
                    names[rank], order: Int.random(in: 0..<count, using: &random), dependencies: dependencies,
                    seconds: Double(Int.random(in: 0...100, using: &random)), parallelSafe: Bool.random(using: &random),
                    resources: usesLLM ? ["llm": Int.random(in: 1...2, using: &random)] : [:]))
        }
        return (Catalog(agents: manifests.shuffled(using: &random)), names)
    }

    @Test(arguments: 0..<150)
    func plansRespectDependenciesAndBounds(seed: Int) throws {
        let (catalog, names) = Self.randomCatalog(seed: UInt64(seed))
        let planner = Planner(catalog: catalog)
        var random = SplitMix64(seed: UInt64(seed) &+ 1000)
        let maxConcurrency = Int.random(in: 1...5, using: &random)
        let limited = Bool.random(using: &random)
        var plans: [Strategy: ExecutionPlan] = [:]
        for strategy in Strategy.allCases {
            let request = WorkflowRequest(
                goal: .agents(names), strategy: strategy, maxConcurrency: maxConcurrency,
                resources: limited ? ["llm": 2] : [:])
            let plan = try planner.plan(request)
            plans[strategy] = plan
            #expect(Set(plan.order) == Set(names), "seed \(seed)")
            let position = Dictionary(uniqueKeysWithValues: plan.order.enumerated().map { ($1, $0) })
            let group = Dictionary(uniqueKeysWithValues: plan.agents.map { ($0.name, $0.group) })
            let byName = Dictionary(uniqueKeysWithValues: plan.agents.map { ($0.name, $0) })
            for agent in plan.agents {
                for dependency in agent.dependencies {
                    #expect(position[dependency.agent]! < position[agent.name]!, "seed \(seed) \(strategy)")
                    #expect(group[dependency.agent]! < group[agent.name]!, "groups must be antichains, seed \(seed)")
                    let before = byName[dependency.agent]!
                    #expect(before.start + before.estimate.seconds <= agent.start + 1e-9, "seed \(seed) \(strategy)")
                }
                if agent.isCritical { #expect(agent.slack == 0) }
                #expect(agent.slack >= 0)
            }
            // The critical path is a chain of dependencies whose estimates add up.
            let path = plan.criticalPath
            #expect(abs(path.map { byName[$0]!.estimate.seconds }.reduce(0, +) - plan.criticalPathSeconds) < 1e-9)
            for (from, to) in zip(path, path.dropFirst()) {
                #expect(byName[to]!.dependencies.contains { $0.agent == from }, "seed \(seed)")
            }
            for name in path { #expect(byName[name]!.isCritical, "seed \(seed)") }
        }
        let sequential = plans[.sequential]!, parallel = plans[.parallel]!, adaptive = plans[.adaptive]!
        #expect(sequential.estimatedSeconds == sequential.totalWorkSeconds)
        #expect(parallel.estimatedSeconds >= parallel.criticalPathSeconds - 1e-9)
        let bound = max(adaptive.criticalPathSeconds, adaptive.totalWorkSeconds / Double(maxConcurrency))
        #expect(adaptive.estimatedSeconds >= bound - 1e-9, "seed \(seed)")
        #expect(adaptive.estimatedSeconds <= sequential.estimatedSeconds + 1e-9, "seed \(seed)")
        // Simulated running agents never exceed the limits.
        let events = adaptive.agents.flatMap { agent in
            [(time: agent.start, delta: 1, llm: agent.resources["llm"] ?? 0),
             (time: agent.start + agent.estimate.seconds, delta: -1, llm: -(agent.resources["llm"] ?? 0))]
        }.filter { $0.time.isFinite }
        var running = 0, llm = 0
        for event in events.sorted(by: { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }) {
            running += event.delta
            llm += event.llm
            #expect(running <= maxConcurrency || adaptive.agents.contains { $0.estimate.seconds == 0 }, "seed \(seed)")
            if limited { #expect(llm <= 2 || adaptive.agents.contains { $0.estimate.seconds == 0 }, "seed \(seed)") }
        }
    }

    @Test(arguments: 0..<50)
    func storedPlansRoundTrip(seed: Int) throws {
        let (catalog, names) = Self.randomCatalog(seed: UInt64(seed))
        let strategy = Strategy.allCases[seed % 3]
        let plan = try Planner(catalog: catalog).plan(
            WorkflowRequest(goal: .agents(names), strategy: strategy, maxConcurrency: 2, maxRetries: seed % 2 == 0 ? 1 : nil))
        let text = plan.json.compactText
        let reloaded = try ExecutionPlan(json: try JSONValue(parsing: text))
        #expect(reloaded == plan)
        #expect(reloaded.json.compactText == text)
    }
}
