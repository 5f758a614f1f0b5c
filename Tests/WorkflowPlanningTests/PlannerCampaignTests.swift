import AgentCatalog
import Testing

@testable import WorkflowPlanning

/// An agent whose manifest declares `properties` (closed unless `open`) as its input_schema.
private func agent(
    _ name: String, dependencies: [String] = [], properties: [String: InputSchema.JSONType]?, required: [String] = [],
    open: Bool = false
) -> Manifest {
    var manifest = Manifest(name: name, dependencies: dependencies.map { .agent($0) }, estimateSeconds: 1)
    if let properties {
        var schema = InputSchema(types: [.object], required: required, additionalProperties: open)
        for (field, type) in properties.sorted(by: { $0.key < $1.key }) { schema.properties[field] = InputSchema(types: [type]) }
        manifest.inputSchema = schema
    }
    return manifest
}

private func plan(_ agents: [Manifest], campaign: JSONValue, goal: String) -> PlanningError? {
    do {
        let request = try WorkflowRequest(json: ["campaign": campaign, "goal": ["agents": [.string(goal)]]])
        _ = try Planner(catalog: Catalog(agents: agents)).plan(request)
        return nil
    } catch {
        return error
    }
}

@Suite struct PlannerCampaignTests {
    static let closed = [
        agent("planner", properties: ["title": .string, "brief": .string]),
        agent("writer", dependencies: ["planner"], properties: ["title": .string, "sources": .array], required: ["title"]),
    ]

    @Test func anUnknownCampaignFieldIsNamedWithTheClosestDeclaredOne() throws {
        let error = try #require(plan(Self.closed, campaign: ["titel": "Solar"], goal: "writer"))
        #expect(error.code == .badRequest)
        #expect(error.message.hasPrefix("`campaign.titel` is unknown; did you mean `title`?"))
        #expect(error.message.hasSuffix("and 1 more"))
        #expect(error.details["field"] == "campaign.titel")
        #expect(error.details["suggestion"] == "title")
        #expect(error.details["violations"]?.arrayValue?.count == 2)
    }

    @Test func typesAndRequiredFieldsAreCheckedPerAgent() throws {
        let wrongType = try #require(plan(Self.closed, campaign: ["title": 3], goal: "writer"))
        #expect(wrongType.message == "`campaign.title` must be string, not an integer (declared by planner, writer)")
        let missing = try #require(plan(Self.closed, campaign: ["brief": "b"], goal: "writer"))
        #expect(missing.message == "`campaign.title` is required but missing (declared by planner, writer)")
        #expect(plan(Self.closed, campaign: ["title": "T", "brief": "b", "campaign_type": "blog_creation"], goal: "writer") == nil)
    }

    @Test func unknownFieldsPassWhenAPlannedAgentMayReadAnything() {
        let undeclared = [Self.closed[0], agent("writer", dependencies: ["planner"], properties: nil)]
        #expect(plan(undeclared, campaign: ["titel": "x"], goal: "writer") == nil)
        let open = [Self.closed[0], agent("writer", dependencies: ["planner"], properties: ["title": .string], open: true)]
        #expect(plan(open, campaign: ["titel": "x"], goal: "writer") == nil)
        // Only the planned agents count: the planner alone does not read sources.
        #expect(plan(Self.closed, campaign: ["sources": []], goal: "planner")?.details["field"] == "campaign.sources")
    }

    @Test func unknownRequestNamesSuggestTheClosestValidOne() throws {
        let agents = Self.closed
        let unknownAgent = try #require(plan(agents, campaign: ["title": "T"], goal: "writr"))
        #expect(unknownAgent.message.hasSuffix("which is not in the catalog; did you mean `writer`?"))
        #expect(unknownAgent.details["suggestion"] == "writer")
        #expect(throws: PlanningError.self) { try WorkflowRequest(json: ["strategy": "adaptve"]) }
        do {
            _ = try WorkflowRequest(json: ["strategy": "adaptve"])
        } catch {
            #expect(error.message.hasSuffix("did you mean `adaptive`?"))
        }
        do {
            _ = try WorkflowRequest(json: ["recovery": "skp"])
        } catch {
            #expect(error.message.hasSuffix("did you mean `skip`?"))
        }
    }
}
