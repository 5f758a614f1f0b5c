// MalformedInputTests.swift — bad input bytes give a clear error from every agent, never a crash.
import AgentPluginABI
import Foundation
import Testing

@Suite struct MalformedInputTests {
    static let inputs: [String] = [
        "", "   ", "null", "[1, 2]", "{\"campaign\": ", "{\"a\": \"\\x\"}", "{\"a\": \"\\ud800\"}",
        "{\"a\": 1} trailing", "{\"a\": tru}", "{\"a\": -}", String(repeating: "[", count: 5000),
        "{\"campaign\": {\"title\": 5, \"keywords\": \"solar\", \"sources\": 7}}",
    ]

    @Test(arguments: ["planner", "image", "campaign_manager", "writer", "researcher", "editor", "seo", "social_media",
                      "content_repurposer"])
    func badInputIsAnErrorNotACrash(agent name: String) throws {
        let agent = try Agents.load(name)
        for input in Self.inputs {
            let result = agent.run(json: Data(input.utf8))
            #expect(result.status == AGENT_STATUS_ERROR, "\(name) on \(input.prefix(30)): \(result.text)")
            #expect(result.text.hasPrefix(name + ":"), "\(name) error names the agent: \(result.text)")
        }
    }

    @Test func plannerReportsTheByteOffsetOfMalformedJSON() throws {
        let result = try Agents.load("planner").run(json: Data("{\"campaign\": {\"title\": \"x\",}}".utf8))
        #expect(result.text == "planner: input is not a JSON object (invalid JSON at byte 27: expected a string key)")
    }
}
