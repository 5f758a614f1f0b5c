// Article.swift — the parts of a Markdown article SEO looks at.
import ContentKit
import Foundation

/// A heading of the article.
struct Heading {
    var level: Int
    var text: String
    var anchor: String
}

/// A Markdown article split into headings, paragraphs and plain text.
struct Article {
    var markdown: String
    var headings: [Heading]
    /// Prose paragraphs with citations, outside the Sources list.
    var paragraphs: [String]
    /// Plain text without citations.
    var plain: String

    init(markdown: String) {
        self.markdown = markdown
        var headings: [Heading] = []
        var paragraphs: [String] = []
        var inSources = false
        for line in markdown.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            let hashes = t.prefix(while: { $0 == "#" }).count
            if (1...6).contains(hashes), t.dropFirst(hashes).first == " " {
                let text = t.dropFirst(hashes).trimmingCharacters(in: .whitespaces)
                headings.append(Heading(level: hashes, text: text, anchor: Markup.slugify(text, maxLength: 80)))
                inSources = text.lowercased() == "sources"
            } else if !t.isEmpty && !inSources && !t.hasPrefix("- ") && !t.hasPrefix("* ") {
                paragraphs.append(t)
            }
        }
        self.headings = headings
        self.paragraphs = paragraphs
        plain = Text.removingCitations(Text.plainText(fromMarkdown: markdown))
    }

    /// Text of the first level-1 heading.
    var h1: String? { headings.first { $0.level == 1 }?.text }
}
