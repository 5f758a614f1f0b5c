// Passage.swift — source documents cut into passages: runs of consecutive sentences that
// belong together because each leans on the one before it, so a passage can be quoted on
// its own and a reference never arrives before what it refers to.
import Foundation

/// A run of consecutive sentences of one source document, under one of its headings.
public struct Passage: Sendable, Equatable {
    /// The source document's number (as cited: 1, 2, ...).
    public var source: Int
    /// The heading of the source's section the passage sits in ("" before any heading).
    public var topic: String
    /// Position of the passage in its source (0, 1, ...), in reading order.
    public var index: Int
    /// The paragraph of the source (0, 1, ...) where the passage starts.
    public var paragraph: Int
    /// Its sentences, in order.
    public var sentences: [String]
    /// Whether its first sentence refers to something before it that is not in the passage
    /// (it opens its source section with "These ..."): it cannot be quoted alone.
    public var opensWithReference: Bool

    /// Creates a passage.
    public init(source: Int, topic: String, index: Int, paragraph: Int, sentences: [String], opensWithReference: Bool) {
        self.source = source
        self.topic = topic
        self.index = index
        self.paragraph = paragraph
        self.sentences = sentences
        self.opensWithReference = opensWithReference
    }

    /// The sentences joined by spaces.
    public var text: String { sentences.joined(separator: " ") }
    /// Its word count.
    public var words: Int { Text.wordCount(text) }
}

/// Cutting sources into passages, and scoring passages against keywords.
public enum Passages {
    /// The passages of a Markdown source document numbered `source`.
    ///
    /// `##` (and deeper) headings start a new topic; the `#` title does not. Within a topic a
    /// sentence that leans on the one before it (``Text/leansOn(previous:_:)``) joins its
    /// passage, and across a paragraph break one that opens with a reference
    /// (``Text/opensWithReference(_:)``); any other sentence starts a new passage.
    public static func of(markdown: String, source: Int) -> [Passage] {
        var passages: [Passage] = []
        var paragraph = -1
        for (topic, block) in blocks(markdown) {
            for text in Text.paragraphs(Text.plainText(fromMarkdown: block)) {
                paragraph += 1
                for (i, sentence) in Text.sentences(text).enumerated() where Text.wordCount(sentence) >= 3 {
                    // Within a paragraph any lean joins; across a paragraph break only a plain reference.
                    if var last = passages.last, last.topic == topic, last.source == source,
                        let previous = last.sentences.last,
                        i == 0 ? Text.opensWithReference(sentence) : Text.leansOn(previous: previous, sentence)
                    {
                        last.sentences.append(sentence)
                        passages[passages.count - 1] = last
                    } else {
                        passages.append(
                            Passage(
                                source: source, topic: topic, index: passages.count, paragraph: paragraph,
                                sentences: [sentence], opensWithReference: Text.opensWithReference(sentence)))
                    }
                }
            }
        }
        return passages
    }

    /// Centrality of each passage in [0, 1]: the best TextRank score of its sentences among
    /// all sentences of `passages`, divided by the best score overall.
    public static func centrality(_ passages: [Passage]) -> [Double] {
        let sentences = passages.flatMap(\.sentences)
        let scores = TextRank.scores(sentences)
        let best = scores.max() ?? 0
        var offset = 0
        return passages.map { p in
            let mine = scores[offset..<(offset + p.sentences.count)]
            offset += p.sentences.count
            return best > 0 ? (mine.max() ?? 0) / best : 0
        }
    }

    /// Relevance of `passage` to a set of keyword stems: the distinct stems it contains
    /// (`own` count 1 each, `related` 0.15 each and at most 0.45), per square root of its
    /// sentence count, so long passages do not win on length alone.
    public static func relevance(_ passage: Passage, own: Set<String>, related: Set<String> = []) -> Double {
        let stems = Stem.set(passage.text)
        let hits = Double(stems.intersection(own).count) + min(0.15 * Double(stems.intersection(related).count), 0.45)
        return hits / Double(max(passage.sentences.count, 1)).squareRoot()
    }

    // MARK: - Private helpers

    /// The Markdown of each `##` section with its heading (front matter and `#` title dropped).
    private static func blocks(_ markdown: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var topic = ""
        var lines: [String] = []
        func flush() {
            if !lines.isEmpty { result.append((topic, lines.joined(separator: "\n"))) }
            lines = []
        }
        for line in Text.stripFrontMatter(markdown).components(separatedBy: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            let hashes = t.prefix(while: { $0 == "#" }).count
            if hashes >= 1, t.dropFirst(hashes).first == " " {
                flush()
                if hashes >= 2 { topic = t.dropFirst(hashes).trimmingCharacters(in: .whitespaces) }
                continue
            }
            lines.append(line)
        }
        flush()
        return result
    }
}
