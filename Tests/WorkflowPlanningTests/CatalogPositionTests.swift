import AgentCatalog
import Testing
import WorkflowPlanning

/// The catalog's position indexes the planner relies on, and plans over catalogs whose
/// discovery order differs from manifest order or that hold duplicate names.
@Suite struct CatalogPositionTests {
    @Test func agentDependenciesAreResolvedToPositionsOnce() {
        let catalog = Catalog(agents: [
            Fixtures.agent("a", order: 0, capabilities: ["x"], seconds: 1),
            Fixtures.agent(
                "b", order: 1, dependencies: [.agent("a"), .capability("x"), .agent("ghost"), .agent("c")], seconds: 1),
            Fixtures.agent("c", order: 2, seconds: 1),
        ])
        #expect(catalog.agentIndex(ofDependency: 0, ofAgentAt: 1) == 0)
        #expect(catalog.agentIndex(ofDependency: 1, ofAgentAt: 1) == nil)  // a capability
        #expect(catalog.agentIndex(ofDependency: 2, ofAgentAt: 1) == nil)  // nobody is called ghost
        #expect(catalog.agentIndex(ofDependency: 3, ofAgentAt: 1) == 2)  // declared later
    }

    @Test func laterDuplicatesAreIgnoredEverywhere() throws {
        let catalog = Catalog(agents: [
            Fixtures.agent("a", order: 0, capabilities: ["x"], outputs: ["o"], seconds: 1),
            Fixtures.agent("b", order: 1, dependencies: [.agent("a")], seconds: 2),
            Fixtures.agent("a", order: 2, capabilities: ["y"], dependencies: [.agent("b")], outputs: ["p"], seconds: 9),
        ])
        #expect(catalog.agents.map(\.name) == ["a", "b"])
        #expect(catalog.providerIndices(ofCapability: "y").isEmpty)
        #expect(catalog.providerIndices(ofOutput: "o") == [0])
        #expect(catalog.providerIndices(ofOutput: "p").isEmpty)
        let plan = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .agents(["b"]), strategy: .sequential))
        #expect(plan.order == ["a", "b"])
        #expect(plan.estimatedSeconds == 3)
    }

    @Test func substitutesAreFlaggedOnlyWhereTheyExist() {
        let catalog = Catalog(agents: [
            Fixtures.agent("a", order: 0, capabilities: ["x"], seconds: 1),
            Fixtures.agent("b", order: 1, capabilities: ["x", "only_b"], seconds: 1),
            Fixtures.agent("c", order: 2, capabilities: ["only_c"], seconds: 1),
            Fixtures.agent("d", order: 3, capabilities: ["only_d"], seconds: 1, alternatives: ["c"]),
        ])
        #expect((0..<4).map { catalog.hasSubstitutes(agentAt: $0) } == [true, true, false, true])
    }

    @Test func plansFollowManifestOrderWhenDiscoveryOrderDiffers() throws {
        // Discovered as c, a, b; manifest order says a, b, c: graph order (and so the plan's
        // tie-breaks) follows manifest order, and alternatives come from the position index.
        let catalog = Catalog(agents: [
            Fixtures.agent("c", order: 2, capabilities: ["x"], dependencies: [.agent("a")], seconds: 1),
            Fixtures.agent("a", order: 0, seconds: 1),
            Fixtures.agent("b", order: 1, capabilities: ["x"], dependencies: [.agent("a")], seconds: 1),
        ])
        let plan = try Planner(catalog: catalog).plan(
            WorkflowRequest(goal: .agents(["c", "b"]), strategy: .parallel))
        #expect(plan.groups == [["a"], ["b", "c"]])
        #expect(plan.alternatives == ["b": ["c"], "c": ["b"]])
        #expect(plan.agent(named: "c")?.dependencies == [PlannedDependency(agent: "a", type: .hard)])
    }
}
