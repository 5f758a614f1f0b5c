// ArticleDocument.swift — the article as sections of sentences, and what is derived from it.
import ContentKit
import Foundation

/// One H2 section of the article.
struct ArticleSection {
    var heading: String
    var sentences: [String]
}

/// A slide: a title and a few bullets.
struct Slide {
    var title: String
    var bullets: [String]
}

/// The article split into sections (the Sources list kept apart).
struct ArticleDocument {
    var title: String
    var sections: [ArticleSection]
    var sources: [String]

    init(markdown: String, title: String) {
        self.title = title
        var sections: [ArticleSection] = []
        var sources: [String] = []
        var current: ArticleSection? = nil
        var inSources = false
        let cites = markdown.contains("\n## Sources\n")
        for line in Text.stripFrontMatter(markdown).components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("## ") {
                if let c = current { sections.append(c) }
                let heading = String(t.dropFirst(3))
                inSources = heading.lowercased() == "sources"
                current = inSources ? nil : ArticleSection(heading: heading, sentences: [])
            } else if t.hasPrefix("# ") || t.isEmpty {
                continue
            } else if inSources {
                sources.append(t)
            } else if current != nil {
                // With a Sources list, an uncited paragraph is the writer's composed framing.
                if cites && t.range(of: #"\[\d+(?:,\s*\d+)*\]$"#, options: .regularExpression) == nil { continue }
                let prose = Text.stripInlineMarkdown(t.hasPrefix("- ") ? String(t.dropFirst(2)) : t)
                current?.sentences += Text.sentences(prose).map { Text.removingCitations($0) }
            }
        }
        if let c = current { sections.append(c) }
        self.sections = sections
        self.sources = sources
    }

    /// Sentences worth quoting: standing alone, of a readable length.
    private func quotable(_ sentences: [String]) -> [String] {
        sentences.filter { !Text.opensWithReference($0) && (6...35).contains(Text.wordCount($0)) }
    }

    /// The article's most central sentences (TextRank), in article order, up to `maxWords`.
    func summary(maxWords: Int) -> String {
        let all = quotable(sections.flatMap(\.sentences))
        var chosen: [Int] = []
        var words = 0
        for i in TextRank.ranking(all) {
            let n = Text.wordCount(all[i])
            if words + n > maxWords { continue }
            chosen.append(i)
            words += n
            if words >= maxWords * 3 / 4 { break }
        }
        return chosen.sorted().map { all[$0] }.joined(separator: " ")
    }

    /// A title slide, one slide per section with up to three short bullets, and a sources slide.
    func slides(audience: String?) -> [Slide] {
        var slides = [Slide(title: title, bullets: audience.map { ["For \($0)"] } ?? [])]
        for section in sections {
            let candidates = quotable(section.sentences)
            guard !candidates.isEmpty else { continue }
            let ranked = TextRank.ranking(candidates).prefix(3).sorted()
            slides.append(Slide(title: section.heading, bullets: ranked.map { bullet(candidates[$0]) }))
        }
        if !sources.isEmpty {
            slides.append(Slide(title: "Sources", bullets: sources.map { $0.replacingOccurrences(of: #"^\d+\.\s*"#, with: "", options: .regularExpression) }))
        }
        return slides
    }

    /// A sentence shortened to a bullet of at most 16 words, without its final period.
    private func bullet(_ sentence: String) -> String {
        var s = sentence
        if s.hasSuffix(".") { s.removeLast() }
        let words = s.split(separator: " ")
        if words.count <= 16 { return s }
        // Prefer the first clause when it can stand alone.
        if let comma = s.range(of: ", ") {
            let clause = String(s[..<comma.lowerBound])
            let subordinate = ["when", "if", "because", "although", "while", "once", "as", "since", "after", "before", "under"]
            let opener = Text.tokens(clause).first ?? ""
            if (6...16).contains(Text.wordCount(clause)) && !subordinate.contains(opener) { return clause }
        }
        return words.prefix(15).joined(separator: " ") + " …"
    }
}

/// Slide outline rendering.
enum Slides {
    /// Slides as Markdown separated by `---` (the format Marp and reveal.js read).
    static func markdown(_ slides: [Slide]) -> String {
        slides.enumerated().map { i, slide in
            var lines = [i == 0 ? "# \(slide.title)" : "## \(slide.title)", ""]
            lines += slide.bullets.map { "- \($0)" }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n---\n\n") + "\n"
    }
}
