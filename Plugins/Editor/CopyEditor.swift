// CopyEditor.swift — the editing passes over a Markdown article, with a change list.
//
// Implementation notes: the editor applies only edits it is sure of and says each one in
// `changes` (type, section, the text before and after, and a sentence for people):
// whitespace and punctuation rules per line; repeated sentences dropped; a sentence that
// opens with a reference ("This is...", "During those weeks...") kept only right after
// what it refers to: at the start of a section nothing precedes it, so it is dropped; at
// the start of a paragraph it is joined to the paragraph before when both cite the same
// source, else dropped; inside a paragraph it is dropped when the sentence before it
// cites another source. Sentences over `longSentenceWords` are split at a clause boundary
// ("; ", ", and", ", but", ", so") when both halves have eight words or more and the second
// half starts like a clause of its own; the rest are flagged, as is passive voice.
import ContentKit
import Foundation

/// Edits Markdown prose paragraphs; headings keep their text, the Sources list is untouched.
struct CopyEditor {
    /// Sentences longer than this many words are split at a clause boundary or flagged.
    static let longSentenceWords = 30

    /// What was changed, in order: `type`, `section`, details and a `description`.
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
        /// Index in `out` of the section's last prose paragraph, when there is one.
        var lastParagraph: Int? = nil
        for raw in markdown.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n") {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if out.last?.isEmpty == false { out.append("") }
                continue
            }
            if trimmed.hasPrefix("#") {
                let heading = normalize(trimmed, section: section)
                section = heading.drop(while: { $0 == "#" || $0 == " " }).description
                inSources = Text.referenceHeadings.contains(section.lowercased())
                lastParagraph = nil
                out.append(heading)
                continue
            }
            if inSources {
                out.append(trimmed)
                continue
            }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                out.append(normalize(trimmed, section: section))
                lastParagraph = nil
                continue
            }
            let previous = lastParagraph.map { out[$0] }
            let (paragraph, attach) = editParagraph(normalize(trimmed, section: section), section: section, previous: previous)
            if paragraph.isEmpty {
                if out.last?.isEmpty == true { out.removeLast() }
                continue
            }
            if attach, let index = lastParagraph {
                out[index] += " " + paragraph
                while out.count > index + 1 { out.removeLast() }
                continue
            }
            out.append(paragraph)
            lastParagraph = out.count - 1
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
                record(type, section, ["before": text, "after": edited], "Fixed \(type.replacingOccurrences(of: "_", with: " ")).")
                text = edited
            }
        }
        return text
    }

    /// The paragraph without repeated and dangling sentences, long ones split; and whether
    /// it must be joined to `previous` (the section's paragraph before it), because its
    /// first sentence refers to the end of that paragraph.
    private mutating func editParagraph(_ paragraph: String, section: String, previous: String?) -> (String, Bool) {
        let sentences = Text.sentences(paragraph)
        let paragraphSource = sentences.last.flatMap(CopyEditor.citation)
        var kept: [String] = []
        var attach = false
        var orphanCitation: String? = nil
        for (position, sentence) in sentences.enumerated() {
            // The last sentence's marker cites the whole paragraph (the writer's convention).
            let carriesParagraphCitation = position == sentences.count - 1 && CopyEditor.citation(sentence) != nil
            let bare = Text.removingCitations(sentence)
            let key = Text.tokens(bare).joined(separator: " ")
            if key.isEmpty { continue }
            if seen.contains(key) {
                record(
                    "removed_repeated_sentence", section, ["sentence": sentence],
                    "Removed a sentence that repeats an earlier one: \"\(Markup.truncate(bare, to: 80))\".")
                if carriesParagraphCitation { orphanCitation = CopyEditor.citation(sentence) }
                continue
            }
            if Text.opensWithReference(bare) {
                let opener = Text.words(bare).prefix(2).joined(separator: " ")
                if kept.isEmpty && !attach {
                    if let previous, CopyEditor.citation(Text.sentences(previous).last ?? "") == paragraphSource {
                        attach = true
                        record(
                            "attached_dangling_reference", section, ["sentence": sentence],
                            "Joined a paragraph opening with \"\(opener)\" to the paragraph before, which holds what it refers to.")
                    } else {
                        let place = previous == nil ? "opens the section" : "opens a paragraph after another source"
                        record(
                            "dropped_dangling_reference", section, ["sentence": sentence],
                            "Dropped a sentence that \(place) with \"\(opener)\" and nothing before it says what that refers to.")
                        if carriesParagraphCitation { orphanCitation = CopyEditor.citation(sentence) }
                        continue
                    }
                } else if let before = kept.last.flatMap(CopyEditor.citation), before != (CopyEditor.citation(sentence) ?? paragraphSource) {
                    record(
                        "dropped_dangling_reference", section, ["sentence": sentence],
                        "Dropped a sentence opening with \"\(opener)\" that follows a sentence from another source.")
                    if carriesParagraphCitation { orphanCitation = CopyEditor.citation(sentence) }
                    continue
                }
            }
            seen.insert(key)
            var result = sentence
            let words = Text.wordCount(bare)
            if words > CopyEditor.longSentenceWords {
                if let (split, boundary) = CopyEditor.splitAtClause(sentence) {
                    record(
                        "split_long_sentence", section, ["before": sentence, "after": split, "words": words],
                        "Split a \(words)-word sentence in two at \"\(boundary)\".")
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
        // A dropped last sentence took the paragraph's citation with it; give it to the new last one.
        if let c = orphanCitation, let last = kept.last, CopyEditor.citation(last) == nil {
            kept[kept.count - 1] = last + " " + c
            record("moved_citation", section, ["before": last, "after": last + " " + c], "Moved the paragraph's citation \(c) to its new last sentence.")
        }
        return (kept.joined(separator: " "), attach && !kept.isEmpty)
    }

    private mutating func record(_ type: String, _ section: String, _ fields: [String: Any], _ description: String) {
        var change = fields
        change["type"] = type
        change["section"] = section
        change["description"] = section.isEmpty ? description : "\(section): \(description)"
        changes.append(change)
    }

    // MARK: - Sentence helpers

    /// The trailing citation marker of `sentence` ("[2]"), or nil.
    static func citation(_ sentence: String) -> String? {
        guard let range = sentence.range(of: #"\[\d+(?:,\s*\d+)*\]$"#, options: .regularExpression) else { return nil }
        return String(sentence[range])
    }

    /// Words that start a clause of its own: determiners and pronouns.
    private static let clauseOpeners: Set<String> = [
        "the", "a", "an", "this", "that", "these", "those", "it", "they", "we", "you", "he", "she", "i", "there", "its",
        "their", "our", "your", "his", "her", "some", "many", "most", "each", "every", "all", "no", "one", "such", "both",
    ]
    /// Auxiliary and modal verbs: a finite verb within a clause's first words.
    private static let auxiliaries: Set<String> = [
        "is", "are", "was", "were", "has", "have", "had", "do", "does", "did", "can", "could", "may", "might", "must",
        "should", "will", "would", "shall",
    ]

    /// `sentence` split in two at the clause boundary nearest its middle, and the boundary;
    /// nil when no boundary is safe.
    static func splitAtClause(_ sentence: String) -> (String, String)? {
        let boundaries: [(String, String)] = [("; ", ""), (", and ", ""), (", but ", "But "), (", so ", "So ")]
        var best: (text: String, boundary: String, distance: Int)? = nil
        let total = Text.wordCount(sentence)
        for (boundary, opener) in boundaries {
            var searchStart = sentence.startIndex
            while let range = sentence.range(of: boundary, range: searchStart..<sentence.endIndex) {
                searchStart = range.upperBound
                let first = String(sentence[..<range.lowerBound])
                let rest = String(sentence[range.upperBound...])
                let firstWords = Text.wordCount(first)
                let restTokens = Text.tokens(Text.removingCitations(rest))
                guard firstWords >= 8, restTokens.count >= 8, let head = rest.first else { continue }
                if boundary == ", and " && looksLikeList(first) { continue }
                // A semicolon joins two clauses by definition; a conjunction needs a subject after it.
                let startsClause = boundary == "; " || clauseOpeners.contains(restTokens[0])
                    || (restTokens.prefix(5).dropFirst().contains(where: auxiliaries.contains)
                        && !auxiliaries.contains(restTokens[0]) && !restTokens[0].hasSuffix("ing")
                        && !restTokens[0].hasSuffix("ed"))
                guard startsClause, !first.contains("("), !first.hasSuffix(")") else { continue }
                let second = opener.isEmpty ? head.uppercased() + rest.dropFirst() : opener + rest
                let distance = abs(2 * firstWords - total)
                if best == nil || distance < best!.distance {
                    best = (first + ". " + second, boundary.trimmingCharacters(in: .whitespaces), distance)
                }
            }
        }
        return best.map { ($0.text, $0.boundary) }
    }

    /// Whether `text` ends in a list ("lighting, computers, kitchens"): two or more of its
    /// comma-separated parts have three words or fewer.
    private static func looksLikeList(_ text: String) -> Bool {
        let parts = text.components(separatedBy: ", ").dropFirst()
        return parts.filter { Text.wordCount($0) <= 3 }.count >= 2
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
