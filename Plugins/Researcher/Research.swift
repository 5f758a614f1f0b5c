// Research.swift — keywords, key phrases, sentence ranking and the facts per section.
//
// Implementation notes: every sentence of the corpus gets a TextRank centrality. A
// sentence is relevant to a section when it contains the stem of one of the section's
// keywords (weight 1 each) or of the section's related terms (0.15 each, at most 0.45): the corpus
// keywords that most often share a sentence with the section's own keywords. Relevance times
// (0.5 + normalised centrality) orders the candidates, and the round-robin allocator gives
// each section its own facts up to its word target, so no fact is used twice.
import AgentPluginKit
import ContentKit
import Foundation

/// The research run over a corpus and an outline.
struct Research {
    let corpus: Corpus
    let sections: [ResearchSection]
    let context: AgentContext

    /// Produces the `research_notes` output and writes research.md.
    func run() throws -> [String: Any] {
        let texts = corpus.documents.map(\.text)
        let tfidf = TFIDF(documents: texts)
        let keywords = tfidf.keywords(limit: 20)
        let phrases = tfidf.keyPhrases(in: texts, limit: 12)
        var facts: [(text: String, source: Int)] = []
        for doc in corpus.documents {
            for s in doc.sentences { facts.append((s, doc.id)) }
        }
        try context.checkCancelled()
        let rank = TextRank.scores(facts.map(\.text))
        let maxRank = rank.max() ?? 1
        let centrality = rank.map { maxRank > 0 ? $0 / maxRank : 0 }
        context.progress(0.6, "sentences ranked")
        let stems = facts.map { Stem.set($0.text) }
        let keywordStems = keywords.map { Stem.of($0.term) }

        var scores: [[Double]] = []
        var related: [[String]] = []
        for section in sections {
            let own = Set(section.keywords.flatMap { Text.contentTokens($0) }.map(Stem.of))
            let rel = relatedTerms(own: own, candidates: keywordStems, stems: stems)
            related.append(rel)
            let relSet = Set(rel)
            scores.append(
                stems.indices.map { f in
                    let hits = Double(stems[f].intersection(own).count)
                        + min(0.15 * Double(stems[f].intersection(relSet).count), 0.45)
                    return hits == 0 ? 0 : hits * (0.5 + centrality[f])
                })
        }
        let allocation = FactAllocator.allocate(
            scores: scores, words: facts.map { Text.wordCount($0.text) }, targets: sections.map(\.targetWords))

        func fact(_ f: Int, score: Double) -> [String: Any] {
            ["text": facts[f].text, "source": facts[f].source, "score": round4(score)]
        }
        let sectionNotes: [[String: Any]] = sections.enumerated().map { s, section in
            [
                "id": section.id, "heading": section.heading, "related_terms": related[s],
                "facts": allocation[s].map { fact($0, score: scores[s][$0]) },
                "words": allocation[s].reduce(0) { $0 + Text.wordCount(facts[$1].text) },
                "target_words": section.targetWords,
            ]
        }
        let top = TextRank.ranking(facts.map(\.text)).prefix(8).map { fact($0, score: centrality[$0]) }
        let allocated = allocation.reduce(0) { $0 + $1.count }
        let notes: [String: Any] = [
            "sources": corpus.documents.map { doc -> [String: Any] in
                ["id": doc.id, "title": doc.title, "path": doc.path, "words": Text.wordCount(doc.text),
                 "sentences": doc.sentences.count]
            },
            "keywords": keywords.map { ["term": $0.term, "score": round4($0.score), "count": $0.count] as [String: Any] },
            "key_phrases": phrases.map { ["phrase": $0.term, "count": $0.count, "score": round4($0.score)] as [String: Any] },
            "sections": sectionNotes,
            "top_facts": Array(top),
            "coverage": ["sentences": facts.count, "allocated": allocated],
            "method": "TF-IDF keywords, TextRank sentence centrality, keyword-stem relevance per section",
        ]
        let artifacts = try context.writeArtifact("research.md", markdown(notes: sectionNotes, keywords: keywords))
        context.progress(1, "research ready")
        return ["research_notes": notes, "artifacts": artifacts]
    }

    /// The `limit` corpus keywords that most often share a sentence with `own` stems.
    private func relatedTerms(own: Set<String>, candidates: [String], stems: [Set<String>], limit: Int = 4) -> [String] {
        var together: [String: Int] = [:]
        for sentence in stems where !sentence.isDisjoint(with: own) {
            for term in candidates where sentence.contains(term) && !own.contains(term) { together[term, default: 0] += 1 }
        }
        return together.filter { $0.value >= 2 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(limit).map(\.key)
    }

    private func markdown(notes: [[String: Any]], keywords: [ScoredTerm]) -> String {
        var lines = ["# Research notes", "", "## Sources", ""]
        for doc in corpus.documents { lines.append("\(doc.id). \(doc.title) (\(doc.path))") }
        lines += ["", "## Keywords (TF-IDF)", "", keywords.prefix(12).map(\.term).joined(separator: ", "), ""]
        for section in notes {
            lines += ["## \(section["heading"] as? String ?? "")", ""]
            for f in section["facts"] as? [[String: Any]] ?? [] {
                lines.append("- \(f["text"] as? String ?? "") [\(f["source"] as? Int ?? 0)]")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}

/// `x` rounded to four decimals, so outputs stay short and stable.
func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
