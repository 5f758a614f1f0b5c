import AgentCatalog
import Foundation
import Testing
@testable import WorkflowPlanning

/// Plans the files under Examples/seed-graph and AgentManifests/templates. The manifest reader
/// here covers only the fields planning uses; the real loader lives in AgentCatalog.
@Suite struct ExampleDataTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue(parsing: String(decoding: try Data(contentsOf: root.appendingPathComponent(relative)), as: UTF8.self))
    }

    static func manifest(_ json: JSONValue, order: Int) -> Manifest {
        Manifest(
            name: json["name"]!.stringValue!, capabilities: json["capabilities"]!.arrayValue!.map { $0.stringValue! },
            dependencies: json["dependencies"]!.arrayValue!.map { .agent($0.stringValue!) },
            outputs: json["outputs"]!.arrayValue!.map { $0.stringValue! }, estimateSeconds: json["estimate_seconds"]!.doubleValue!,
            source: ManifestSource(file: "seed", order: order))
    }

    static func template(_ json: JSONValue) -> WorkflowTemplate {
        #expect(json["template_version"] == 1)
        var contentTypes: [String: [String]] = [:]
        for (key, value) in json["content_types"]!.objectValue! { contentTypes[key] = value.arrayValue!.map { $0.stringValue! } }
        return WorkflowTemplate(
            campaignType: json["campaign_type"]!.stringValue!, description: json["description"]!.stringValue!,
            requiredCapabilities: json["required_capabilities"]!.arrayValue!.map { $0.stringValue! },
            contentTypes: contentTypes, includeImages: json["include_images"]!.arrayValue!.map { $0.stringValue! })
    }

    @Test func seedGraphRequestGivesTheIssuesNumbers() throws {
        let names = ["planner", "researcher", "writer", "editor", "seo", "image", "social_media"]
        let agents = try names.enumerated().map { try Self.manifest(Self.json("Examples/seed-graph/agents/\($1).json"), order: $0) }
        let request = try WorkflowRequest(json: try Self.json("Examples/seed-graph/request.json"))
        let planner = Planner(catalog: Catalog(agents: agents))
        let plan = try planner.plan(request)
        #expect(plan.estimatedSeconds == 990)
        #expect(plan.criticalPath == ["planner", "researcher", "writer", "editor", "seo", "social_media"])
        #expect(plan.agent(named: "image")?.slack == 630)
        var sequential = request, parallel = request
        sequential.strategy = .sequential
        parallel.strategy = .parallel
        #expect(try planner.plan(sequential).estimatedSeconds == 1230)
        #expect(try planner.plan(parallel).estimatedSeconds == 1050)
    }

    @Test func templatesPlanAgainstTheSampleCapabilities() throws {
        let templates = try ["blog_creation", "content_repurposing"].map {
            Self.template(try Self.json("AgentManifests/templates/\($0).json"))
        }
        let agents = Fixtures.sevenAgents + [
            Fixtures.agent("campaign_manager", order: 7, capabilities: ["campaign_management"],
                           dependencies: [.agent("seo")], seconds: 60),
            Fixtures.agent("content_repurposer", order: 8, capabilities: ["content_repurposing"],
                           dependencies: [.agent("editor")], seconds: 120),
        ]
        let planner = Planner(catalog: Catalog(agents: agents, templates: templates))
        let blog = try planner.plan(WorkflowRequest(
            campaign: ["campaign_type": "blog_creation", "content_types": ["blog_post", "image"]]))
        #expect(Set(blog.order) == ["planner", "researcher", "writer", "editor", "seo", "image", "campaign_manager"])
        let repurpose = try planner.plan(WorkflowRequest(
            campaign: ["campaign_type": "content_repurposing", "content_types": ["social_media"]]))
        #expect(Set(repurpose.order) == [
            "planner", "researcher", "writer", "editor", "content_repurposer", "seo", "social_media",
        ])
    }
}
