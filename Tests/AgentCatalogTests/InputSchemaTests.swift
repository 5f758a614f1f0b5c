import Foundation
import TestSupport
import Testing

@testable import AgentCatalog

private func manifest(inputSchema: String, extra: String = "") -> (Manifest?, [ManifestProblem]) {
    let text = """
        {"manifest_version": 1, "name": "writer", "version": "1.0.0", "library": "libWriter.so",
         "capabilities": ["copywriting"]\(extra), "input_schema": \(inputSchema)}
        """
    return ManifestParser.parseManifest(Array(text.utf8), file: "writer.json", order: 0)
}

@Suite struct NameSuggestionTests {
    @Test func suggestsTheClosestNameForTyposAndNothingForStrangers() {
        #expect(NameSuggestion.closest(to: "titel", among: ["brief", "title", "tone"]) == "title")
        #expect(NameSuggestion.closest(to: "writr", among: ["writer", "writer_lite", "editor"]) == "writer")
        #expect(NameSuggestion.closest(to: "stratgy", among: ["goal", "strategy", "recovery"]) == "strategy")
        #expect(NameSuggestion.closest(to: "retries", among: ["name", "max_retries"]) == "max_retries")
        #expect(NameSuggestion.closest(to: "colour", among: ["title", "brief"]) == nil)
        #expect(NameSuggestion.closest(to: "Title", among: ["title"]) == "title")
        #expect(NameSuggestion.didYouMean("seoo", among: ["seo"]) == "; did you mean `seo`?")
        #expect(NameSuggestion.didYouMean("zzz", among: ["seo"]) == "")
    }

    @Test func aSwapOfNeighboursCostsOneEdit() {
        #expect(NameSuggestion.editDistance(Array("titel"), Array("title")) == 1)
        #expect(NameSuggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(NameSuggestion.editDistance(Array(""), Array("abc")) == 3)
    }
}

@Suite struct InputSchemaTests {
    @Test func readsTheSubsetAndKeepsTheSchemaAsWritten() throws {
        let (parsed, problems) = manifest(
            inputSchema: """
                {"type": "object", "additionalProperties": false, "required": ["title"],
                 "properties": {"title": {"type": "string", "description": "Headline"},
                                "keywords": {"type": "array", "items": {"type": "string"}},
                                "tone": {"enum": ["formal", "casual"]}}}
                """, extra: #", "$schema": "../docs/agent-manifest.schema.json""#)
        #expect(problems == [])
        let schema = try #require(parsed?.inputSchema)
        #expect(Array(schema.properties.keys) == ["title", "keywords", "tone"])
        #expect(schema.required == ["title"])
        #expect(!schema.additionalProperties)
        #expect(schema.properties["keywords"]?.items?.types == [.string])
        #expect(schema.json["properties"]?["title"]?["description"] == "Headline")
    }

    @Test func refusesKeywordsOutsideTheSubsetAndNamesThePath() {
        let (parsed, problems) = manifest(
            inputSchema: #"{"type": "object", "properties": {"title": {"type": "strin", "minLength": 3}}, "required": ["titel"]}"#)
        #expect(parsed == nil)
        let described = problems.map(\.description)
        #expect(described.contains { $0.hasPrefix("writer.json: input_schema.properties.title.minLength: unknown field") })
        #expect(described.contains {
            $0.hasPrefix("writer.json: input_schema.properties.title.type: unknown type \"strin\"") && $0.hasSuffix("did you mean `string`?")
        })
        #expect(described.contains { $0.contains("input_schema.required[0]: names \"titel\", which is not in properties; did you mean `title`?") })
        let (_, notObject) = manifest(inputSchema: #"{"type": "string"}"#)
        #expect(notObject.map(\.message).contains { $0.contains("\"type\": \"object\"") })
    }

    @Test func violationsNameThePathAndWhatWasExpected() {
        let (parsed, _) = manifest(
            inputSchema: """
                {"type": "object", "additionalProperties": false, "required": ["title"],
                 "properties": {"title": {"type": "string"}, "keywords": {"type": "array", "items": {"type": "string"}},
                                "word_count": {"type": "integer"}, "tone": {"enum": ["formal", "casual"]}}}
                """)
        let schema = parsed!.inputSchema!
        let campaign: JSONValue = ["titel": "Solar", "keywords": ["a", 2], "word_count": 2.5, "tone": "loud"]
        let messages = schema.violations(of: campaign, at: "campaign").map(\.description)
        #expect(messages == [
            "`campaign.title` is required but missing",
            "`campaign.titel` is unknown; did you mean `title`?",
            "`campaign.keywords[1]` must be string, not an integer",
            "`campaign.word_count` must be integer, not a number",
            "`campaign.tone` must be one of \"formal\", \"casual\"",
        ])
        #expect(schema.violations(of: ["title": "T", "word_count": 3.0], at: "campaign") == [])
    }
}

@Suite struct DependencyCycleTests {
    @Test func namesEveryCycleOnceStartingAtItsFirstAgent() {
        let catalog = Catalog(agents: [
            Manifest(name: "writer", dependencies: [.agent("editor")], source: ManifestSource(file: "writer.json", order: 0)),
            Manifest(name: "editor", dependencies: [.agent("writer")], source: ManifestSource(file: "editor.json", order: 1)),
            Manifest(name: "seo", capabilities: ["seo"], dependencies: [.capability("ranking")],
                     source: ManifestSource(file: "seo.json", order: 2)),
            Manifest(name: "ranker", capabilities: ["ranking"], dependencies: [Dependency(.agent("seo"), type: .soft)],
                     source: ManifestSource(file: "ranker.json", order: 3)),
            Manifest(name: "planner", source: ManifestSource(file: "planner.json", order: 4)),
        ])
        let problems = ManifestDiscovery.cycleProblems(in: catalog).map(\.description)
        #expect(problems.count == 2)
        #expect(problems[0].hasPrefix("editor.json: dependencies: dependency cycle: editor -> writer -> editor;"))
        #expect(problems[1].hasPrefix("ranker.json: dependencies: dependency cycle: ranker -> seo -> ranker;"))
        #expect(ManifestDiscovery.cycleProblems(in: Catalog(agents: [catalog.agents[4]])) == [])
    }

    @Test func theShippedManifestsDeclareTheirInputsAndHaveNoCycle() {
        let result = ManifestDiscovery.discover(folders: ["\(repositoryRoot)/AgentManifests"])
        #expect(result.problems == [])
        #expect(ManifestDiscovery.cycleProblems(in: result.catalog) == [])
        let sample = ["planner", "researcher", "writer", "editor", "seo", "image", "social_media",
                      "content_repurposer", "campaign_manager"]
        for name in sample {
            #expect(result.catalog.agent(named: name)?.inputSchema?.additionalProperties == false, "\(name)")
        }
    }
}

@Suite struct ManifestIdentityTests {
    @Test func identityIsNameVersionAndAStableHashOfTheCodeAndContract() {
        let writer = Manifest(name: "writer", version: "1.2.0", library: "libWriter.so", capabilities: ["copywriting"])
        #expect(writer.identity.hasPrefix("writer@1.2.0#"))
        #expect(writer.identityHash.count == 12 && writer.identityHash.allSatisfy(\.isHexDigit))
        // A fixed input gives a fixed hash in every process and build (FNV-1a, not Hasher).
        #expect(Manifest(name: "a", version: "1", library: "libA.so").identityHash == Manifest(name: "b", version: "2", library: "libA.so").identityHash)
        var other = writer
        other.library = "libWriter2.so"
        #expect(other.identityHash != writer.identityHash)
        other = writer
        other.description = "a new sentence"
        other.estimateSeconds = 5
        #expect(other.identity == writer.identity)
    }

    @Test func theHashIsFNV1aOfTheFieldsJoinedAsDocumented() throws {
        var manifest = Manifest(
            name: "seo", version: "2.0.0", library: "libSEO.so", capabilities: ["seo", "metadata"],
            dependencies: [Dependency(.agent("writer")), Dependency(.capability("copy"), type: .soft)],
            outputs: ["optimized_content"], config: ["mode": "strict", "limit": 3])
        manifest.sha256 = "ab12"
        // The definition in Manifest+Identity.swift, spelled out: the fields' texts joined by
        // U+001F (lists joined by `,`), hashed with FNV-1a 64, the first 12 hex digits.
        let text = [
            manifest.library, manifest.entry, manifest.kind.rawValue, manifest.sha256 ?? "",
            manifest.capabilities.joined(separator: ","), manifest.outputs.joined(separator: ","),
            manifest.dependencies.map { "\($0.target)/\($0.type.rawValue)" }.joined(separator: ","),
            manifest.config.compactText, "",
        ].joined(separator: "\u{1F}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        #expect(manifest.identityHash == String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12)))
    }
}
