import AgentCatalog
import WorkflowPlanning

/// The seven-agent content graph of the seed, in code (Examples/seed-graph holds the same as files).
enum Fixtures {
    static func agent(
        _ name: String, order: Int, capabilities: [String] = [], dependencies: [Dependency] = [],
        outputs: [String] = [], seconds: Double, parallelSafe: Bool = true, resources: [String: Int] = [:],
        alternatives: [String] = []
    ) -> Manifest {
        Manifest(
            name: name, library: "lib\(name).so", capabilities: capabilities, dependencies: dependencies,
            outputs: outputs, estimateSeconds: seconds, parallelSafe: parallelSafe, resources: resources,
            alternatives: alternatives, source: ManifestSource(file: "AgentManifests/\(name).json", order: order))
    }

    static let sevenAgents: [Manifest] = [
        agent("planner", order: 0, capabilities: ["content_strategy"], outputs: ["content_plan"], seconds: 120),
        agent("researcher", order: 1, capabilities: ["research"], dependencies: [.agent("planner")],
              outputs: ["research_notes"], seconds: 180),
        agent("writer", order: 2, capabilities: ["content_creation"],
              dependencies: [.agent("planner"), .agent("researcher")], outputs: ["blog_content"], seconds: 300),
        agent("editor", order: 3, capabilities: ["editing"], dependencies: [.agent("writer")],
              outputs: ["edited_content"], seconds: 180),
        agent("seo", order: 4, capabilities: ["seo_optimization"], dependencies: [.agent("writer"), .agent("editor")],
              outputs: ["optimized_content"], seconds: 120),
        agent("image", order: 5, capabilities: ["image_generation"], dependencies: [.agent("planner")],
              outputs: ["images"], seconds: 240),
        agent("social_media", order: 6, capabilities: ["social_media"], dependencies: [.agent("editor"), .agent("seo")],
              outputs: ["social_posts"], seconds: 90),
    ]

    static let blogTemplate = WorkflowTemplate(
        campaignType: "blog_creation", description: "A researched, edited, SEO-optimized blog post",
        requiredCapabilities: ["content_strategy", "research", "content_creation", "editing", "seo_optimization"],
        contentTypes: ["image": ["image_generation"], "social_media": ["social_media"]],
        includeImages: ["image_generation"])

    static var sevenCatalog: Catalog { Catalog(agents: sevenAgents, templates: [blogTemplate]) }

    static func request(_ strategy: Strategy, maxConcurrency: Int = 4, goal: WorkflowRequest.Goal? = .agents(["social_media", "image"])) -> WorkflowRequest {
        WorkflowRequest(goal: goal, strategy: strategy, maxConcurrency: maxConcurrency)
    }
}
