import AgentCatalog
import Testing
@testable import WorkflowPlanning

@Suite struct PlannerTests {
    let planner = Planner(catalog: Fixtures.sevenCatalog)

    /// Whether `order` lists every agent after all of its dependencies.
    func respectsDependencies(_ plan: ExecutionPlan) -> Bool {
        let position = Dictionary(uniqueKeysWithValues: plan.order.enumerated().map { ($1, $0) })
        return plan.agents.allSatisfy { agent in
            agent.dependencies.allSatisfy { position[$0.agent]! < position[agent.name]! }
        }
    }

    @Test(arguments: Strategy.allCases)
    func everyStrategyPlansAllSevenInAValidOrder(strategy: Strategy) throws {
        let plan = try planner.plan(Fixtures.request(strategy))
        #expect(Set(plan.order) == ["planner", "researcher", "writer", "editor", "seo", "image", "social_media"])
        #expect(plan.order.count == 7)
        #expect(respectsDependencies(plan))
    }

    @Test func sequentialOrderBreaksTiesByManifestOrder() throws {
        let plan = try planner.plan(Fixtures.request(.sequential))
        #expect(plan.order == ["planner", "researcher", "writer", "editor", "seo", "image", "social_media"])
        #expect(plan.estimatedSeconds == 1230)
        #expect(plan.groups.count == 7)
    }

    @Test func parallelGroupsAreTheDependencyLevels() throws {
        let plan = try planner.plan(Fixtures.request(.parallel))
        #expect(plan.groups == [["planner"], ["researcher", "image"], ["writer"], ["editor"], ["seo"], ["social_media"]])
        #expect(plan.estimatedSeconds == 1050)
    }

    @Test func criticalPathAndSlack() throws {
        let plan = try planner.plan(Fixtures.request(.adaptive))
        #expect(plan.criticalPath == ["planner", "researcher", "writer", "editor", "seo", "social_media"])
        #expect(plan.criticalPathSeconds == 990)
        #expect(plan.totalWorkSeconds == 1230)
        #expect(plan.agent(named: "image")?.slack == 630)
        #expect(plan.agent(named: "image")?.isCritical == false)
        for name in plan.criticalPath {
            #expect(plan.agent(named: name)?.slack == 0)
            #expect(plan.agent(named: name)?.isCritical == true)
        }
        #expect(plan.recommendations.contains("image has 10 min 30 s of slack"))
        #expect(plan.bottlenecks.first == Bottleneck(agent: "writer", seconds: 300, share: 300.0 / 990))
    }

    @Test(arguments: [2, 3, 4, 16])
    func adaptiveReachesTheCriticalPathWithTwoSlots(maxConcurrency: Int) throws {
        let plan = try planner.plan(Fixtures.request(.adaptive, maxConcurrency: maxConcurrency))
        #expect(plan.estimatedSeconds == 990)
        #expect(plan.agent(named: "image")?.start == 120)
    }

    @Test func adaptiveWithOneSlotIsTheSequentialSum() throws {
        let plan = try planner.plan(Fixtures.request(.adaptive, maxConcurrency: 1))
        #expect(plan.estimatedSeconds == 1230)
        // After editor, image (240 s remaining) outranks seo (210 s remaining).
        #expect(plan.order == ["planner", "researcher", "writer", "editor", "image", "seo", "social_media"])
        #expect(plan.recommendations.contains("raising max_concurrency from 1 to 2 saves 4 min"))
    }

    @Test func sequentialSuggestsAdaptive() throws {
        let plan = try planner.plan(Fixtures.request(.sequential))
        #expect(plan.recommendations.contains("the adaptive strategy would finish in 16 min 30 s instead of 20 min 30 s"))
    }
}
