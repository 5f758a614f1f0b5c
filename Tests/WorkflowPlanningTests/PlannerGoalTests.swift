import AgentCatalog
import Testing
@testable import WorkflowPlanning

@Suite struct PlannerGoalTests {
    let planner = Planner(catalog: Fixtures.sevenCatalog)

    @Test func templatePicksCapabilitiesByContentType() throws {
        let base = try planner.plan(WorkflowRequest(campaign: ["campaign_type": "blog_creation"]))
        #expect(Set(base.order) == ["planner", "researcher", "writer", "editor", "seo"])
        let social = try planner.plan(
            WorkflowRequest(campaign: ["campaign_type": "blog_creation", "content_types": ["blog_post", "social_media"]]))
        #expect(Set(social.order) == ["planner", "researcher", "writer", "editor", "seo", "social_media"])
        let images = try planner.plan(WorkflowRequest(campaign: ["campaign_type": "blog_creation", "include_images": true]))
        #expect(images.order.contains("image"))
        #expect(!images.order.contains("social_media"))
    }

    @Test func outputGoalPullsInDependenciesOnly() throws {
        let plan = try planner.plan(WorkflowRequest(goal: .outputs(["edited_content"]), strategy: .sequential))
        #expect(plan.order == ["planner", "researcher", "writer", "editor"])
    }

    @Test func severalProvidersPickDiscoveryOrderAndRecordAlternatives() throws {
        let catalog = Catalog(agents: Fixtures.sevenAgents + [
            Fixtures.agent("writer_lite", order: 7, capabilities: ["content_creation"], dependencies: [.agent("planner")], seconds: 60)
        ])
        let plan = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .capabilities(["content_creation"])))
        #expect(plan.order.contains("writer"))
        #expect(!plan.order.contains("writer_lite"))
        #expect(plan.alternatives["writer"] == ["writer_lite"])
    }

    @Test func optionalDependenciesOnlyOrder() throws {
        let catalog = Catalog(agents: [
            Fixtures.agent("a", order: 0, seconds: 10),
            Fixtures.agent("b", order: 1, seconds: 10),
            Fixtures.agent("c", order: 2, dependencies: [.agent("a", .optional), .agent("b", .soft)], seconds: 10),
        ])
        let alone = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .agents(["c"])))
        #expect(Set(alone.order) == ["b", "c"])
        let both = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .agents(["c", "a"]), strategy: .parallel))
        #expect(both.groups == [["a", "b"], ["c"]])
        #expect(both.agent(named: "c")?.dependencies == [
            PlannedDependency(agent: "b", type: .soft), PlannedDependency(agent: "a", type: .optional),
        ])
    }

    @Test func capabilityDependencyResolvesToProvider() throws {
        let catalog = Catalog(agents: [
            Fixtures.agent("scout", order: 0, capabilities: ["market_research"], seconds: 5),
            Fixtures.agent("writer", order: 1, dependencies: [.capability("market_research")], seconds: 5),
        ])
        let plan = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .agents(["writer"]), strategy: .sequential))
        #expect(plan.order == ["scout", "writer"])
    }

    @Test func learnedEstimatesAreUsed() throws {
        struct Learned: EstimatesProvider {
            func estimate(for agent: Manifest) -> Estimate {
                agent.name == "writer" ? Estimate(seconds: 100, source: .learned(samples: 12)) : ManifestEstimates().estimate(for: agent)
            }
        }
        let plan = try Planner(catalog: Fixtures.sevenCatalog, estimates: Learned()).plan(Fixtures.request(.adaptive))
        #expect(plan.criticalPathSeconds == 790)
        #expect(plan.agent(named: "writer")?.estimate == Estimate(seconds: 100, source: .learned(samples: 12)))
    }

    @Test func resourceLimitsSerializeAgents() throws {
        let catalog = Catalog(agents: [
            Fixtures.agent("a", order: 0, seconds: 10, resources: ["llm": 1]),
            Fixtures.agent("b", order: 1, seconds: 10, resources: ["llm": 1]),
            Fixtures.agent("c", order: 2, seconds: 10),
        ])
        let plan = try Planner(catalog: catalog).plan(
            WorkflowRequest(goal: .agents(["a", "b", "c"]), maxConcurrency: 3, resources: ["llm": 1]))
        #expect(plan.estimatedSeconds == 20)
        #expect(plan.agent(named: "c")?.start == 0)
        #expect(plan.recommendations.contains("resource limits keep the plan 10 s above its critical path"))
    }

    @Test func notParallelSafeIsNoted() throws {
        let catalog = Catalog(agents: [
            Fixtures.agent("seo", order: 0, seconds: 10, parallelSafe: false),
            Fixtures.agent("x", order: 1, dependencies: [.agent("seo")], seconds: 10),
        ])
        let plan = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .agents(["x"])))
        #expect(plan.recommendations.contains("seo is not parallel_safe: it never runs twice at once, and 1 agent waits on it"))
    }

    @Test func replanSkipsCompletedAndSubstitutesExcluded() throws {
        let catalog = Catalog(agents: Fixtures.sevenAgents + [
            Fixtures.agent("writer_lite", order: 7, capabilities: ["content_creation"],
                           dependencies: [.agent("planner")], seconds: 60)
        ])
        let planner = Planner(catalog: catalog)
        let request = Fixtures.request(.adaptive)
        let plan = try planner.replan(request, completed: ["planner", "researcher"], excluded: ["writer"])
        #expect(!plan.order.contains("writer"))
        #expect(plan.order.contains("writer_lite"))
        #expect(plan.agent(named: "planner")?.isCompleted == true)
        #expect(plan.agent(named: "planner")?.estimate.seconds == 0)
        #expect(plan.agent(named: "editor")?.dependencies == [PlannedDependency(agent: "writer_lite", type: .hard)])
        #expect(plan.criticalPathSeconds == 60 + 180 + 120 + 90)
    }

    @Test func replanDropsHardDependentsWithoutSubstitute() throws {
        let plan = try planner.replan(Fixtures.request(.adaptive), completed: ["planner"], excluded: ["editor"])
        #expect(Set(plan.order) == ["planner", "image"])
        #expect(plan.dropped == [
            DroppedAgent(agent: "social_media", reason: "needs editor (hard), which is excluded and has no substitute"),
            DroppedAgent(agent: "seo", reason: "needs editor (hard), which is excluded and has no substitute"),
        ])
        #expect(plan.recommendations.contains { $0.hasPrefix("social_media is left out: ") })
    }
}

@Suite struct DuplicateDependencyTests {
    @Test func aDependencyNamedTwiceIsOneEdgeOfTheStrongerType() throws {
        let catalog = Catalog(agents: [
            Fixtures.agent("scout", order: 0, capabilities: ["market_research"], seconds: 5),
            Fixtures.agent("writer", order: 1, dependencies: [
                .agent("scout", .soft), .capability("market_research"), .agent("scout", .optional),
            ], seconds: 5),
        ])
        let plan = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .agents(["writer"])))
        #expect(plan.agent(named: "writer")?.dependencies == [PlannedDependency(agent: "scout", type: .hard)])
    }
}
