import Testing
@testable import WorkflowPlanning

/// Renumbering a graph in topological order, with the old index as the tie-break key, must
/// not change any result: every pass breaks ties by key, not by index.
@Suite struct TopologicalNumberingTests {
    /// A random DAG with shuffled labels, small integer durations (many equal priorities),
    /// and, when `withDemands`, agents holding units of two resources.
    static func randomGraph(seed: UInt64, withDemands: Bool) throws -> DependencyGraph {
        var random = SplitMix64(seed: seed)
        let count = Int.random(in: 1...300, using: &random)
        var label = Array(0..<count)
        label.shuffle(using: &random)
        var lists = [[Int]](repeating: [], count: count)
        var durations = [Double](repeating: 0, count: count)
        var demands = [[(resource: Int, units: Int)]](repeating: [], count: count)
        for rank in 0..<count {
            durations[label[rank]] = Double(Int.random(in: 0...4, using: &random))
            if rank > 0 {
                for _ in 0..<Int.random(in: 0...3, using: &random) {
                    let dependency = label[Int.random(in: max(0, rank - 20)..<rank, using: &random)]
                    if !lists[label[rank]].contains(dependency) { lists[label[rank]].append(dependency) }
                }
            }
            if withDemands, Bool.random(using: &random) {
                demands[label[rank]] = [(Int.random(in: 0...1, using: &random), Int.random(in: 1...2, using: &random))]
            }
        }
        var offsets: [Int32] = [0]
        var flat: [Int32] = []
        for list in lists {
            flat += list.map(Int32.init)
            offsets.append(Int32(flat.count))
        }
        return try DependencyGraph(
            durations: durations, dependencyOffsets: offsets, dependencies: flat,
            names: (0..<count).map { "a\($0)" }, parallelSafe: (0..<count).map { $0 % 7 != 0 },
            resourceNames: withDemands ? ["gpu", "llm"] : [], demands: withDemands ? demands : [])
    }

    @Test(arguments: 0..<120)
    func renumberingChangesNoResult(seed: Int) throws {
        let graph = try Self.randomGraph(seed: UInt64(seed), withDemands: seed % 2 == 1)
        let (renumbered, oldIndex) = try #require(graph.topologicallyNumbered())
        let old = { (index: Int32) in oldIndex[Int(index)] }

        // Every dependency comes first; each agent keeps its dependencies, in order.
        for agent in 0..<renumbered.count {
            #expect(renumbered.dependencies(of: agent).allSatisfy { Int($0) < agent })
            #expect(renumbered.dependencies(of: agent).map(old) == Array(graph.dependencies(of: Int(oldIndex[agent]))))
            #expect(renumbered.key(of: agent) == oldIndex[agent])
            #expect(renumbered.name(of: agent) == graph.name(of: Int(oldIndex[agent])))
        }
        // Renumbering a topologically numbered graph changes nothing.
        #expect(try #require(renumbered.topologicallyNumbered()).oldIndex == Array(0..<Int32(graph.count)))

        let before = try graph.analyze(), after = try renumbered.analyze()
        #expect(after.criticalPath.map(old) == before.criticalPath)
        #expect(after.criticalPathSeconds == before.criticalPathSeconds)
        #expect(after.totalWorkSeconds == before.totalWorkSeconds)
        #expect(after.levelCount == before.levelCount)
        for agent in 0..<graph.count {
            let previous = Int(oldIndex[agent])
            #expect(after.levels[agent] == before.levels[previous])
            #expect(after.remaining[agent] == before.remaining[previous])
            #expect(after.earliestStart[agent] == before.earliestStart[previous])
        }

        var random = SplitMix64(seed: UInt64(seed) &+ 77)
        let slots = Int.random(in: 1...6, using: &random)
        let limits = [Int.random(in: 2...3, using: &random), 2]
        for strategy in Strategy.allCases {
            let one = try graph.schedule(strategy, analysis: before, maxConcurrency: slots, limits: limits)
            let two = try renumbered.schedule(strategy, analysis: after, maxConcurrency: slots, limits: limits)
            #expect(two.order.map(old) == one.order, "seed \(seed) \(strategy)")
            #expect(two.groups().map { $0.map(old) } == one.groups(), "seed \(seed) \(strategy)")
            #expect(two.estimatedSeconds == one.estimatedSeconds)
            #expect(two.peakConcurrency == one.peakConcurrency)
            for agent in 0..<graph.count { #expect(two.start[agent] == one.start[Int(oldIndex[agent])]) }
        }
        #expect(
            try renumbered.adaptiveEstimate(analysis: after, maxConcurrency: slots + 1, limits: limits)
                == graph.adaptiveEstimate(analysis: before, maxConcurrency: slots + 1, limits: limits))
    }

    @Test func aCycleHasNoTopologicalNumbering() throws {
        let graph = try DependencyGraph(durations: [1, 1, 1], dependencyLists: [[2], [0], [1]])
        #expect(graph.topologicallyNumbered() == nil)
    }

    @Test func tieBreakMustBeAPermutation() {
        #expect(throws: PlanningError.self) {
            try DependencyGraph(durations: [1, 1], dependencyOffsets: [0, 0, 0], dependencies: [], tieBreak: [0, 0])
        }
    }

    /// The first invalid estimate in tie-break order is the one reported.
    @Test func invalidEstimatesAreReportedInTieBreakOrder() {
        #expect(throws: PlanningError.invalidEstimate(agent: "b", seconds: -2)) {
            try DependencyGraph(
                durations: [-1, -2], dependencyOffsets: [0, 0, 0], dependencies: [], names: ["a", "b"], tieBreak: [1, 0])
        }
    }
}
