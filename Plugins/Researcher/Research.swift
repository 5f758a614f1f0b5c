// Research.swift — keywords, key phrases, passage ranking and the passages per section.
//
// Implementation notes: each source is cut into passages (sentences kept with the ones
// they lean on, see ContentKit's Passage). Every passage gets a TextRank centrality. A
// passage is relevant to a section when it contains the stem of one of the section's
// keywords (weight 1 each) or of the section's related terms (0.15 each, at most 0.45):
// the corpus keywords that most often share a sentence with the section's own keywords.
// PassageAllocator then gives the introduction the passages that best introduce the
// campaign, each body section whole source sections (one or two subjects, in source
// order) and the conclusion the most central passages left, so no passage is used twice.
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
        let passages = corpus.documents.flatMap(\.passages)
        try context.checkCancelled()
        let centrality = Passages.centrality(passages)
        context.progress(0.6, "passages ranked")
        let sentenceStems = corpus.documents.flatMap(\.sentences).map { Stem.set($0) }
        let keywordStems = keywords.map { Stem.of($0.term) }

        var relevance: [[Double]] = []
        var related: [[String]] = []
        for section in sections {
            let own = Set(section.keywords.flatMap { Text.contentTokens($0) }.map(Stem.of))
            let rel = relatedTerms(own: own, candidates: keywordStems, stems: sentenceStems)
            related.append(rel)
            relevance.append(passages.map { Passages.relevance($0, own: own, related: Set(rel)) })
        }
        let campaign = context.campaign
        let campaignStems = Set(
            (JSON.strings(campaign["keywords"]) + [JSON.string(campaign["title"]) ?? ""]).flatMap { Text.contentTokens($0) }
                .map(Stem.of))
        let campaignRelevance = passages.map { Passages.relevance($0, own: campaignStems) }
        let allocation = PassageAllocator.allocate(
            passages: passages, roles: sections.map(\.role), targets: sections.map(\.targetWords), relevance: relevance,
            campaignRelevance: campaignRelevance, centrality: centrality)

        func fact(_ p: Int, score: Double) -> [String: Any] {
            let passage = passages[p]
            return [
                "text": passage.text, "source": passage.source, "score": round4(score), "topic": passage.topic,
                "position": passage.index, "paragraph": passage.paragraph, "sentences": passage.sentences.count,
            ]
        }
        let sectionNotes: [[String: Any]] = sections.enumerated().map { s, section in
            [
                "id": section.id, "heading": section.heading, "related_terms": related[s],
                "facts": allocation[s].map { fact($0, score: relevance[s][$0] * (0.5 + centrality[$0])) },
                "words": allocation[s].reduce(0) { $0 + passages[$1].words },
                "target_words": section.targetWords,
            ]
        }
        let quotable = passages.indices.filter { !passages[$0].opensWithReference }
        let top = quotable.sorted { centrality[$0] != centrality[$1] ? centrality[$0] > centrality[$1] : $0 < $1 }
            .prefix(8).map { fact($0, score: centrality[$0]) }
        let allocated = allocation.reduce(0) { $0 + $1.count }
        let notes: [String: Any] = [
            "sources": corpus.documents.map { doc -> [String: Any] in
                ["id": doc.id, "title": doc.title, "path": doc.path, "words": Text.wordCount(doc.text),
                 "sentences": doc.sentences.count, "passages": doc.passages.count]
            },
            "keywords": keywords.map { ["term": $0.term, "score": round4($0.score), "count": $0.count] as [String: Any] },
            "key_phrases": phrases.map { ["phrase": $0.term, "count": $0.count, "score": round4($0.score)] as [String: Any] },
            "sections": sectionNotes,
            "top_facts": Array(top),
            "coverage": [
                "passages": passages.count, "allocated": allocated,
                "opening_with_a_reference": passages.count - quotable.count,
            ],
            "method": "TF-IDF keywords, passages kept with their context, TextRank centrality, keyword-stem relevance per section, whole source sections per body section",
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
                let topic = f["topic"] as? String ?? ""
                lines.append("- \(f["text"] as? String ?? "") [\(f["source"] as? Int ?? 0)\(topic.isEmpty ? "" : ", \(topic)")]")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}

/// `x` rounded to four decimals, so outputs stay short and stable.
func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
