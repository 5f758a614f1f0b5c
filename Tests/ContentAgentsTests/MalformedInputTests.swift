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

    @Test func invalidUTF8AndOverlongTextStillGiveValidJSON() throws {
        var bytes = Data(#"{"campaign": {"title": "Solar "#.utf8)
        bytes.append(contentsOf: [0xFF, 0xFE, 0xC3])
        bytes.append(Data(#" roofs", "audience": ""#.utf8))
        bytes.append(Data(String(repeating: "é", count: 400).utf8))
        bytes.append(Data(#""}}"#.utf8))
        for name in ["planner", "image"] {
            let result = try Agents.load(name).run(json: bytes)
            #expect(result.status == AGENT_STATUS_OK, "\(name): \(result.text)")
            #expect(String(data: result.bytes, encoding: .utf8) != nil, "\(name) output is valid UTF-8")
            #expect(result.object != nil, "\(name) output is a JSON object")
        }
    }

    @Test func plannerReportsTheByteOffsetOfMalformedJSON() throws {
        let result = try Agents.load("planner").run(json: Data("{\"campaign\": {\"title\": \"x\",}}".utf8))
        #expect(result.text == "planner: input is not a JSON object (invalid JSON at byte 27: expected a string key)")
    }
}
