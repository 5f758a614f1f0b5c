// CopyEditor.swift — the editing passes over a Markdown article, with a change list.
import ContentKit
import Foundation

/// Edits Markdown prose paragraphs; headings keep their text, the Sources list is untouched.
struct CopyEditor {
    /// Sentences longer than this many words are split at a semicolon or flagged.
    static let longSentenceWords = 30

    /// What was changed, in order: `type`, `section` and details.
    private(set) var changes: [[String: Any]] = []
    /// Long sentences left as they are.
    private(set) var longSentences: [[String: Any]] = []
    /// Sentences that look passive.
    private(set) var passiveVoice: [[String: Any]] = []

    private var seen = Set<String>()

    /// The edited article.
    mutating func edit(_ markdown: String) -> String {
        var out: [String] = []
        var section = ""
        var inSources = false
        for raw in markdown.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n") {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if out.last?.isEmpty == false { out.append("") }
                continue
            }
            if trimmed.hasPrefix("#") {
                let heading = normalize(trimmed, section: section)
                section = heading.drop(while: { $0 == "#" || $0 == " " }).description
                inSources = section.lowercased() == "sources"
                out.append(heading)
                continue
            }
            if inSources {
                out.append(trimmed)
                continue
            }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                out.append(normalize(trimmed, section: section))
                continue
            }
            let paragraph = editParagraph(normalize(trimmed, section: section), section: section)
            if paragraph.isEmpty {
                if out.last?.isEmpty == true { out.removeLast() }
                continue
            }
            out.append(paragraph)
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: - Passes

    /// Whitespace and punctuation rules, each recorded once per line where it applied.
    private mutating func normalize(_ line: String, section: String) -> String {
        let rules: [(String, String, String)] = [
            ("whitespace", #"[ \t]{2,}"#, " "),
            ("repeated_punctuation", #"([,;:!?])\1+"#, "$1"),
            ("repeated_punctuation", #"(?<!\.)\.\.(?!\.)"#, "."),
            ("space_before_punctuation", #"\s+([,.;:!?])(?=\s|$)"#, "$1"),
            ("ellipsis", #"\.\.\."#, "…"),
            ("missing_space_after_punctuation", #"([,;])(?=[A-Za-z])"#, "$1 "),
            ("missing_space_after_punctuation", #"(?<=[a-z])([.!?])(?=[A-Z][a-z])"#, "$1 "),
        ]
        var text = line
        for (type, pattern, template) in rules {
            let edited = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
            if edited != text {
                changes.append(["type": type, "section": section, "before": text, "after": edited])
                text = edited
            }
        }
        return text
    }

    /// Removes sentences already seen, splits long ones at a semicolon, flags the rest.
    private mutating func editParagraph(_ paragraph: String, section: String) -> String {
        var kept: [String] = []
        for sentence in Text.sentences(paragraph) {
            let bare = Text.removingCitations(sentence)
            let key = Text.tokens(bare).joined(separator: " ")
            if key.isEmpty { continue }
            if seen.contains(key) {
                changes.append(["type": "removed_repeated_sentence", "section": section, "sentence": sentence])
                continue
            }
            seen.insert(key)
            var result = sentence
            let words = Text.wordCount(bare)
            if words > CopyEditor.longSentenceWords {
                if let split = splitAtSemicolon(sentence) {
                    changes.append(["type": "split_long_sentence", "section": section, "before": sentence, "after": split])
                    result = split
                } else {
                    longSentences.append(["section": section, "sentence": sentence, "words": words])
                }
            }
            if let phrase = passivePhrase(bare) {
                passiveVoice.append(["section": section, "sentence": sentence, "phrase": phrase])
            }
            kept.append(result)
        }
        return kept.joined(separator: " ")
    }

    /// "A; b." -> "A. B." when both halves have at least eight words.
    private func splitAtSemicolon(_ sentence: String) -> String? {
        guard let range = sentence.range(of: "; ") else { return nil }
        let first = String(sentence[..<range.lowerBound])
        let second = String(sentence[range.upperBound...])
        guard Text.wordCount(first) >= 8, Text.wordCount(Text.removingCitations(second)) >= 8, let head = second.first
        else { return nil }
        return first + ". " + head.uppercased() + second.dropFirst()
    }

    /// The passive construction in `sentence` ("is used", "were built"), or nil.
    private func passivePhrase(_ sentence: String) -> String? {
        let participles = "known|built|given|made|done|seen|shown|taken|written|paid|held|found|sold|set|cut|put|left|"
            + "brought|bought|thought|chosen|driven|grown|drawn|spent|kept|told|sent|meant|run|won|worn|torn|hidden"
        let pattern = #"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?(?:\w+ed|"# + participles + #")\b"#
        guard let range = sentence.range(of: pattern, options: [.regularExpression, .caseInsensitive]) else { return nil }
        return String(sentence[range])
    }
}
