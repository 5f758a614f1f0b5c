// Keywords.swift — TF-IDF keywords and frequent key phrases over a small corpus.
import Foundation

/// A scored term or phrase.
public struct ScoredTerm: Sendable {
    /// The lowercased term or phrase.
    public var term: String
    /// Its score (higher is more characteristic).
    public var score: Double
    /// How many times it occurs in the corpus.
    public var count: Int
}

/// TF-IDF over a corpus of documents.
public struct TFIDF: Sendable {
    /// Content tokens of each document.
    public let documents: [[String]]
    /// Number of documents containing each term.
    public let documentFrequency: [String: Int]

    /// Builds the statistics from plain-text documents.
    public init(documents texts: [String]) {
        documents = texts.map { Text.contentTokens($0) }
        var df: [String: Int] = [:]
        for doc in documents {
            for term in Set(doc) { df[term, default: 0] += 1 }
        }
        documentFrequency = df
    }

    /// Smoothed inverse document frequency: ln((1 + N) / (1 + df)) + 1.
    public func idf(_ term: String) -> Double {
        let n = Double(documents.count)
        return log((1 + n) / (1 + Double(documentFrequency[term] ?? 0))) + 1
    }

    /// The `limit` best keywords of the corpus: for each term the sum over documents of
    /// tf * idf (tf = count / document length); ties broken alphabetically.
    public func keywords(limit: Int) -> [ScoredTerm] {
        var score: [String: Double] = [:]
        var count: [String: Int] = [:]
        for doc in documents where !doc.isEmpty {
            var tf: [String: Int] = [:]
            for t in doc { tf[t, default: 0] += 1 }
            for (t, c) in tf {
                score[t, default: 0] += Double(c) / Double(doc.count) * idf(t)
                count[t, default: 0] += c
            }
        }
        return score.map { ScoredTerm(term: $0.key, score: $0.value, count: count[$0.key] ?? 0) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.term < $1.term }
            .prefix(limit).map { $0 }
    }

    /// The `limit` best two- and three-word phrases of adjacent content words occurring at
    /// least `minimumCount` times, scored by count times the mean idf of their words, times
    /// 1.5 for a phrase of the first sentence of `texts` when `preferOpening`.
    public func keyPhrases(in texts: [String], limit: Int, minimumCount: Int = 2, preferOpening: Bool = false) -> [ScoredTerm] {
        var opening = ""
        if preferOpening, let first = texts.first.flatMap({ Text.sentences($0).first }) {
            opening = " " + Text.tokens(first).joined(separator: " ") + " "
        }
        var counts: [String: Int] = [:]
        for text in texts {
            for sentence in Text.sentences(text) {
                let tokens = Text.tokens(sentence)
                for n in 2...3 where tokens.count >= n {
                    for i in 0...(tokens.count - n) {
                        let gram = Array(tokens[i..<(i + n)])
                        let ok = gram.allSatisfy { $0.count >= 3 && !StopWords.contains($0) && $0.first?.isLetter == true }
                        if ok { counts[gram.joined(separator: " "), default: 0] += 1 }
                    }
                }
            }
        }
        return counts.filter { $0.value >= minimumCount }
            .map { phrase, c in
                let words = phrase.split(separator: " ").map(String.init)
                let meanIDF = words.reduce(0) { $0 + idf($1) } / Double(words.count)
                let bonus: Double = opening.contains(" " + phrase + " ") ? 1.5 : 1
                return ScoredTerm(term: phrase, score: Double(c) * meanIDF * bonus, count: c)
            }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.term < $1.term }
            .prefix(limit).map { $0 }
    }
}
