// ResearchEditTests.swift — researcher (TF-IDF, TextRank, cited facts) and editor.
import AgentPluginABI
import Foundation
import Testing

@Suite struct ResearchEditTests {
    @Test func researcherReturnsCitedFactsForEverySection() throws {
        let plan = try #require(Agents.load("planner").run(Fixtures.input(agent: "planner")).object)
        let result = try Agents.load("researcher").run(Fixtures.input(agent: "researcher", inputs: ["planner": plan]))
        #expect(result.status == AGENT_STATUS_OK, "\(result.text)")
        let notes = try #require(result.object?.object("research_notes"))
        let sources = notes["sources"] as? [[String: Any]] ?? []
        #expect(sources.map { $0["title"] as? String } == [
            "How rooftop solar panels work", "Energy use in schools and why solar fits",
            "Paying for and planning a school solar project",
        ])
        let keywords = (notes["keywords"] as? [[String: Any]] ?? []).compactMap { $0["term"] as? String }
        #expect(keywords.contains("panels") && keywords.contains("electricity"))
        #expect(!keywords.contains("the") && !keywords.contains("and"))
        let sections = notes["sections"] as? [[String: Any]] ?? []
        let outline = plan.object("outline")?["sections"] as? [[String: Any]] ?? []
        #expect(sections.map { $0["id"] as? String } == outline.map { $0["id"] as? String })
        var seen = Set<String>()
        for section in sections {
            let facts = section["facts"] as? [[String: Any]] ?? []
            #expect(!facts.isEmpty, "section \(section["id"] ?? "?") has no facts")
            for fact in facts {
                let source = (fact["source"] as? NSNumber)?.intValue ?? 0
                #expect((1...3).contains(source))
                let text = fact["text"] as? String ?? ""
                #expect(seen.insert(text).inserted, "fact used twice: \(text)")
                // The fact is a real sentence of the cited source.
                let path = Fixtures.examples + "/" + (sources[source - 1]["path"] as? String ?? "")
                let raw = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isWhitespace).joined(separator: " ")
                #expect(raw.contains(text), "\(text) not in \(path)")
            }
        }
        let top = notes["top_facts"] as? [[String: Any]] ?? []
        #expect(top.count == 8)
    }

    @Test func researcherNamesAMissingSourceAndAnEmptyList() throws {
        let plan = try #require(Agents.load("planner").run(Fixtures.input(agent: "planner")).object)
        var campaign = Fixtures.campaign
        campaign["sources"] = ["sources/solar-basics.md", "sources/no-such-file.md"]
        let missing = try Agents.load("researcher").run(
            Fixtures.input(agent: "researcher", inputs: ["planner": plan], campaign: campaign))
        #expect(missing.status == AGENT_STATUS_ERROR)
        #expect(missing.text.contains("campaign.sources[1] \"sources/no-such-file.md\""))
        campaign["sources"] = []
        let empty = try Agents.load("researcher").run(
            Fixtures.input(agent: "researcher", inputs: ["planner": plan], campaign: campaign))
        #expect(empty.status == AGENT_STATUS_ERROR)
        #expect(empty.text.contains("campaign.sources is empty"))
    }

    @Test func writerWithResearchReachesTargetsFromSources() throws {
        let chain = try ChainRun.run(artifacts: nil)
        let content = try #require(chain.outputs["writer"]?.object("blog_content"))
        let markdown = content["markdown"] as? String ?? ""
        #expect(content["method"] as? String == "extractive: TF-IDF keywords and TextRank-ranked source sentences from the researcher")
        for n in 1...3 { #expect(markdown.contains("[\(n)]"), "source \(n) not cited") }
        let share = (content["source_share"] as? NSNumber)?.doubleValue ?? 0
        #expect(share > 0.9)
        let sections = content["sections"] as? [[String: Any]] ?? []
        let reached = sections.filter { $0["reached_target"] as? Bool == true }.count
        #expect(reached >= sections.count / 2)
    }

    static let messyDraft = """
        # Test article

        ## Introduction

        Solar panels  cut bills ,, and schools like them. Schools use most power in the day.  Solar panels cut bills, and schools like them.

        ## Details

        The roof was inspected by an engineer before work began. Long sentences with many clauses and asides are hard to follow for the many busy readers who skim; splitting them at a semicolon makes each of the two halves easier to read for almost everyone.
        """

    @Test func editorFixesPunctuationRemovesRepeatsAndMeasuresReadability() throws {
        let draft: [String: Any] = ["blog_content": ["title": "Test article", "markdown": Self.messyDraft]]
        let editor = try Agents.load("editor")
        let input = Fixtures.input(agent: "editor", inputs: ["writer": draft])
        let result = try editor.run(input)
        #expect(result.status == AGENT_STATUS_OK, "\(result.text)")
        #expect(editor.run(json: try JSONSerialization.data(withJSONObject: input, options: [.sortedKeys])).bytes == result.bytes)
        let edited = try #require(result.object?.object("edited_content"))
        let markdown = edited["markdown"] as? String ?? ""
        #expect(markdown.contains("Solar panels cut bills, and schools like them. Schools use most power in the day.\n"))
        #expect(markdown.components(separatedBy: "Solar panels cut bills").count == 2)
        #expect(markdown.contains("who skim. Splitting them"))
        let counts = edited["change_counts"] as? [String: Any] ?? [:]
        for type in ["whitespace", "space_before_punctuation", "repeated_punctuation", "removed_repeated_sentence", "split_long_sentence"] {
            #expect(counts[type] != nil, "no \(type) change")
        }
        let passive = edited.object("flags")?["passive_voice"] as? [[String: Any]] ?? []
        #expect(passive.first?["phrase"] as? String == "was inspected")
        let before = edited.object("readability")?.object("before")
        let after = edited.object("readability")?.object("after")
        let gradeBefore = (before?["flesch_kincaid_grade"] as? NSNumber)?.doubleValue ?? 0
        let gradeAfter = (after?["flesch_kincaid_grade"] as? NSNumber)?.doubleValue ?? 0
        #expect(gradeAfter < gradeBefore, "splitting and de-duplicating should lower the grade")
    }

    @Test func editorNeedsADraft() throws {
        let result = try Agents.load("editor").run(Fixtures.input(agent: "editor", inputs: ["writer": ["error": "boom"]]))
        #expect(result.status == AGENT_STATUS_ERROR)
        #expect(result.text.contains("editor: no draft among the inputs"))
    }
}
