import AgentCatalog
import Foundation
import Testing

/// Strings with escapes, hostile values in diagnostics, workflow ids and campaign sources.
@Suite struct DiagnosticEdgeTests {
    @Test func longStringsOfEscapesDecodeToTheSameTextAsRawUTF8() throws {
        let raw = String(repeating: "é😀a\"\\/\n", count: 20_000)
        var escaped = ""
        for _ in 0..<20_000 { escaped += #"\u00e9\ud83d\ude00a\"\\\/\n"# }
        let fromEscapes = try JSONValue(parsing: "[\"" + escaped + "\"]")
        #expect(fromEscapes == .array([.string(raw)]))
        // Escapes and raw runs mixed, and a raw run that is not UTF-8 after an escape.
        #expect(try JSONValue(parsing: #""x\u0041é\tz""#) == .string("xAé\tz"))
        var invalid = Array(#""\n"#.utf8)
        invalid += [0xC3, 0x28, UInt8(ascii: "\"")]
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: invalid) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #""\ud83d x""#) }
    }

    @Test func controlCharactersAndEscapeSequencesAreShownEscaped() {
        #expect("plain text, é".escapedForTerminal == "plain text, é")
        #expect("a\nb\rc\td".escapedForTerminal == #"a\nb\rc\td"#)
        #expect("\u{1B}[2Jcleared\u{07}".escapedForTerminal == #"\u{1B}[2Jcleared\u{7}"#)
        #expect("\u{9B}31m\u{202E}txt".escapedForTerminal == #"\u{9B}31m\u{202E}txt"#)
        let problem = ManifestProblem(
            file: "a\nb.json", field: "name", message: "found \"x\nother.json: name: forged\"")
        #expect(!problem.description.contains("\n"))
        #expect(problem.description == #"a\nb.json: name: found "x\nother.json: name: forged""#)
    }

    @Test func workflowIdsAreOnePlainPathComponent() {
        for good in ["wf-1", "wf_2.final", "A9", String(repeating: "x", count: 128)] {
            #expect(WorkflowIdentifier.problem(with: good) == nil, "\(good)")
        }
        for bad in ["", "..", "../escaped", ".hidden", "a/b", "wf one", "wf\n", "é", String(repeating: "x", count: 129)] {
            #expect(WorkflowIdentifier.problem(with: bad) != nil, "\(bad)")
        }
    }

    @Test func missingCampaignSourcesAreNamedByField() throws {
        let folder = NSTemporaryDirectory() + "campaign-sources-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "notes".write(toFile: folder + "/present.md", atomically: true, encoding: .utf8)
        let campaign: JSONValue = ["sources": ["present.md", "missing.md", "sub", .string(folder + "/present.md"), 7]]
        let problems = CampaignSources.problems(in: campaign, baseDirectory: folder)
        #expect(problems.map(\.field) == ["campaign.sources[1]", "campaign.sources[2]"])
        #expect(problems[0].description.contains("'missing.md' does not exist (looked at \(folder)/missing.md)"))
        #expect(problems[1].description.contains("'sub' is not a readable file"))
        #expect(CampaignSources.problems(in: ["title": "no sources"], baseDirectory: folder).isEmpty)
    }
}
