// Composer.swift — writes the article section by section, citing every source sentence.
import AgentPluginKit
import ContentKit
import Foundation

/// Composes the Markdown article from an outline and material.
struct Composer {
    let context: AgentContext
    let outline: Outline
    let material: Material
    var notes: [String]

    /// Builds the article, writes draft.md and returns the output object.
    func run() throws -> [String: Any] {
        var notes = self.notes
        var used = Set<String>()
        var lines = ["# \(outline.title)", ""]
        var sourceWords = 0
        var composedWords = 0
        var sectionReports: [[String: Any]] = []
        var cited = Set<Int>()
        for (index, section) in outline.sections.enumerated() {
            try context.checkCancelled()
            lines.append("## \(section.heading)")
            lines.append("")
            var sectionWords = 0
            var paragraph: [String] = []
            var paragraphs: [String] = []
            if let lead = lead(for: section, index: index) {
                paragraph.append(lead)
                let n = Text.wordCount(lead)
                composedWords += n
                sectionWords += n
            }
            var candidates = material.bySection[section.id] ?? []
            if candidates.isEmpty {
                // Nothing allocated: borrow unused top facts that mention the section's keywords.
                let keys = Set(section.keywords.map(Stem.of))
                candidates = material.pool.filter { fact in Text.tokens(fact.text).contains { keys.contains(Stem.of($0)) } }
            }
            var factsUsed = 0
            for fact in candidates where sectionWords < section.targetWords {
                let key = fact.text.lowercased()
                if used.contains(key) { continue }
                used.insert(key)
                let n = Text.wordCount(fact.text)
                paragraph.append(fact.source > 0 ? "\(fact.text) [\(fact.source)]" : fact.text)
                if fact.source > 0 { cited.insert(fact.source) }
                sourceWords += n
                sectionWords += n
                factsUsed += 1
                if paragraph.count >= 3 {
                    paragraphs.append(paragraph.joined(separator: " "))
                    paragraph = []
                }
            }
            if factsUsed == 0 {
                let gap = "The sources hold no material for this part (\(section.purpose.lowercasedFirst()))."
                paragraph.append(gap)
                composedWords += Text.wordCount(gap)
                sectionWords += Text.wordCount(gap)
                notes.append("Section \"\(section.heading)\" has no source material.")
            } else if sectionWords < section.targetWords {
                notes.append(
                    "Section \"\(section.heading)\" reached \(sectionWords) of \(section.targetWords) words: the sources hold no more material for it."
                )
            }
            if !paragraph.isEmpty { paragraphs.append(paragraph.joined(separator: " ")) }
            for p in paragraphs {
                lines.append(p)
                lines.append("")
            }
            sectionReports.append([
                "id": section.id, "heading": section.heading, "words": sectionWords, "target_words": section.targetWords,
                "facts": factsUsed, "reached_target": sectionWords >= section.targetWords,
            ])
            context.progress(0.4 + 0.5 * Double(index + 1) / Double(outline.sections.count))
        }
        let citations = material.sources.filter { cited.contains($0.id) }
        if !citations.isEmpty {
            lines.append("## Sources")
            lines.append("")
            for s in citations { lines.append("\(s.id). \(s.title) (\(s.path))") }
            lines.append("")
        }
        let markdown = lines.joined(separator: "\n")
        let total = sourceWords + composedWords
        let targetWords = outline.sections.reduce(0) { $0 + $1.targetWords }
        let artifacts = try context.writeArtifact("draft.md", markdown)
        let content: [String: Any] = [
            "title": outline.title, "markdown": markdown, "word_count": Text.wordCount(markdown),
            "body_words": total, "target_words": targetWords, "source_words": sourceWords,
            "composed_words": composedWords,
            "source_share": total == 0 ? 0 : (1000 * Double(sourceWords) / Double(total)).rounded() / 1000,
            "sections": sectionReports,
            "citations": citations.map { ["id": $0.id, "title": $0.title, "path": $0.path] as [String: Any] },
            "method": material.method, "written_by": context.agent,
        ]
        return ["blog_content": content, "notes": notes, "artifacts": artifacts]
    }

    /// A short composed opening for framing sections; nil for body sections.
    private func lead(for section: OutlineSection, index: Int) -> String? {
        if index == 0 { return "This article looks at \(outline.title.lowercasedFirst()) for \(outline.audience)." }
        if section.id == "next-steps" { return "For \(outline.audience), the sources point to practical steps." }
        return nil
    }
}

extension String {
    /// The string with its first character lowercased unless it starts an acronym.
    func lowercasedFirst() -> String {
        guard let first = first, dropFirst().first?.isUppercase != true else { return self }
        return first.lowercased() + dropFirst()
    }
}
