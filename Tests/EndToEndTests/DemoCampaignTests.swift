import Foundation
import Testing

/// The README's main job, `agenthost run Examples/blog-campaign.json`, through the real
/// binary and the nine sample plugins, plus c-function agents inside a workflow.
@Suite struct DemoCampaignTests {
    @Test func theDemoCampaignProducesEveryArtifact() throws {
        let out = try AgentHostProcess.temporaryFolder()
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
    }

    @Test func cFunctionAgentsRunInsideAWorkflowWithPluginAgents() throws {
        let folder = try AgentHostProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let request = """
            {"campaign": {"title": "Solar for schools", "keywords": ["solar", "schools"],
                          "sources": ["\(AgentHostProcess.repositoryRoot)/Examples/sources/solar-basics.md"]},
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
