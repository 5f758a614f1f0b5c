// Text+Article.swift — the prose of an article, and the one word count every agent reports.
import Foundation

extension Text {
    /// Headings that start the reference list of an article; it and everything after it is
    /// not prose.
    public static let referenceHeadings: Set<String> = ["sources", "references"]

    /// The article's Markdown without front matter and without its `## Sources` (or
    /// `## References`) list.
    public static func articleBody(_ markdown: String) -> String {
        var lines: [String] = []
        for line in stripFrontMatter(markdown).components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("## "), referenceHeadings.contains(t.dropFirst(3).trimmingCharacters(in: .whitespaces).lowercased()) {
                break
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The article's prose as plain text: no headings, no reference list, no citation markers.
    public static func articleProse(_ markdown: String) -> String {
        removingCitations(plainText(fromMarkdown: articleBody(markdown)))
    }

    /// The article's word count: the words (``words(_:)``) of its prose (``articleProse(_:)``).
    /// Writer, editor, SEO and readability all report this number for the same text.
    public static func articleWordCount(_ markdown: String) -> Int { wordCount(articleProse(markdown)) }
}

extension Text {
    /// The sentences of the article's cited paragraphs (those ending in a marker such as
    /// "[2]"), citations removed, in order: what the sources say, without the writer's
    /// composed framing. An article that cites nothing gives all its prose sentences.
    public static func sourcedSentences(_ markdown: String) -> [String] {
        let paragraphs = Text.paragraphs(plainTextKeepingCitations(articleBody(markdown)))
        let cited = paragraphs.filter { $0.range(of: #"\[\d+(?:,\s*\d+)*\]$"#, options: .regularExpression) != nil }
        return (cited.isEmpty ? paragraphs : cited).flatMap { sentences($0) }.map { removingCitations($0) }
    }

    /// Markdown prose to plain paragraphs, keeping citation markers (headings and lists dropped).
    private static func plainTextKeepingCitations(_ markdown: String) -> String {
        markdown.components(separatedBy: "\n\n").compactMap { block -> String? in
            let t = block.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix("|") || t.hasPrefix("```") || t.hasPrefix("- ") || t.hasPrefix("* ") {
                return nil
            }
            return collapseWhitespace(t.replacingOccurrences(of: "**", with: ""))
        }.joined(separator: "\n\n")
    }
}
