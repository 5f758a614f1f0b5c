import Foundation
import TestSupport
import Testing

/// The README's main job, `agenthost run Examples/blog-campaign.json`, through the real
/// binary and the nine sample plugins, plus c-function agents inside a workflow.
@Suite struct DemoCampaignTests {
    @Test func theDemoCampaignProducesEveryArtifact() throws {
        let out = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try AgentHostProcess.run(["run", "Examples/blog-campaign.json", "--out", out, "--id", "demo-e2e"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("workflow.completed"), "\(result.stdout)")
        let folder = out + "/demo-e2e"
        let expected = [
            "article.md", "article.html", "cover.svg", "social.json", "calendar.ics", "newsletter.html", "seo.json",
        ]
        for file in expected {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(folder)/\(file)")[.size] as? Int) ?? 0
            #expect(size > 400, "\(file) is missing or trivial (\(size) bytes)")
        }
        let article = try String(contentsOfFile: folder + "/article.md", encoding: .utf8)
        #expect(article.components(separatedBy: "\n## ").count >= 4, "the article has its outline sections")
        #expect(article.contains("[1]") && article.contains("[2]") && article.contains("[3]"), "it cites the sources")
        let calendar = try String(contentsOfFile: folder + "/calendar.ics", encoding: .utf8)
        #expect(calendar.contains("BEGIN:VEVENT") && calendar.contains("DTSTART"))
        // The editor edited, the page is styled with its cover, and the summary's checks are all true.
        let draft = try String(contentsOfFile: folder + "/draft.md", encoding: .utf8)
        let edited = try String(contentsOfFile: folder + "/edited.md", encoding: .utf8)
        #expect(draft != edited, "edited.md is the draft unchanged")
        let html = try String(contentsOfFile: folder + "/article.html", encoding: .utf8)
        #expect(html.contains("<style>") && html.contains("<img src=\"cover.svg\"") && html.contains("href=\"#ref-1\""))
        let summary = try String(contentsOfFile: folder + "/campaign_summary.md", encoding: .utf8)
        let seo = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/seo.json"))) as? [String: Any]
        let failedSEO = seo?["failed_checks"] as? [String] ?? ["?"]
        #expect(failedSEO.isEmpty == summary.contains("- [x] seo_checks:"), "\(failedSEO) vs \(summary)")
        #expect(summary.contains("Checks: all") == !summary.contains("- [ ] "))
        #expect(summary.contains("- [x] dependencies:"))
    }

    @Test func anUnreadableSourceIsAFailedCheckInTheDemosSummary() throws {
        let out = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        // Not UTF-8: the check before the run finds a readable file, the researcher fails on it.
        let unreadable = out + "/not-utf8.md"
        try Data([0x23, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: unreadable))
        let url = URL(fileURLWithPath: repositoryRoot + "/Examples/blog-campaign.json")
        var request = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var campaign = try #require(request["campaign"] as? [String: Any])
        campaign["sources"] = (campaign["sources"] as? [String] ?? []).map { path -> String in
            let full = repositoryRoot + "/Examples/" + path
            return path.hasSuffix("funding-and-planning.md") ? unreadable : full
        }
        request["campaign"] = campaign
        try JSONSerialization.data(withJSONObject: request).write(to: URL(fileURLWithPath: out + "/request.json"))
        let result = try AgentHostProcess.run(["run", out + "/request.json", "--out", out, "--id", "missing", "--no-store"])
        #expect(result.stdout.contains("researcher"), "\(result.stdout)\(result.stderr)")
        let summary = try String(contentsOfFile: out + "/missing/campaign_summary.md", encoding: .utf8)
        #expect(summary.contains("- [ ] dependencies: writer worked without researcher"), "\(summary)")
        #expect(!summary.contains("Checks: all"))
    }

    @Test func cFunctionAgentsRunInsideAWorkflowWithPluginAgents() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let request = """
            {"campaign": {"title": "Solar for schools", "keywords": ["solar", "schools"],
                          "sources": ["\(repositoryRoot)/Examples/sources/solar-basics.md"]},
             "goal": {"outputs": ["word_count"]}}
            """
        try request.write(toFile: folder + "/request.json", atomically: true, encoding: .utf8)
        let result = try AgentHostProcess.run(["run", folder + "/request.json", "--json", "--out", folder + "/out"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let events = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let completed = events.filter { $0["type"] as? String == "agent.completed" }.compactMap { $0["agent"] as? String }
        #expect(completed.contains("planner") && completed.contains("writer") && completed.contains("word_count"))
        let wordCount = events.first { $0["type"] as? String == "agent.completed" && $0["agent"] as? String == "word_count" }
        let output = (wordCount?["data"] as? [String: Any])?["output"] as? [String: Any]
        #expect(((output?["word_count"] as? NSNumber)?.intValue ?? 0) > 100, "\(String(describing: output))")
    }

    @Test func invokeCbrtThroughLibm() throws {
        let result = try AgentHostProcess.run(["invoke", "cbrt", "--input", #"{"x": 27}"#])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let root = (object?["cube_root"] as? NSNumber)?.doubleValue ?? 0
        #expect(abs(root - 3) < 1e-9)
    }

    @Test func invokeCbrtWithAWrongTypeIsAClearAgentError() throws {
        let result = try AgentHostProcess.run(["invoke", "cbrt", "--input", #"{"x": "twenty-seven"}"#])
        #expect(result.status == 1)
        #expect(result.stderr.contains("x"), "\(result.stderr)")
    }
}
