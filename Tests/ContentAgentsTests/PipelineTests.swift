// PipelineTests.swift — the whole demo pipeline: artifacts, determinism, fallbacks.
import AgentPluginABI
import Foundation
import Testing

@Suite struct PipelineTests {
    /// Artifacts the issue promises for the demo campaign, with a minimum size in bytes.
    static let expected: [String: Int] = [
        "article.md": 3000, "article.html": 3000, "cover.svg": 1000, "social.json": 1000, "calendar.ics": 1000,
        "newsletter.html": 2000, "seo.json": 1000, "slides.md": 500, "summary.md": 200, "campaign_summary.md": 300,
        "content_plan.md": 200, "research.md": 1000, "draft.md": 3000, "edited.md": 3000,
    ]

    @Test func demoCampaignProducesEveryArtifact() throws {
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try ChainRun.run(artifacts: folder)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        for (name, minimum) in Self.expected {
            let size = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? 0
            #expect(size >= minimum, "\(name): \(size) bytes, expected at least \(minimum)")
        }
        // Every file on disk was announced by an agent, and every announced file exists.
        let announced = chain.outputs.values.flatMap { $0["artifacts"] as? [String] ?? [] }
        #expect(Set(announced) == Set(files))
        // The final article has every outline section and cites the sources.
        let article = try String(contentsOfFile: folder + "/article.md", encoding: .utf8)
        let outline = chain.outputs["planner"]?.object("outline")?["sections"] as? [[String: Any]] ?? []
        #expect(outline.count >= 5)
        let written = chain.outputs["writer"]?.object("blog_content")?["sections"] as? [[String: Any]] ?? []
        #expect(written.map { $0["id"] as? String } == outline.map { $0["id"] as? String })
        for section in written { #expect(article.contains("\n## \(section["heading"] as? String ?? "?")\n")) }
        #expect(article.contains("## Sources\n\n1. How rooftop solar panels work (sources/solar-basics.md)"))
        let citations = article.matches(of: /\[(\d)\]/).map { Int($0.1) ?? 0 }
        #expect(Set(citations) == [1, 2, 3])
    }

    @Test func thePipelineIsDeterministic() throws {
        let first = Fixtures.artifactsFolder("first")
        let second = Fixtures.artifactsFolder("second")
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let a = try ChainRun.run(artifacts: first)
        let b = try ChainRun.run(artifacts: second)
        for (name, _) in ChainRun.order {
            // Outputs may name the artifacts folder only through file names, never paths.
            #expect(a.bytes[name] == b.bytes[name], "\(name) output differs between runs")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: first) {
            let x = try Data(contentsOf: URL(fileURLWithPath: first + "/" + file))
            let y = try Data(contentsOf: URL(fileURLWithPath: second + "/" + file))
            #expect(x == y, "\(file) differs between runs")
        }
    }

    @Test func writerLiteOutputFeedsTheEditorInTheWritersPlace() throws {
        let plan = try #require(Agents.load("planner").run(Fixtures.input(agent: "planner")).object)
        let lite = try #require(Agents.load("writer_lite").run(Fixtures.input(agent: "writer_lite", inputs: ["planner": plan])).object)
        let edited = try Agents.load("editor").run(Fixtures.input(agent: "editor", inputs: ["writer_lite": lite]))
        #expect(edited.status == AGENT_STATUS_OK, "\(edited.text)")
        #expect((edited.object?.object("edited_content")?["markdown"] as? String)?.contains("## Conclusion") == true)
    }

    @Test func repurposingExampleRunsAndSchedulesNewsletterAndSlides() throws {
        let url = URL(fileURLWithPath: Fixtures.examples + "/repurpose-campaign.json")
        let request = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let campaign = try #require(request["campaign"] as? [String: Any])
        let chain = try ChainRun.run(campaign: campaign, artifacts: nil)
        let events = chain.outputs["campaign_manager"]?.object("campaign_schedule")?["events"] as? [[String: Any]] ?? []
        let kinds = events.compactMap { $0["kind"] as? String }
        #expect(kinds.contains("newsletter") && kinds.contains("slides"))
        #expect(events.first?["date"] as? String == "2025-09-01")
        let posts = chain.outputs["social_media"]?.object("social_posts")?["posts"] as? [[String: Any]] ?? []
        #expect(posts.compactMap { $0["platform"] as? String } == ["linkedin", "x", "mastodon"])
    }

    @Test func swiftAgentsStopWhenTheHostCancels() throws {
        let plan = try #require(Agents.load("planner").run(Fixtures.input(agent: "planner")).object)
        let writer = try LoadedAgent(library: "libWriterAgent.so", cancelled: true)
        let result = try writer.run(Fixtures.input(agent: "writer", inputs: ["planner": plan]))
        #expect(result.status == AGENT_STATUS_CANCELLED)
        #expect(result.text == "writer: cancelled by the host")
    }
}
