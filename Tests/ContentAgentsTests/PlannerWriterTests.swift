// PlannerWriterTests.swift — the foundation's two samples: planner (C) and writer (Swift).
import AgentPluginABI
import Foundation
import Testing

@Suite struct PlannerWriterTests {
    let planner = try! LoadedAgent(library: "libPlannerAgent.so")
    let writer = try! LoadedAgent(library: "libWriterAgent.so")
    let writerLite = try! LoadedAgent(library: "libWriterAgent.so", entry: "writer_lite_plugin_entry")

    @Test func descriptorsCarryTheManifestNames() {
        #expect(planner.name == "planner")
        #expect(writer.name == "writer")
        #expect(writerLite.name == "writer_lite")
    }

    @Test func plannerBuildsOutlineThemesAndCalendar() throws {
        let result = try planner.run(Fixtures.input(agent: "planner"))
        #expect(result.status == AGENT_STATUS_OK, "\(result.text)")
        let output = try #require(result.object)
        let themes = output["key_themes"] as? [String] ?? []
        #expect(Array(themes.prefix(3)) == ["solar", "schools", "energy"])
        let outline = try #require(output["outline"] as? [String: Any])
        let sections = try #require(outline["sections"] as? [[String: Any]])
        #expect(sections.first?["heading"] as? String == "Introduction")
        #expect(sections.last?["heading"] as? String == "Conclusion")
        #expect(sections.count >= 4)
        let targets = sections.compactMap { ($0["target_words"] as? NSNumber)?.intValue }
        #expect(targets.count == sections.count && targets.allSatisfy { $0 > 0 })
        #expect((outline["total_words"] as? NSNumber)?.intValue == targets.reduce(0, +))
        let calendar = try #require(output["calendar"] as? [[String: Any]])
        #expect(calendar.first?["date"] as? String == "2025-03-03")
        #expect(calendar.contains { $0["channel"] as? String == "social" })
        let weekdays = calendar.compactMap { $0["weekday"] as? String }
        #expect(!weekdays.contains("Saturday") && !weekdays.contains("Sunday"))
    }

    @Test func plannerRejectsAnEmptyCampaignAndABadDate() throws {
        let empty = try planner.run(Fixtures.input(agent: "planner", campaign: [:]))
        #expect(empty.status == AGENT_STATUS_ERROR)
        #expect(empty.text.contains("no title, brief or keywords"))
        var campaign = Fixtures.campaign
        campaign["start_date"] = "2025-02-30"
        let badDate = try planner.run(Fixtures.input(agent: "planner", campaign: campaign))
        #expect(badDate.status == AGENT_STATUS_ERROR)
        #expect(badDate.text.contains("campaign.start_date"))
        let garbage = planner.run(json: Data("[1,2".utf8))
        #expect(garbage.status == AGENT_STATUS_ERROR)
        #expect(garbage.text.contains("not a JSON object"))
    }

    @Test func plannerWritesItsPlanAndIsDeterministic() throws {
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try planner.run(Fixtures.input(agent: "planner", artifacts: folder + "/nested"))
        let second = try planner.run(Fixtures.input(agent: "planner", artifacts: folder + "/nested"))
        #expect(first.bytes == second.bytes)
        #expect(first.object?["artifacts"] as? [String] == ["content_plan.md"])
        let plan = try String(contentsOfFile: folder + "/nested/content_plan.md", encoding: .utf8)
        #expect(plan.contains("# Content plan: Solar power for schools"))
    }

    @Test func writerWithoutResearchStillCitesSourcesAndSaysSo() throws {
        let plan = try #require(planner.run(Fixtures.input(agent: "planner")).object)
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let inputs: [String: Any] = ["planner": plan, "researcher": ["error": "researcher timed out"]]
        let result = try writer.run(Fixtures.input(agent: "writer", inputs: inputs, artifacts: folder))
        #expect(result.status == AGENT_STATUS_OK, "\(result.text)")
        let output = try #require(result.object)
        let content = try #require(output["blog_content"] as? [String: Any])
        let markdown = try #require(content["markdown"] as? String)
        let planned = (plan["outline"] as? [String: Any])?["sections"] as? [[String: Any]] ?? []
        let written = content["sections"] as? [[String: Any]] ?? []
        #expect(written.map { $0["id"] as? String } == planned.map { $0["id"] as? String })
        for section in written { #expect(markdown.contains("\n## \(section["heading"] as? String ?? "?")\n")) }
        #expect(markdown.contains("[1]"))
        #expect(markdown.contains("## Sources"))
        #expect(((output["notes"] as? [String]) ?? []).contains { $0.contains("researcher timed out") })
        // It says in its output that it worked without the researcher, and why.
        let degraded = output["worked_without"] as? [[String: Any]] ?? []
        #expect(degraded.count == 1)
        #expect(degraded.first?["agent"] as? String == "writer" && degraded.first?["dependency"] as? String == "researcher")
        #expect(degraded.first?["error"] as? String == "researcher timed out")
        #expect((degraded.first?["effect"] as? String)?.contains("without the researcher") == true)
        #expect((content["source_words"] as? NSNumber)?.intValue ?? 0 > 200)
        #expect(try String(contentsOfFile: folder + "/draft.md", encoding: .utf8) == markdown)
    }

    @Test func writerFailsClearlyWithoutAnOutline() throws {
        let result = try writer.run(Fixtures.input(agent: "writer"))
        #expect(result.status == AGENT_STATUS_ERROR)
        #expect(result.text.contains("writer: no planner outline"))
    }

    @Test func writerLiteWorksFromThePlanAloneAndIsDeterministic() throws {
        let plan = try #require(planner.run(Fixtures.input(agent: "planner")).object)
        let input = Fixtures.input(agent: "writer_lite", inputs: ["planner": plan])
        let first = try writerLite.run(input)
        let second = try writerLite.run(input)
        #expect(first.status == AGENT_STATUS_OK, "\(first.text)")
        #expect(first.bytes == second.bytes)
        let content = try #require(first.object?["blog_content"] as? [String: Any])
        #expect(content["written_by"] as? String == "writer_lite")
        #expect((content["markdown"] as? String)?.contains("## Introduction") == true)
    }
}
