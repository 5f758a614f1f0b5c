// Fixtures.swift — the fixed campaign and the chain of inputs the agent tests share.
import Foundation

/// Fixed inputs shared by the agent tests.
enum Fixtures {
    /// The repository's Examples folder (source paths resolve against it).
    static let examples: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Examples").path
    }()

    /// The demo campaign, as in Examples/blog-campaign.json.
    static var campaign: [String: Any] { [
        "title": "Solar power for schools",
        "campaign_type": "blog_creation",
        "content_types": ["blog_post", "image", "social_media"],
        "brief": "Explain to school leaders how rooftop solar panels cut energy costs, how the school day matches solar generation, and how a school can fund and plan an installation.",
        "audience": "school business managers",
        "keywords": ["solar", "schools", "energy"],
        "goals": ["awareness", "enquiries"],
        "sources": ["sources/solar-basics.md", "sources/schools-energy.md", "sources/funding-and-planning.md"],
        "start_date": "2025-03-03",
        "tone": "practical",
        "include_images": true,
    ] }

    /// The campaign of the request `Examples/<file>`.
    static func exampleCampaign(_ file: String) -> [String: Any] {
        let url = URL(fileURLWithPath: examples + "/" + file)
        let request = (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any]
        return request?["campaign"] as? [String: Any] ?? [:]
    }

    /// The demo campaign and a second one on another topic, from other sources
    /// (Examples/cycling-campaign.json, Examples/sources-cycling/), so checks are not tuned to one input.
    static var campaigns: [(name: String, campaign: [String: Any])] {
        [("solar", exampleCampaign("blog-campaign.json")), ("cycling", exampleCampaign("cycling-campaign.json"))]
    }

    /// A fresh, empty artifacts folder.
    static func artifactsFolder(_ name: String = #function) -> String {
        let path = NSTemporaryDirectory() + "content-agents-\(getpid())-\(name.filter { $0.isLetter })-\(UUID().uuidString)"
        return path
    }

    /// The input object the host would pass to `agent`.
    static func input(
        agent: String, inputs: [String: Any] = [:], campaign: [String: Any] = Fixtures.campaign,
        artifacts: String? = nil
    ) -> [String: Any] {
        var input: [String: Any] = [
            "workflow_id": "wf-test", "agent": agent, "attempt": 1, "campaign": campaign, "inputs": inputs,
            "base_dir": examples,
        ]
        if let artifacts { input["artifacts_dir"] = artifacts }
        return input
    }
}
