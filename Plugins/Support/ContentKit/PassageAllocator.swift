// PassageAllocator.swift — sharing source passages out among the sections of an article
// so that each section reads as one subject told in its sources' order.
//
// Implementation notes: the introduction takes the source paragraphs most relevant to the
// campaign as a whole. Body sections take whole source sections ("topics": one heading of
// one source, or one paragraph of a source without headings), the best matching pair of section and topic first (relevance per square
// root of length) while the section is below its target, so a section holds one or two
// subjects rather than a sentence from everywhere; a section well over its target drops
// its least relevant passages. The conclusion takes the most central passages left.
// Passages that open with a reference to something outside them are never used.
import Foundation

/// What a section is for, which decides how it is filled.
public enum SectionRole: Sendable {
    case introduction, body, conclusion

    /// The role of an outline section by its id: "introduction", "conclusion", else body.
    public init(sectionID id: String) {
        self = id == "introduction" ? .introduction : id == "conclusion" ? .conclusion : .body
    }
}

/// Assigns passages to sections.
public enum PassageAllocator {
    /// The passages of each section: a body section's by subject (the best matching source
    /// section first), each subject in source order; the others in source order.
    /// - Parameters:
    ///   - passages: every candidate passage.
    ///   - roles: the role of each section.
    ///   - targets: the word target of each section.
    ///   - relevance: `relevance[s][p]`, relevance of passage `p` to body section `s`.
    ///   - campaignRelevance: relevance of each passage to the campaign as a whole.
    ///   - centrality: centrality of each passage in [0, 1].
    /// - Returns: for each section, indices into `passages`.
    public static func allocate(
        passages: [Passage], roles: [SectionRole], targets: [Int], relevance: [[Double]], campaignRelevance: [Double],
        centrality: [Double]
    ) -> [[Int]] {
        var used = Set(passages.indices.filter { passages[$0].opensWithReference })
        // "... offer another route": fine after its source's sentences, not alone at either end.
        let continues = Set(passages.indices.filter { Text.leansOn(previous: "", passages[$0].sentences[0]) })
        var result = Array(repeating: [Int](), count: roles.count)

        // Introduction: the source paragraphs that best introduce the campaign's subject.
        var paragraphs: [[Int]] = []
        for p in passages.indices where !used.contains(p) {
            if let last = paragraphs.last?.last, passages[last].source == passages[p].source,
                passages[last].paragraph == passages[p].paragraph || passages[p].index == passages[last].index + 1
                    && passages[p].paragraph == passages[last].paragraph
            {
                paragraphs[paragraphs.count - 1].append(p)
            } else {
                paragraphs.append([p])
            }
        }
        for s in roles.indices where roles[s] == .introduction {
            let score = paragraphs.map { group in
                group.reduce(0.0) { $0 + campaignRelevance[$1] * (0.5 + centrality[$1]) } / Double(group.count).squareRoot()
            }
            // A paragraph that opens by continuing something before it cannot open the article.
            let ranked = paragraphs.indices.filter { score[$0] > 0 && !continues.contains(paragraphs[$0][0]) }.sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
            var words = 0
            for g in ranked where words < targets[s] {
                let n = paragraphs[g].reduce(0) { $0 + passages[$1].words }
                if words > 0 && words + n > targets[s] * 3 / 2 { continue }
                result[s] += paragraphs[g]
                used.formUnion(paragraphs[g])
                words += n
            }
        }

        // Body: whole source sections.
        let body = roles.indices.filter { roles[$0] == .body }
        var topics: [[Int]] = []
        var topicOf: [String: Int] = [:]
        for p in passages.indices where !used.contains(p) {
            // Without headings, each source paragraph is a subject of its own.
            let topic = passages[p].topic.isEmpty ? "\u{2}\(passages[p].paragraph)" : passages[p].topic
            let key = "\(passages[p].source)\u{1}\(topic)"
            if let t = topicOf[key] {
                topics[t].append(p)
            } else {
                topicOf[key] = topics.count
                topics.append([p])
            }
        }
        let topicWords = topics.map { $0.reduce(0) { $0 + passages[$1].words } }
        let scores = body.map { s in
            topics.indices.map { t in
                topics[t].reduce(0.0) { $0 + relevance[s][$1] * (0.5 + centrality[$1]) } / Double(max(topicWords[t], 1)).squareRoot()
            }
        }
        // Best pairs first: the section a subject matches best gets it, while below its target.
        var allocation = Array(repeating: [Int](), count: body.count)
        var filled = Array(repeating: 0, count: body.count)
        var taken = Set<Int>()
        while true {
            var best: (k: Int, t: Int)? = nil
            for k in body.indices where filled[k] < targets[body[k]] {
                for t in topics.indices where !taken.contains(t) && scores[k][t] > 0 {
                    if best == nil || scores[k][t] > scores[best!.k][best!.t] { best = (k, t) }
                }
            }
            guard let (k, t) = best else { break }
            taken.insert(t)
            allocation[k].append(t)
            filled[k] += topicWords[t]
        }
        for (k, s) in body.enumerated() {
            // Topics in the order the section took them (best match first), each in source order.
            var chosen = allocation[k].sorted { scores[k][$0] != scores[k][$1] ? scores[k][$0] > scores[k][$1] : $0 < $1 }
                .flatMap { topics[$0] }
            // Too long: drop the least relevant passages until within 120 % of the target.
            var words = chosen.reduce(0) { $0 + passages[$1].words }
            let byRelevance = chosen.sorted { relevance[s][$0] != relevance[s][$1] ? relevance[s][$0] < relevance[s][$1] : $0 > $1 }
            for p in byRelevance where words > targets[s] * 6 / 5 && chosen.count > 1 {
                chosen.removeAll { $0 == p }
                words -= passages[p].words
            }
            used.formUnion(chosen)
            result[s] = chosen
        }

        // Conclusion: the most central passages left.
        for s in roles.indices where roles[s] == .conclusion {
            let ranked = passages.indices.filter { !used.contains($0) && !continues.contains($0) }.sorted { a, b in
                let x = centrality[a] * (0.5 + campaignRelevance[a])
                let y = centrality[b] * (0.5 + campaignRelevance[b])
                return x != y ? x > y : a < b
            }
            result[s] = take(ranked, target: targets[s], passages: passages, used: &used)
        }
        return roles.indices.map { s in
            roles[s] == .body
                ? result[s]
                : result[s].sorted { (passages[$0].source, passages[$0].index) < (passages[$1].source, passages[$1].index) }
        }
    }

    /// Takes passages from `ranked` while the section is below `target` (at most one past it).
    private static func take(_ ranked: [Int], target: Int, passages: [Passage], used: inout Set<Int>) -> [Int] {
        var chosen: [Int] = []
        var words = 0
        for p in ranked where words < target {
            // Skip a passage that would overshoot by more than half the target.
            if words > 0 && words + passages[p].words > target * 3 / 2 { continue }
            chosen.append(p)
            used.insert(p)
            words += passages[p].words
        }
        return chosen
    }
}
