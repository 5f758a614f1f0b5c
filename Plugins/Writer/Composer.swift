// Composer.swift — writes the article section by section from source passages.
//
// Implementation notes: a section's passages arrive in source order; consecutive passages
// of one source paragraph become one paragraph of the article, cited once at its end
// (" [n]"), so every sentence keeps the sentences it leans on right before it. A body
// section is titled after the source section most of its words come from (its subject),
// or for sources without headings after its most characteristic key phrase, not after the
// planner's keyword template; introduction, next steps and conclusion keep
// the planner's headings. Composed sentences (the introduction's and conclusion's framing)
// stand in paragraphs of their own without a citation, so later agents can tell them apart.
import AgentPluginKit
import ContentKit
import Foundation

/// Composes the Markdown article from an outline and material.
struct Composer {
    let context: AgentContext
    let outline: Outline
    let material: Material
    var notes: [String]

    /// One planned section with the passages it will hold.
    private struct Plan {
        var section: OutlineSection
        var facts: [Fact]
        var heading: String
    }

    /// Builds the article, writes draft.md and returns the output object.
    func run() throws -> [String: Any] {
        var notes = self.notes
        let plans = planSections()
        let bodyTitles = plans.filter { $0.section.role == .body && $0.section.id != "next-steps" && !$0.facts.isEmpty }
            .map(\.heading)
        var lines = ["# \(outline.title)", ""]
        var sourceWords = 0
        var composedWords = 0
        var sectionReports: [[String: Any]] = []
        var cited = Set<Int>()
        for (index, plan) in plans.enumerated() {
            try context.checkCancelled()
            let section = plan.section
            lines += ["## \(plan.heading)", ""]
            var sectionWords = 0
            func compose(_ sentence: String) {
                lines += [sentence, ""]
                composedWords += Text.wordCount(sentence)
                sectionWords += Text.wordCount(sentence)
            }
            if let lead = lead(for: section, titles: bodyTitles) { compose(lead) }
            for paragraph in paragraphs(plan.facts) {
                let words = paragraph.reduce(0) { $0 + Text.wordCount($1.text) }
                let source = paragraph[0].source
                let text = paragraph.map(\.text).joined(separator: " ")
                lines += [source > 0 ? "\(text) [\(source)]" : text, ""]
                if source > 0 { cited.insert(source) }
                sourceWords += words
                sectionWords += words
            }
            if plan.facts.isEmpty {
                compose("The sources hold no material for this part (\(section.purpose.lowercasedFirst())).")
                notes.append("Section \"\(plan.heading)\" has no source material.")
            } else if sectionWords < section.targetWords * 4 / 5 {
                notes.append(
                    "Section \"\(plan.heading)\" reached \(sectionWords) of \(section.targetWords) words: the sources hold no more material for it."
                )
            }
            if let close = closing(for: section, titles: bodyTitles) { compose(close) }
            sectionReports.append([
                "id": section.id, "heading": plan.heading, "planned_heading": section.heading, "words": sectionWords,
                "target_words": section.targetWords, "facts": plan.facts.count,
                "topics": orderedUnique(plan.facts.map(\.topic).filter { !$0.isEmpty }),
                "reached_target": sectionWords >= section.targetWords * 4 / 5,
            ])
            context.progress(0.4 + 0.5 * Double(index + 1) / Double(plans.count))
        }
        let citations = material.sources.filter { cited.contains($0.id) }
        if !citations.isEmpty {
            lines += ["## Sources", ""]
            for s in citations { lines.append("\(s.id). \(s.title) (\(s.path))") }
            lines.append("")
        }
        let markdown = lines.joined(separator: "\n")
        let total = sourceWords + composedWords
        let targetWords = outline.sections.reduce(0) { $0 + $1.targetWords }
        let artifacts = try context.writeArtifact("draft.md", markdown)
        var content: [String: Any] = [
            "title": outline.title, "markdown": markdown, "word_count": Text.articleWordCount(markdown),
            "body_words": total, "target_words": targetWords, "source_words": sourceWords,
            "composed_words": composedWords,
            "source_share": total == 0 ? 0 : (1000 * Double(sourceWords) / Double(total)).rounded() / 1000,
            "sections": sectionReports,
            "citations": citations.map { ["id": $0.id, "title": $0.title, "path": $0.path] as [String: Any] },
            "method": material.method, "written_by": context.agent,
        ]
        if !material.unreadable.isEmpty {
            content["unreadable_sources"] = material.unreadable
            notes.append("Unreadable sources skipped: \(material.unreadable.joined(separator: ", ")).")
        }
        return ["blog_content": content, "notes": notes, "artifacts": artifacts]
    }

    // MARK: - Planning

    /// Each section's passages (not used by an earlier section) and its heading.
    private func planSections() -> [Plan] {
        var used = Set<String>()
        var headings = Set<String>()
        return outline.sections.map { section in
            var candidates = material.bySection[section.id] ?? []
            if candidates.isEmpty {
                // Nothing allocated: borrow unused top passages that mention the section's keywords.
                let keys = Set(section.keywords.map(Stem.of))
                candidates = material.pool.filter { fact in Text.tokens(fact.text).contains { keys.contains(Stem.of($0)) } }
                    .sorted { ($0.source, $0.position) < ($1.source, $1.position) }
            }
            var facts = candidates.filter { used.insert($0.text.lowercased()).inserted }
            var heading = section.heading
            if section.role == .body && section.id != "next-steps", let subject = subject(of: facts, excluding: headings) {
                heading = subject
                // The subject the section is titled after comes first.
                facts = facts.filter { $0.topic == subject } + facts.filter { $0.topic != subject }
            }
            headings.insert(heading.lowercased())
            return Plan(section: section, facts: facts, heading: heading)
        }
    }

    /// The heading of the source section most of `facts`' words come from, unless taken;
    /// for sources without headings, the section's most characteristic key phrase.
    private func subject(of facts: [Fact], excluding taken: Set<String>) -> String? {
        var words: [String: Int] = [:]
        for fact in facts where !fact.topic.isEmpty { words[fact.topic, default: 0] += Text.wordCount(fact.text) }
        if let heading = words.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key })
            .map(\.key).first(where: { !taken.contains($0.lowercased()) })
        {
            return heading
        }
        let text = facts.map(\.text).joined(separator: " ")
        guard !text.isEmpty else { return nil }
        let others = material.bySection.values.map { $0.map(\.text).joined(separator: " ") }
        let tfidf = TFIDF(documents: [text] + others)
        // A phrase said twice is most likely what the section is about; else one of its opening.
        let phrase = [2, 1].lazy.compactMap { count in
            tfidf.keyPhrases(in: [text], limit: 5, minimumCount: count, preferOpening: true).map(\.term)
                .first { !taken.contains($0) }
        }.first
        return phrase.map { $0.prefix(1).uppercased() + $0.dropFirst() }
    }

    /// Facts grouped into paragraphs: passages of one source paragraph, in order, stay
    /// together (up to about 120 words); anything else starts a new paragraph.
    private func paragraphs(_ facts: [Fact]) -> [[Fact]] {
        var result: [[Fact]] = []
        for fact in facts {
            if let last = result.last?.last, last.source == fact.source, last.paragraph == fact.paragraph,
                fact.position > last.position,
                result[result.count - 1].reduce(0, { $0 + Text.wordCount($1.text) }) + Text.wordCount(fact.text) <= 120
            {
                result[result.count - 1].append(fact)
            } else {
                result.append([fact])
            }
        }
        return result
    }

    // MARK: - Composed sentences

    /// The composed opening of the introduction and of the next steps; nil for the others.
    private func lead(for section: OutlineSection, titles: [String]) -> String? {
        if section.role == .introduction {
            // "Solar schools: a briefing for governors" is about "solar schools".
            let subject = outline.title.components(separatedBy: ": ").first ?? outline.title
            let about = "Here is what \(outline.audience) need to know about \(subject.lowercasedFirst())"
            return titles.isEmpty ? about + "." : about + ", in \(Composer.count(titles.count)) parts: " + Composer.list(titles) + "."
        }
        if section.id == "next-steps" { return "For \(outline.audience), the sources point to practical steps." }
        return nil
    }

    /// The composed closing sentence of the conclusion; nil for the others.
    private func closing(for section: OutlineSection, titles: [String]) -> String? {
        guard section.role == .conclusion, !titles.isEmpty else { return nil }
        return "The sections above cover \(Composer.list(titles)); the sources listed below give the detail."
    }

    /// Titles quoted and listed: "“a”", "“a” and “b”", "“a”, “b” and “c”".
    static func list(_ titles: [String]) -> String {
        let items = titles.map { "“\($0)”" }
        return items.count <= 2 ? items.joined(separator: " and ") : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// A small count in words.
    static func count(_ n: Int) -> String {
        n < 10 ? ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][n] : "\(n)"
    }

    private func orderedUnique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}

extension String {
    /// The string with its first character lowercased unless it starts an acronym.
    func lowercasedFirst() -> String {
        guard let first = first, dropFirst().first?.isUppercase != true else { return self }
        return first.lowercased() + dropFirst()
    }
}
