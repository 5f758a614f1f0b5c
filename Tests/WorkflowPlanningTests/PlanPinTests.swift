import AgentCatalog
import Testing
@testable import WorkflowPlanning

/// Pins the whole plan (JSON and table) of seeded random DAGs, so that a faster planner
/// (other numbering, fewer simulations, other indexes) can be checked to plan exactly as
/// before. The digests were taken from the planner as it was before the speed work of
/// issue 14; a change of digest means a change of output, to be explained, not re-pinned.
@Suite struct PlanPinTests {
    /// A random DAG of `count` agents: shuffled names and manifest order, small integer
    /// estimates (many ties in priority), hard, soft and optional dependencies on agents and
    /// on shared capabilities, some agents not parallel_safe, some holding `llm` units,
    /// some listing alternatives.
    static func catalog(seed: UInt64, count: Int) -> (Catalog, [String]) {
        var random = SplitMix64(seed: seed)
        let names = (0..<count).map { "agent_\($0)" }.shuffled(using: &random)
        var manifests: [Manifest] = []
        for rank in 0..<count {
            var dependencies: [Dependency] = []
            if rank > 0 {
                for _ in 0..<Int.random(in: 0...4, using: &random) {
                    let low = max(0, rank - 60)
                    let type = [DependencyType.hard, .hard, .soft, .optional].randomElement(using: &random)!
                    if Int.random(in: 0..<8, using: &random) == 0, rank >= 40 {
                        // A capability only earlier agents provide (rank / 40 - 1 < rank / 40).
                        dependencies.append(.capability("skill_\(Int.random(in: 0..<(rank / 40), using: &random))", type))
                    } else {
                        dependencies.append(.agent(names[Int.random(in: low..<rank, using: &random)], type))
                    }
                }
            }
            let resources = Int.random(in: 0..<4, using: &random) == 0 ? ["llm": Int.random(in: 1...2, using: &random)] : [:]
            let alternatives = rank > 0 && Int.random(in: 0..<10, using: &random) == 0
                ? [names[Int.random(in: 0..<rank, using: &random)]] : []
            manifests.append(
                Fixtures.agent(
                    names[rank], order: Int.random(in: 0..<count, using: &random),
                    capabilities: ["skill_\(rank / 40)", "own_\(rank)"], dependencies: dependencies,
                    outputs: ["out_\(rank % 97)"], seconds: Double(Int.random(in: 0...6, using: &random)),
                    parallelSafe: Int.random(in: 0..<9, using: &random) != 0, resources: resources,
                    alternatives: alternatives))
        }
        return (Catalog(agents: manifests.shuffled(using: &random)), names)
    }

    /// FNV-1a 64 of `text`, in hex.
    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var seed: UInt64
        var count: Int
        var strategy: Strategy
        var maxConcurrency: Int
        var llm: Int?
        var json: String
        var table: String
        var testDescription: String { "seed \(seed), \(count) agents, \(strategy.rawValue), max \(maxConcurrency)" }
    }

    static let cases: [Case] = [
        Case(seed: 7, count: 3_000, strategy: .adaptive, maxConcurrency: 4, llm: nil, json: "81dd015681d5302a", table: "51b49ef1dc1bd893"),
        Case(seed: 7, count: 3_000, strategy: .adaptive, maxConcurrency: 6, llm: 3, json: "2435bb0a8ee83de4", table: "42c864dd98a4f9b"),
        Case(seed: 7, count: 3_000, strategy: .sequential, maxConcurrency: 4, llm: nil, json: "45d6bb9349283e2f", table: "918e27d257a58746"),
        Case(seed: 7, count: 3_000, strategy: .parallel, maxConcurrency: 4, llm: 2, json: "dd4ff00ceb927c0d", table: "61ab75c2b98c7e86"),
        Case(seed: 11, count: 500, strategy: .adaptive, maxConcurrency: 64, llm: nil, json: "b8f9a5b81f8b4c21", table: "755afeb13f1a6c9f"),
        Case(seed: 12, count: 800, strategy: .adaptive, maxConcurrency: 2, llm: 2, json: "cafb0854a455368f", table: "d489171ac746497c"),
    ]

    @Test(arguments: cases)
    func planIsPinned(_ pinned: Case) throws {
        let (catalog, names) = Self.catalog(seed: pinned.seed, count: pinned.count)
        let request = WorkflowRequest(
            goal: .agents(names), strategy: pinned.strategy, maxConcurrency: pinned.maxConcurrency,
            resources: pinned.llm.map { ["llm": $0] } ?? [:])
        let plan = try Planner(catalog: catalog).plan(request)
        #expect(plan.agents.count == pinned.count)
        // Readable parts of the pin: ties in slack and the extra simulation's advice.
        #expect(plan.recommendations.contains { $0.hasSuffix("has 9 min 52 s of slack") } == (pinned.seed == 7))
        #expect(Self.digest(plan.json.compactText) == pinned.json, "json of \(pinned.testDescription)")
        #expect(Self.digest(PlanRenderer.table(plan)) == pinned.table, "table of \(pinned.testDescription)")
    }

    /// A capability goal (providers chosen and alternatives recorded) on the same DAG.
    @Test func capabilityGoalIsPinned() throws {
        let (catalog, _) = Self.catalog(seed: 7, count: 3_000)
        let request = WorkflowRequest(
            goal: .capabilities(["skill_70", "skill_3", "skill_41"]), strategy: .adaptive, maxConcurrency: 3)
        let plan = try Planner(catalog: catalog).plan(request)
        #expect(plan.agents.count == 11 && plan.alternatives.count == 11)
        #expect(Self.digest(plan.json.compactText) == "5768ec34236cacfb")
        #expect(Self.digest(PlanRenderer.table(plan)) == "f1fef859e0d9f57e")
    }

    /// On a large graph the recommendations' extra simulation runs beside the schedule; the
    /// advice must be what the Advisor gives when it simulates on its own.
    @Test func largePlansAdviseAsWithTheirOwnSimulation() throws {
        let (catalog, names) = Self.catalog(seed: 5, count: Advisor.concurrentComparisonThreshold + 500)
        let planner = Planner(catalog: catalog)
        for strategy in Strategy.allCases {
            let request = WorkflowRequest(goal: .agents(names), strategy: strategy, maxConcurrency: 3)
            let plan = try planner.plan(request)
            let requirements = try planner.requirements(for: request, completed: [], excluded: [])
            let built = try planner.buildGraph(requirements, request: request, completed: [])
            let analysis = try built.graph.analyze()
            let schedule = try built.graph.schedule(strategy, analysis: analysis, maxConcurrency: 3, limits: built.limits)
            let advice = try Advisor(
                graph: built.graph, analysis: analysis, schedule: schedule, request: request, limits: built.limits
            ).recommendations(
                notes: requirements.notes, dropped: requirements.dropped,
                bottlenecks: Planner.bottlenecks(graph: built.graph, analysis: analysis))
            #expect(plan.recommendations == advice, "\(strategy)")
            if strategy != .parallel {
                #expect(plan.recommendations.first?.contains(strategy == .adaptive ? "raising max_concurrency" : "adaptive strategy") == true)
            }
        }
    }
}
