import AgentCatalog
import Testing
@testable import WorkflowPlanning

@Suite struct PlannerErrorTests {
    func planningError(_ catalog: Catalog, _ request: WorkflowRequest) -> PlanningError? {
        do {
            _ = try Planner(catalog: catalog).plan(request)
            return nil
        } catch {
            return error
        }
    }

    @Test func cycleNamesEveryAgentOfIt() {
        let catalog = Catalog(agents: [
            Fixtures.agent("planner", order: 0, seconds: 1),
            Fixtures.agent("writer", order: 1, dependencies: [.agent("planner"), .agent("seo")], seconds: 1),
            Fixtures.agent("editor", order: 2, dependencies: [.agent("writer")], seconds: 1),
            Fixtures.agent("seo", order: 3, dependencies: [.agent("editor")], seconds: 1),
            Fixtures.agent("publisher", order: 4, dependencies: [.agent("seo")], seconds: 1),
        ])
        let error = planningError(catalog, WorkflowRequest(goal: .agents(["publisher"])))
        #expect(error?.code == .cycle)
        #expect(error?.message == "dependency cycle: writer -> editor -> seo -> writer")
        #expect(error?.details["cycle"] == ["writer", "editor", "seo", "writer"])
    }

    @Test func selfDependencyIsACycle() {
        let catalog = Catalog(agents: [Fixtures.agent("loop", order: 0, dependencies: [.agent("loop")], seconds: 1)])
        #expect(planningError(catalog, WorkflowRequest(goal: .agents(["loop"])))?.message == "dependency cycle: loop -> loop")
    }

    @Test func unknownAgent() {
        let error = planningError(Fixtures.sevenCatalog, WorkflowRequest(goal: .agents(["writer", "ghostwriter"])))
        #expect(error?.code == .unknownAgent)
        #expect(error?.message == "request.goal.agents[1] names agent ghostwriter, which is not in the catalog")
    }

    @Test func unsatisfiableGoalNamesEverythingMissing() {
        let error = planningError(
            Fixtures.sevenCatalog, WorkflowRequest(goal: .capabilities(["editing", "translation", "video"])))
        #expect(error?.code == .unsatisfiableGoal)
        #expect(error?.message == "no agent provides the capabilities translation, video asked for by the goal")
        let output = planningError(Fixtures.sevenCatalog, WorkflowRequest(goal: .outputs(["podcast"])))
        #expect(output?.message == "no agent provides the output podcast asked for by the goal")
    }

    @Test func missingHardDependency() {
        let catalog = Catalog(agents: [
            Fixtures.agent("writer", order: 0, dependencies: [.capability("market_research")], seconds: 1)
        ])
        let error = planningError(catalog, WorkflowRequest(goal: .agents(["writer"])))
        #expect(error?.code == .missingDependency)
        #expect(error?.message == "agent writer has a hard dependency on capability market_research, which no agent in the catalog provides")
    }

    @Test func missingTemplate() {
        let request = WorkflowRequest(campaign: ["campaign_type": "podcast"])
        #expect(planningError(Fixtures.sevenCatalog, request)?.code == .noTemplate)
        #expect(planningError(Fixtures.sevenCatalog, WorkflowRequest())?.code == .noTemplate)
    }

    @Test func resourceDemandAboveTheLimit() {
        let catalog = Catalog(agents: [Fixtures.agent("writer", order: 0, seconds: 1, resources: ["llm": 3])])
        let error = planningError(catalog, WorkflowRequest(goal: .agents(["writer"]), resources: ["llm": 2]))
        #expect(error?.code == .resourceLimit)
        #expect(error?.message == "agent writer needs 3 llm but request.resources.llm allows only 2")
    }

    @Test func negativeEstimate() {
        let catalog = Catalog(agents: [Fixtures.agent("writer", order: 0, seconds: -5)])
        #expect(planningError(catalog, WorkflowRequest(goal: .agents(["writer"])))?.code == .invalidEstimate)
    }

    @Test func storedPlanErrorsNameTheField() throws {
        var json = try Planner(catalog: Fixtures.sevenCatalog).plan(Fixtures.request(.adaptive)).json
        guard case .object(var members) = json, case .array(var agents) = members["agents"]!,
            case .object(var first) = agents[0]
        else { Issue.record("plan JSON shape"); return }
        first["slack"] = "none"
        agents[0] = .object(first)
        members["agents"] = .array(agents)
        json = .object(members)
        #expect(throws: PlanningError.badPlan("plan.agents[0].slack", "must be a number")) { try ExecutionPlan(json: json) }
    }
}
