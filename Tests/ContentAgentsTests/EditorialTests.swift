// EditorialTests.swift — the content agents checked as an editor would, on the demo's
// sources and on a second campaign on another topic (Examples/sources-cycling/).
import AgentPluginABI
import ContentKit
import Foundation
import Testing

/// Helpers that read the agents' outputs the way an editor would.
enum Editorial {
    /// `draft` with the editor's reported `changes` applied in order, as the editor says
    /// it made them; equal to its edited text when the report is complete and true.
    static func replay(_ changes: [[String: Any]], on draft: String) -> String {
        var text = draft.replacingOccurrences(of: "\r\n", with: "\n")
        for change in changes {
            let before = change["before"] as? String
            let after = change["after"] as? String
            let sentence = change["sentence"] as? String ?? ""
            switch change["type"] as? String ?? "" {
            case "removed_repeated_sentence":
                // The later copy goes; the first stays.
                if let range = text.range(of: " " + sentence, options: .backwards) ?? text.range(of: sentence, options: .backwards) {
                    text.removeSubrange(range)
                }
            case "dropped_dangling_reference":
                if let range = text.range(of: sentence + " ") ?? text.range(of: " " + sentence) ?? text.range(of: sentence) {
                    text.removeSubrange(range)
                }
            case "attached_dangling_reference":
                if let range = text.range(of: "\n\n" + sentence) { text.replaceSubrange(range, with: " " + sentence) }
            default:
                if let before, let after, let range = text.range(of: before) { text.replaceSubrange(range, with: after) }
            }
        }
        // Layout as the editor writes it: trimmed lines, single blank lines, one final newline.
        var lines: [String] = []
        for line in text.components(separatedBy: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.isEmpty && (lines.last?.isEmpty ?? true) { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every sentence of the source files, with the sentence before it in its paragraph.
    static func sourceSentences(_ campaign: [String: Any]) throws -> [String: String?] {
        var result: [String: String?] = [:]
        for path in campaign["sources"] as? [String] ?? [] {
            let raw = try String(contentsOfFile: Fixtures.examples + "/" + path, encoding: .utf8)
            for paragraph in Text.paragraphs(Text.plainText(fromMarkdown: raw)) {
                var previous: String? = nil
                for sentence in Text.sentences(paragraph) {
                    result[sentence] = previous
                    previous = sentence
                }
            }
        }
        return result
    }

    /// The prose paragraphs of a Markdown article by section heading (Sources list left out).
    static func sections(_ markdown: String) -> [(heading: String, paragraphs: [String])] {
        var result: [(String, [String])] = []
        for block in Text.articleBody(markdown).components(separatedBy: "\n\n") {
            let t = block.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.hasPrefix("## ") {
                result.append((String(t.dropFirst(3)), []))
            } else if !t.isEmpty, !t.hasPrefix("#"), !result.isEmpty {
                result[result.count - 1].1.append(t)
            }
        }
        return result
    }

    /// Headings the planner makes from its keyword templates.
    static func isTemplateHeading(_ heading: String) -> Bool {
        heading.hasPrefix("Understanding ") || heading.hasSuffix(" in practice") || heading.hasPrefix("What the evidence says")
            || (heading.hasPrefix("Getting ") && heading.hasSuffix(" right"))
    }

    static func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }
}

@Suite struct EditorialTests {
    @Test(arguments: ["solar", "cycling"])
    func writerKeepsSentencesWithTheirContextAndTitlesSectionsFromContent(_ name: String) throws {
        let campaign = try #require(Fixtures.campaigns.first { $0.name == name }?.campaign)
        let chain = try ChainRun.run(campaign: campaign, artifacts: nil)
        let content = try #require(chain.outputs["writer"]?.object("blog_content"))
        let markdown = content["markdown"] as? String ?? ""
        let sources = try Editorial.sourceSentences(campaign)
        var quoted = 0
        for (heading, paragraphs) in Editorial.sections(markdown) {
            for paragraph in paragraphs {
                let sentences = Text.sentences(paragraph).map { Text.removingCitations($0) }
                #expect(!Text.opensWithReference(sentences[0]), "\(name), \(heading): a paragraph opens with \"\(sentences[0])\"")
                for (i, sentence) in sentences.enumerated() {
                    guard let entry = sources[sentence] else { continue }
                    quoted += 1
                    // A sentence that leans on the one before it in its source comes right after it.
                    if let previous = entry, Text.leansOn(previous: previous, sentence) {
                        #expect(i > 0 && sentences[i - 1] == previous, "\(name), \(heading): \"\(sentence)\" without \"\(previous)\" before it")
                    }
                }
            }
        }
        #expect(quoted > 20)
        // Body sections are titled after what they hold: a heading of the source sections they draw on.
        let sections = content["sections"] as? [[String: Any]] ?? []
        let body = sections.filter { ($0["id"] as? String ?? "").hasPrefix("section-") }
        #expect(body.count >= 3)
        for section in body {
            let heading = section["heading"] as? String ?? ""
            #expect(!Editorial.isTemplateHeading(heading), "\(name): generic heading \(heading)")
            #expect((section["topics"] as? [String] ?? []).contains(heading), "\(name): \(heading) is not a subject of its material")
        }
        #expect(Set(body.compactMap { $0["heading"] as? String }).count == body.count)
    }

    @Test func sourcesWithoutHeadingsStillGiveSectionsTitlesFromTheirContent() throws {
        // The cycling sources with their section headings removed.
        let folder = Fixtures.artifactsFolder()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var campaign = Fixtures.exampleCampaign("cycling-campaign.json")
        campaign["sources"] = try (campaign["sources"] as? [String] ?? []).map { path -> String in
            let text = try String(contentsOfFile: Fixtures.examples + "/" + path, encoding: .utf8)
            let flat = text.components(separatedBy: "\n").filter { !$0.hasPrefix("## ") }.joined(separator: "\n")
            let target = folder + "/" + (path as NSString).lastPathComponent
            try flat.write(toFile: target, atomically: true, encoding: .utf8)
            return target
        }
        let chain = try ChainRun.run(campaign: campaign, artifacts: nil)
        let sections = chain.outputs["writer"]?.object("blog_content")?["sections"] as? [[String: Any]] ?? []
        let body = sections.filter { ($0["id"] as? String ?? "").hasPrefix("section-") }
        let markdown = chain.outputs["writer"]?.object("blog_content")?["markdown"] as? String ?? ""
        for section in body {
            let heading = section["heading"] as? String ?? ""
            #expect(!Editorial.isTemplateHeading(heading), "generic heading \(heading)")
            // A key phrase of the section's own text.
            let text = Editorial.sections(markdown).first { $0.heading == heading }?.paragraphs.joined(separator: " ") ?? ""
            #expect(text.lowercased().contains(heading.lowercased()), "\(heading) is not in its section")
        }
    }

    @Test(arguments: ["solar", "cycling"])
    func editedArticleDiffersFromTheDraftInTheWaysTheEditorReports(_ name: String) throws {
        let campaign = try #require(Fixtures.campaigns.first { $0.name == name }?.campaign)
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try ChainRun.run(campaign: campaign, artifacts: folder)
        let draft = try String(contentsOfFile: folder + "/draft.md", encoding: .utf8)
        let edited = try String(contentsOfFile: folder + "/edited.md", encoding: .utf8)
        let output = try #require(
            try Agents.load("editor").run(
                Fixtures.input(agent: "editor", inputs: ["writer": ["blog_content": ["title": "T", "markdown": draft]]], campaign: campaign)
            ).object?.object("edited_content"))
        let changes = output["changes"] as? [[String: Any]] ?? []
        #expect(output["markdown"] as? String == edited)
        #expect(Editorial.replay(changes, on: draft) == edited, "\(name): edited.md is not draft.md with the reported changes")
        #expect(changes.isEmpty == (draft == edited))
        if name == "solar" { #expect(!changes.isEmpty, "the demo's editor changed nothing") }
        // Readability before and after are measured on the draft and on the edited text.
        let after = output.object("readability")?.object("after")
        #expect(Editorial.int(after?["words"]) == Readability.score(Text.articleProse(edited)).words)
        #expect(Editorial.int(output.object("readability")?.object("before")?["sentences"]) == Text.sentences(Text.articleProse(draft)).count)
        // What is left long is only what has no safe clause boundary; the rest was split.
        for flagged in output.object("flags")?["long_sentences"] as? [[String: Any]] ?? [] {
            #expect(edited.contains(flagged["sentence"] as? String ?? "\u{0}"))
        }
    }

    @Test(arguments: ["solar", "cycling"])
    func everyAgentCountsTheArticlesWordsTheSameWay(_ name: String) throws {
        let campaign = try #require(Fixtures.campaigns.first { $0.name == name }?.campaign)
        let chain = try ChainRun.run(campaign: campaign, artifacts: nil)
        let writer = try #require(chain.outputs["writer"]?.object("blog_content"))
        let editor = try #require(chain.outputs["editor"]?.object("edited_content"))
        let seo = try #require(chain.outputs["seo"]?.object("optimized_content"))
        let draftWords = Editorial.int(writer["word_count"])
        #expect(draftWords == Text.articleWordCount(writer["markdown"] as? String ?? ""))
        #expect(draftWords == Editorial.int(writer["body_words"]), "source plus composed words are the article's words")
        #expect(draftWords == Editorial.int(editor.object("readability")?.object("before")?["words"]))
        let editedWords = Editorial.int(editor["word_count"])
        #expect(editedWords == Editorial.int(editor.object("readability")?.object("after")?["words"]))
        #expect(editedWords == Editorial.int(seo["word_count"]))
        let length = (seo["checks"] as? [[String: Any]] ?? []).first { $0["check"] as? String == "length" }
        #expect((length?["detail"] as? String)?.hasPrefix("\(editedWords ?? -1) words") == true)
    }

    @Test(arguments: ["solar", "cycling"])
    func seoFixesWhatItCanAndTheSummaryReportsWhatFailed(_ name: String) throws {
        let campaign = try #require(Fixtures.campaigns.first { $0.name == name }?.campaign)
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try ChainRun.run(campaign: campaign, artifacts: folder)
        let seo = try #require(chain.outputs["seo"]?.object("optimized_content"))
        let checks = seo["checks"] as? [[String: Any]] ?? []
        let description = checks.first { $0["check"] as? String == "primary_keyword_in_description" }
        #expect(description?["passed"] as? Bool == true, "\(name): \(seo["meta_description"] ?? "")")
        try expectSummaryAgrees(chain: chain, folder: folder)

        // A keyword the article never uses: the description is fixed, the checks it cannot fix fail everywhere.
        var other = campaign
        other["keywords"] = ["hydrogen"] + (campaign["keywords"] as? [String] ?? [])
        let second = Fixtures.artifactsFolder("second")
        defer { try? FileManager.default.removeItem(atPath: second) }
        let rerun = try ChainRun.run(campaign: other, artifacts: second)
        let fixed = try #require(rerun.outputs["seo"]?.object("optimized_content"))
        #expect((fixed["meta_description"] as? String ?? "").lowercased().contains("hydrogen"))
        let fixes = (fixed["fixes"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
        #expect(fixes == ["primary_keyword_in_title", "primary_keyword_in_description"])
        #expect((fixed["seo_title"] as? String ?? "").hasSuffix(": Hydrogen"))
        let failed = fixed["failed_checks"] as? [String] ?? []
        #expect(failed.contains("keyword_density:hydrogen") && failed.contains("primary_keyword_in_introduction"))
        #expect(!failed.contains("primary_keyword_in_description") && !failed.contains("primary_keyword_in_title"))
        let summary = try expectSummaryAgrees(chain: rerun, folder: second)
        #expect(summary.contains("- [ ] seo_checks:") && summary.contains("keyword_density:hydrogen"))
        #expect(!summary.contains("all passed") && !summary.contains("Checks: all"))
    }

    /// The summary's count line and check list say what campaign_manager's checks say.
    @discardableResult
    private func expectSummaryAgrees(chain: ChainRun, folder: String) throws -> String {
        let schedule = try #require(chain.outputs["campaign_manager"]?.object("campaign_schedule"))
        let checks = schedule["checks"] as? [[String: Any]] ?? []
        let passed = checks.filter { $0["passed"] as? Bool == true }.count
        let summary = try String(contentsOfFile: folder + "/campaign_summary.md", encoding: .utf8)
        let seo = chain.outputs["seo"]?.object("optimized_content")
        let seoAllPassed = (seo?["failed_checks"] as? [String] ?? ["?"]).isEmpty
        #expect(checks.first { $0["check"] as? String == "seo_checks" }?["passed"] as? Bool == seoAllPassed)
        if passed == checks.count {
            #expect(summary.contains("Checks: all \(checks.count) passed"))
            #expect(schedule["all_checks_passed"] as? Bool == true)
        } else {
            #expect(summary.contains("Checks: \(passed) of \(checks.count) passed, \(checks.count - passed) failed"))
            #expect(schedule["all_checks_passed"] as? Bool == false)
        }
        for check in checks {
            let mark = check["passed"] as? Bool == true ? "x" : " "
            #expect(summary.contains("- [\(mark)] \(check["check"] as? String ?? "?"):"))
        }
        return summary
    }

    @Test(arguments: ["solar", "cycling"])
    func socialPostsAreWrittenForEachPlatform(_ name: String) throws {
        var campaign = try #require(Fixtures.campaigns.first { $0.name == name }?.campaign)
        campaign["platforms"] = ["linkedin", "facebook", "x", "instagram", "mastodon"]
        let chain = try ChainRun.run(campaign: campaign, artifacts: nil)
        let social = try #require(chain.outputs["social_media"]?.object("social_posts"))
        let posts = Dictionary(uniqueKeysWithValues: (social["posts"] as? [[String: Any]] ?? []).map { ($0["platform"] as? String ?? "", $0) })
        let linkedin = posts["linkedin"]?["text"] as? String ?? ""
        let facebook = posts["facebook"]?["text"] as? String ?? ""
        let url = social["url"] as? String ?? "?"
        #expect(linkedin != facebook)
        #expect(facebook.count * 2 < linkedin.count, "\(name): the Facebook post is short, the LinkedIn one complete")
        // LinkedIn: key points as a list, the link after them, hashtags on the last line.
        let linkedinLines = linkedin.components(separatedBy: "\n")
        let firstBullet = try #require(linkedinLines.firstIndex { $0.hasPrefix("• ") })
        let linkedinLink = try #require(linkedinLines.firstIndex { $0.contains(url) })
        #expect(firstBullet < linkedinLink)
        #expect(linkedinLines.last?.hasPrefix("#") == true)
        // Facebook: no list, the link right after the opening point, a question for comments.
        let facebookLines = facebook.components(separatedBy: "\n").filter { !$0.isEmpty }
        #expect(!facebook.contains("• "))
        #expect(facebookLines.count > 2 && facebookLines[1].contains(url))
        #expect(facebookLines.contains { $0.hasSuffix("Tell us in the comments.") })
        #expect((posts["facebook"]?["hashtags"] as? [String] ?? []).count <= 2)
        #expect((posts["linkedin"]?["hashtags"] as? [String] ?? []).count <= 5)
        let instagram = try #require(posts["instagram"]?["text"] as? String)
        #expect(instagram.range(of: "http") == nil && instagram.contains("Link in bio."))
        for post in posts.values { #expect(post["within_limit"] as? Bool == true) }
        #expect(Set(posts.values.compactMap { ($0["style"] as? [String: Any])?["tone"] as? String }).count >= 3)
    }

    @Test(arguments: ["solar", "cycling"])
    func articlePageHasAStylesheetTheCoverAndLinkedReferences(_ name: String) throws {
        let campaign = try #require(Fixtures.campaigns.first { $0.name == name }?.campaign)
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try ChainRun.run(campaign: campaign, artifacts: folder)
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/article.html"))
        #expect(isWellFormedXML(data))
        let html = String(decoding: data, as: UTF8.self)
        #expect(html.contains("<style>") && html.contains("max-width") && html.contains("line-height"))
        let alt = chain.outputs["image"]?.object("cover_image")?["alt_text"] as? String ?? "?"
        #expect(html.contains("<img src=\"cover.svg\" alt=\"\(Markup.escapeXML(alt))\""))
        #expect(FileManager.default.fileExists(atPath: folder + "/cover.svg"))
        let links = Set(html.matches(of: /href="#ref-(\d+)"/).map { String($0.1) })
        let targets = Set(html.matches(of: /<li id="ref-(\d+)" value="(\d+)"/).map { String($0.1) })
        #expect(!links.isEmpty && links == targets, "\(name): citations \(links), references \(targets)")
        for n in links { #expect(html.contains("id=\"cite-\(n)\""), "reference \(n) links back to its first citation") }
        #expect(!html.contains("[1]</p>"), "no citation left unlinked")
    }

    @Test(arguments: ["solar", "cycling"])
    func anAgentThatWorkedWithoutAFailedDependencySaysSoAndTheSummaryCountsIt(_ name: String) throws {
        var campaign = try #require(Fixtures.campaigns.first { $0.name == name }?.campaign)
        var sources = campaign["sources"] as? [String] ?? []
        sources[sources.count - 1] = "sources/no-such-file.md"
        campaign["sources"] = sources
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try ChainRun.run(campaign: campaign, artifacts: folder, mayFail: ["researcher"])
        #expect(chain.errors["researcher"]?.contains("no-such-file.md") == true)
        let writer = try #require(chain.outputs["writer"])
        let entry = (writer["worked_without"] as? [[String: Any]] ?? []).first
        #expect(entry?["agent"] as? String == "writer" && entry?["dependency"] as? String == "researcher")
        #expect((entry?["effect"] as? String)?.contains("sources/no-such-file.md") == true)
        // Later agents carry it on, and the campaign summary counts it as a failed check.
        for agent in ["editor", "seo", "social_media"] {
            #expect((chain.outputs[agent]?["worked_without"] as? [[String: Any]] ?? []).count == 1, "\(agent)")
        }
        let schedule = try #require(chain.outputs["campaign_manager"]?.object("campaign_schedule"))
        let dependencies = (schedule["checks"] as? [[String: Any]] ?? []).first { $0["check"] as? String == "dependencies" }
        #expect(dependencies?["passed"] as? Bool == false)
        #expect((dependencies?["detail"] as? String)?.hasPrefix("writer worked without researcher") == true)
        let summary = try expectSummaryAgrees(chain: chain, folder: folder)
        #expect(summary.contains("- [ ] dependencies: writer worked without researcher"))
    }
}
