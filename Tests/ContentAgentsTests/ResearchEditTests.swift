// ResearchEditTests.swift — researcher (TF-IDF, TextRank, cited facts) and editor.
import AgentPluginABI
import ContentKit
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
                // The fact is a passage of real sentences of the cited source, in its order.
                let path = Fixtures.examples + "/" + (sources[source - 1]["path"] as? String ?? "")
                let raw = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isWhitespace).joined(separator: " ")
                var from = raw.startIndex
                for sentence in Text.sentences(text) {
                    let found = raw.range(of: sentence, range: from..<raw.endIndex)
                    #expect(found != nil, "\(sentence) not in \(path) after the sentence before it")
                    if let found { from = found.upperBound }
                }
                #expect(!Text.opensWithReference(text), "a fact opens with a dangling reference: \(text)")
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
        #expect((content["method"] as? String)?.hasPrefix("extractive: source passages chosen by the researcher") == true)
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

        This is the output of the panels under standard test conditions. [1] Solar panels  cut bills ,, and schools like them. Schools use most power in the day.  Solar panels cut bills, and schools like them.

        ## Details

        The roof was inspected by an engineer before work began. Long sentences with many clauses and asides are hard to follow for the many busy readers who skim; splitting them at a semicolon makes each of the two halves easier to read for almost everyone. [2]

        It also means that the two halves can each carry one idea, which most readers of a practical article about school roofs prefer, and they remember more of what they read afterwards. [2]

        Panels on the roof generate most in summer. [1] During those weeks much of the electricity is exported. [2]
        """

    @Test func editorAppliesTheEditsItIsSureOfAndSaysEachOne() throws {
        let draft: [String: Any] = ["blog_content": ["title": "Test article", "markdown": Self.messyDraft]]
        let editor = try Agents.load("editor")
        let input = Fixtures.input(agent: "editor", inputs: ["writer": draft])
        let result = try editor.run(input)
        #expect(result.status == AGENT_STATUS_OK, "\(result.text)")
        #expect(editor.run(json: try JSONSerialization.data(withJSONObject: input, options: [.sortedKeys])).bytes == result.bytes)
        let edited = try #require(result.object?.object("edited_content"))
        let markdown = edited["markdown"] as? String ?? ""
        // The section no longer opens with "This is the output ...": nothing before it says what "this" is.
        #expect(!markdown.contains("This is the output"))
        #expect(markdown.contains("## Introduction\n\nSolar panels cut bills, and schools like them. Schools use most power in the day.\n"))
        #expect(markdown.components(separatedBy: "Solar panels cut bills").count == 2)
        // Split at the semicolon and at ", and they"; the paragraph opening with "It also" joins the one before.
        #expect(markdown.contains("who skim. Splitting them"))
        #expect(markdown.contains("school roofs prefer. They remember more"))
        #expect(markdown.contains("almost everyone. [2] It also means"))
        // "During those weeks" follows a sentence from another source: dropped, not left dangling.
        #expect(!markdown.contains("During those weeks"))
        let counts = edited["change_counts"] as? [String: Any] ?? [:]
        for type in ["whitespace", "space_before_punctuation", "repeated_punctuation", "removed_repeated_sentence",
                     "split_long_sentence", "dropped_dangling_reference", "attached_dangling_reference"] {
            #expect(counts[type] != nil, "no \(type) change")
        }
        let changes = edited["changes"] as? [[String: Any]] ?? []
        #expect(changes.allSatisfy { ($0["description"] as? String)?.isEmpty == false })
        let passive = edited.object("flags")?["passive_voice"] as? [[String: Any]] ?? []
        #expect(passive.first?["phrase"] as? String == "was inspected")
        let before = edited.object("readability")?.object("before")
        let after = edited.object("readability")?.object("after")
        let gradeBefore = (before?["flesch_kincaid_grade"] as? NSNumber)?.doubleValue ?? 0
        let gradeAfter = (after?["flesch_kincaid_grade"] as? NSNumber)?.doubleValue ?? 0
        #expect(gradeAfter < gradeBefore, "splitting and de-duplicating should lower the grade")
        #expect((after?["words"] as? NSNumber)?.intValue == (edited["word_count"] as? NSNumber)?.intValue)
        #expect(Editorial.replay(changes, on: Self.messyDraft) == markdown)
    }

    @Test func editorLeavesACleanDraftAsItIs() throws {
        let clean = "# T\n\n## A\n\nSolar panels on school roofs cut the cost of electricity. They pay back within a decade. [1]\n"
        let result = try Agents.load("editor").run(
            Fixtures.input(agent: "editor", inputs: ["writer": ["blog_content": ["title": "T", "markdown": clean]]]))
        let edited = try #require(result.object?.object("edited_content"))
        #expect(edited["markdown"] as? String == clean)
        #expect((edited["changes"] as? [Any])?.isEmpty == true)
    }

    @Test func editorNeedsADraft() throws {
        let result = try Agents.load("editor").run(Fixtures.input(agent: "editor", inputs: ["writer": ["error": "boom"]]))
        #expect(result.status == AGENT_STATUS_ERROR)
        #expect(result.text.contains("editor: no draft among the inputs"))
    }
}
