// Article.swift — the parts of a Markdown article SEO looks at.
import ContentKit
import Foundation

/// A heading of the article.
struct Heading {
    var level: Int
    var text: String
    var anchor: String
}

/// A numbered entry of the article's Sources list ("2. Title (path)").
struct Reference {
    var number: Int
    var text: String
}

/// A Markdown article split into headings, paragraphs and plain text.
struct Article {
    var markdown: String
    var headings: [Heading]
    /// Prose paragraphs with citations, outside the Sources list.
    var paragraphs: [String]
    /// The Sources list.
    var references: [Reference]
    /// Plain prose without headings, citations or the Sources list.
    var plain: String

    init(markdown: String) {
        self.markdown = markdown
        var headings: [Heading] = []
        var paragraphs: [String] = []
        var references: [Reference] = []
        var inSources = false
        for line in markdown.components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            let hashes = t.prefix(while: { $0 == "#" }).count
            if (1...6).contains(hashes), t.dropFirst(hashes).first == " " {
                let text = t.dropFirst(hashes).trimmingCharacters(in: .whitespaces)
                headings.append(Heading(level: hashes, text: text, anchor: Markup.slugify(text, maxLength: 80)))
                inSources = Text.referenceHeadings.contains(text.lowercased())
            } else if inSources {
                let digits = t.prefix(while: { $0.isNumber })
                if let n = Int(digits), t.dropFirst(digits.count).hasPrefix(". ") {
                    references.append(Reference(number: n, text: String(t.dropFirst(digits.count + 2))))
                }
            } else if !t.isEmpty && !t.hasPrefix("- ") && !t.hasPrefix("* ") {
                paragraphs.append(t)
            }
        }
        self.headings = headings
        self.paragraphs = paragraphs
        self.references = references
        plain = Text.articleProse(markdown)
    }

    /// Text of the first level-1 heading.
    var h1: String? { headings.first { $0.level == 1 }?.text }
}
