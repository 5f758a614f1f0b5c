// Chain.swift — runs the nine agents in dependency order, feeding each the outputs of its
// dependencies, as the host would for the demo campaign.
import AgentPluginABI
import Foundation

/// The sample agents, loaded through the harness.
enum Agents {
    /// Libraries and entry symbols of the agents by name.
    static let libraries: [String: (library: String, entry: String)] = [
        "planner": ("libPlannerAgent.so", "agent_plugin_entry"),
        "researcher": ("libResearcherAgent.so", "agent_plugin_entry"),
        "writer": ("libWriterAgent.so", "agent_plugin_entry"),
        "writer_lite": ("libWriterAgent.so", "writer_lite_plugin_entry"),
        "editor": ("libEditorAgent.so", "agent_plugin_entry"),
        "seo": ("libSEOAgent.so", "agent_plugin_entry"),
        "image": ("libImageAgent.so", "agent_plugin_entry"),
        "social_media": ("libSocialMediaAgent.so", "agent_plugin_entry"),
        "campaign_manager": ("libCampaignManagerAgent.so", "agent_plugin_entry"),
        "content_repurposer": ("libContentRepurposerAgent.so", "agent_plugin_entry"),
    ]

    /// Loads agent `name`.
    static func load(_ name: String) throws -> LoadedAgent {
        guard let entry = libraries[name] else { throw HarnessError("unknown agent \(name)") }
        return try LoadedAgent(library: entry.library, entry: entry.entry)
    }
}

/// One run of the whole pipeline.
struct ChainRun {
    /// Output object of each agent.
    var outputs: [String: [String: Any]] = [:]
    /// Raw output bytes of each agent.
    var bytes: [String: Data] = [:]

    /// Dependencies fed to each agent, in run order.
    static let order: [(String, [String])] = [
        ("planner", []),
        ("researcher", ["planner"]),
        ("writer", ["planner", "researcher"]),
        ("editor", ["writer"]),
        ("image", ["planner"]),
        ("seo", ["writer", "editor", "image"]),
        ("social_media", ["editor", "seo"]),
        ("content_repurposer", ["editor", "seo"]),
        ("campaign_manager", ["planner", "seo", "social_media", "image", "content_repurposer"]),
    ]

    /// Soft dependencies, which receive {"error": ...} for a failed dependency (as the host passes it).
    static let soft: Set<String> = ["writer>researcher", "campaign_manager>social_media"]

    /// Runs every agent on `campaign`, writing files under `artifacts` when given. An agent
    /// named in `mayFail` that fails hands its soft dependents `{"error": message}` as the
    /// host does; any other failure throws.
    static func run(campaign: [String: Any] = Fixtures.campaign, artifacts: String?, mayFail: Set<String> = []) throws -> ChainRun {
        var chain = ChainRun()
        for (name, dependencies) in order {
            var inputs: [String: Any] = [:]
            for d in dependencies {
                if let error = chain.errors[d] {
                    if soft.contains("\(name)>\(d)") { inputs[d] = ["error": error] } else { throw HarnessError("\(name): hard dependency \(d) failed") }
                } else {
                    inputs[d] = chain.outputs[d]
                }
            }
            let result = try Agents.load(name).run(
                Fixtures.input(agent: name, inputs: inputs, campaign: campaign, artifacts: artifacts))
            guard result.status == AGENT_STATUS_OK, let object = result.object else {
                if mayFail.contains(name) {
                    chain.errors[name] = result.text
                    continue
                }
                throw HarnessError("\(name) failed with status \(result.status): \(result.text)")
            }
            chain.outputs[name] = object
            chain.bytes[name] = result.bytes
        }
        return chain
    }

    /// Error messages of the agents that failed (only those allowed to).
    var errors: [String: String] = [:]
}

extension Dictionary where Key == String, Value == Any {
    /// The object at a dotted path, or nil.
    func object(_ path: String) -> [String: Any]? {
        var current: Any? = self
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current as? [String: Any]
    }

    /// The string at a dotted path, or nil.
    func string(_ path: String) -> String? {
        let keys = path.split(separator: ".").map(String.init)
        guard let last = keys.last else { return nil }
        let parent = keys.count == 1 ? self : object(keys.dropLast().joined(separator: "."))
        return parent?[last] as? String
    }
}
