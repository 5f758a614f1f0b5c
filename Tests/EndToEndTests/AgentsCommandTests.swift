import Foundation
import TestSupport
import Testing

/// `agenthost agents list|show|validate` and `invoke` through the real binary and plugins.
@Suite struct AgentsCommandTests {
    @Test func listShowsTheSampleAgents() throws {
        let result = try AgentHostProcess.run(["agents", "list"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("planner"))
        #expect(result.stdout.contains("writer"))
        #expect(result.stdout.contains("NAME"))
    }

    @Test func listAsJSONIsAnArrayOfAgents() throws {
        let result = try AgentHostProcess.run(["agents", "list", "--json"])
        #expect(result.status == 0)
        let agents = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        let names = Set(agents?.compactMap { $0["name"] as? String } ?? [])
        #expect(names.isSuperset(of: ["planner", "writer"]))
    }

    @Test func showResolvesTheLibrary() throws {
        let result = try AgentHostProcess.run(["agents", "show", "writer", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let library = object?["resolved_library"] as? String
        #expect(library?.hasSuffix("/libWriterAgent.so") == true)
        #expect(object?["manifest_file"] as? String != nil)
    }

    @Test func showOfAnUnknownAgentNamesItAndExits2() throws {
        let result = try AgentHostProcess.run(["agents", "show", "nobody"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no agent named 'nobody'"))
    }

    @Test func validateWithLoadPassesOnTheSamples() throws {
        let result = try AgentHostProcess.run(["agents", "validate", "--load"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("ok:"))
        #expect(result.stdout.contains("every library loaded"))
        #expect(!result.stdout.contains(" 0 agent(s)"))
    }

    @Test func validateListsEveryProblemAndExits2() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{"manifest_version": 1, "name": "broken", "version": "1.0.0""#
            .write(toFile: folder + "/broken.json", atomically: true, encoding: .utf8)
        try #"{"manifest_version": 7, "name": "future", "version": "1.0.0", "library": "libX.so", "capabilities": []}"#
            .write(toFile: folder + "/future.json", atomically: true, encoding: .utf8)
        let result = try AgentHostProcess.run(["agents", "validate", "--manifests", folder])
        #expect(result.status == 2)
        #expect(result.stdout.contains("broken.json:1:"))
        #expect(result.stdout.contains("future.json"))
        #expect(result.stdout.contains("manifest_version"))
    }

    @Test func invokePlannerPrintsItsJSON() throws {
        let out = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let input = #"{"campaign": {"title": "Solar for schools", "keywords": ["solar", "schools"], "brief": "Why schools should install solar panels"}}"#
        let result = try AgentHostProcess.run(["invoke", "planner", "--input", input, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object != nil)
        #expect(result.stdout.lowercased().contains("solar"))
    }

    @Test func invokeWithMalformedInputExits2() throws {
        let result = try AgentHostProcess.run(["invoke", "planner", "--input", "{\"campaign\": "])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--input: not valid JSON"))
    }

    @Test func validateWithNoManifestsIsAnError() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try AgentHostProcess.run(["agents", "validate"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("no manifests found"))
    }

    @Test func helpDescribesTheCommands() throws {
        let result = try AgentHostProcess.run(["--help"])
        #expect(result.status == 0)
        for command in ["agents", "invoke"] { #expect(result.stdout.contains(command)) }
    }
}

/// Usage errors exit 2, as documented, not the argument parser's 64.
@Suite struct UsageErrorTests {
    @Test(arguments: [["bogus"], ["plan"], ["plan", "x.json", "--strategy", "fast"], ["agents", "show"]])
    func usageErrorsExit2(_ arguments: [String]) throws {
        let result = try AgentHostProcess.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("Usage:") || result.stderr.contains("Error:"), "\(result.stderr)")
    }
}
