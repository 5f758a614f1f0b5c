import Foundation
import TestSupport
import Testing

/// Mistakes caught before a run, through the real binary: campaign typos, unknown names,
/// dependency cycles among the manifests.
@Suite struct InputCheckCommandTests {
    @Test func aCampaignTypoStopsPlanAndRunWithTheFieldAndTheSuggestion() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let request = folder + "/titel.json"
        try #"""
            {"campaign": {"titel": "Solar for schools", "campaign_type": "blog_creation",
                          "content_types": ["blog_post"], "keywords": ["solar"]}}
            """#.write(toFile: request, atomically: true, encoding: .utf8)
        for command in ["plan", "run"] {
            let result = try AgentHostProcess.run([command, request, "--db", folder + "/state.sqlite"])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("`campaign.titel` is unknown; did you mean `title`?"), "\(command)")
        }
    }

    @Test func invokeOfAMisspeltAgentSuggestsTheName() throws {
        let result = try AgentHostProcess.run(["invoke", "writr"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean `writer`?"))
    }

    @Test func validateNamesADependencyCycle() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, dependency) in [("writer", "editor"), ("editor", "writer")] {
            try """
                {"manifest_version": 1, "name": "\(name)", "version": "1.0.0", "library": "libX.so",
                 "capabilities": [], "dependencies": ["\(dependency)"]}
                """.write(toFile: "\(folder)/\(name).json", atomically: true, encoding: .utf8)
        }
        let result = try AgentHostProcess.run(["agents", "validate", "--manifests", folder])
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stdout.contains("editor.json: dependencies: dependency cycle: editor -> writer -> editor"))
    }
}
