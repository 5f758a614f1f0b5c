import Foundation
import TestSupport
import Testing

/// `agenthost plan` on the seed's seven-agent graph and on bad requests.
@Suite struct PlanCommandTests {
    /// --no-store: a store left in the repository by earlier runs must not change the estimates.
    private let seed = ["--manifests", "Examples/seed-graph/agents", "--no-store"]

    @Test func tableShowsTheSeedPlan() throws {
        let result = try AgentHostProcess.run(["plan", "Examples/seed-graph/request.json"] + seed)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("estimated duration: 16 min 30 s"))
        #expect(result.stdout.contains("critical path: planner -> researcher -> writer -> editor -> seo -> social_media = 16 min 30 s"))
        #expect(result.stdout.contains("image has 10 min 30 s of slack"))
    }

    @Test(arguments: [("sequential", 1230.0), ("parallel", 1050.0), ("adaptive", 990.0)])
    func jsonCarriesEachStrategysEstimate(strategy: String, seconds: Double) throws {
        let result = try AgentHostProcess.run(
            ["plan", "Examples/seed-graph/request.json", "--strategy", strategy, "--format", "json"] + seed)
        #expect(result.status == 0, "\(result.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(plan?["strategy"] as? String == strategy)
        #expect((plan?["estimated_seconds"] as? NSNumber)?.doubleValue == seconds)
    }

    @Test func maxConcurrencyOneMakesAdaptiveSequential() throws {
        let result = try AgentHostProcess.run(
            ["plan", "Examples/seed-graph/request.json", "--max-concurrency", "1"] + seed)
        #expect(result.stdout.contains("estimated duration: 20 min 30 s"), "\(result.stdout)")
    }

    @Test func dotAndMermaidOutputs() throws {
        let dot = try AgentHostProcess.run(["plan", "Examples/seed-graph/request.json", "--format", "dot"] + seed)
        #expect(dot.stdout.hasPrefix("digraph plan {"))
        let mermaid = try AgentHostProcess.run(["plan", "Examples/seed-graph/request.json", "--format", "mermaid"] + seed)
        #expect(mermaid.stdout.contains("planner"))
        #expect(mermaid.status == 0)
    }

    @Test func anUnknownRequestFieldIsNamedAndExits2() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{"campaign": {}, "goal": {"agents": ["planner"]}, "stratgey": "adaptive"}"#
            .write(toFile: folder + "/request.json", atomically: true, encoding: .utf8)
        let result = try AgentHostProcess.run(["plan", folder + "/request.json"] + seed)
        #expect(result.status == 2)
        #expect(result.stderr.contains("stratgey"), "\(result.stderr)")
    }

    @Test func malformedRequestJSONNamesLineAndColumn() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "{\n  \"campaign\": {,\n}".write(toFile: folder + "/request.json", atomically: true, encoding: .utf8)
        let result = try AgentHostProcess.run(["plan", folder + "/request.json"] + seed)
        #expect(result.status == 2)
        #expect(result.stderr.contains("request.json:2:"), "\(result.stderr)")
    }

    @Test func aCycleIsRejectedNamingTheWholeCycle() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let agents: [(String, String)] = [("writer", "seo"), ("editor", "writer"), ("seo", "editor")]
        for (name, dependency) in agents {
            let manifest = """
                {"manifest_version": 1, "name": "\(name)", "version": "1.0.0", "library": "lib\(name).so",
                 "capabilities": ["\(name)"], "dependencies": ["\(dependency)"]}
                """
            try manifest.write(toFile: "\(folder)/\(name).json", atomically: true, encoding: .utf8)
            chmod("\(folder)/\(name).json", 0o644)
        }
        let requestFolder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: requestFolder) }
        try #"{"goal": {"agents": ["seo"]}}"#.write(toFile: requestFolder + "/request.json", atomically: true, encoding: .utf8)
        let result = try AgentHostProcess.run(["plan", requestFolder + "/request.json", "--manifests", folder])
        #expect(result.status == 2)
        let rotations = ["writer -> editor -> seo -> writer", "editor -> seo -> writer -> editor", "seo -> writer -> editor -> seo"]
        #expect(rotations.contains { result.stderr.contains("dependency cycle: \($0)") }, "\(result.stderr)")
    }
}
