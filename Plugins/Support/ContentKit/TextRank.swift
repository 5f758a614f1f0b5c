// TextRank.swift — sentence ranking by PageRank over a word-overlap similarity graph
// (Mihalcea and Tarau, 2004).
import Foundation

/// Ranks sentences by centrality.
public enum TextRank {
    /// Scores of `sentences` (same order), summing to about 1.
    ///
    /// Similarity of two sentences is the number of shared content words divided by
    /// ln|a| + ln|b|; the scores are the stationary PageRank (damping 0.85) of that graph,
    /// iterated until it moves less than 1e-6 or 100 rounds.
    public static func scores(_ sentences: [String]) -> [Double] {
        let n = sentences.count
        if n == 0 { return [] }
        if n == 1 { return [1] }
        let sets = sentences.map { Set(Text.contentTokens($0)) }
        var weights = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let common = sets[i].intersection(sets[j]).count
                guard common > 0, sets[i].count > 1, sets[j].count > 1 else { continue }
                let w = Double(common) / (log(Double(sets[i].count)) + log(Double(sets[j].count)))
                weights[i][j] = w
                weights[j][i] = w
            }
        }
        let outSum = weights.map { $0.reduce(0, +) }
        var rank = Array(repeating: 1.0 / Double(n), count: n)
        let d = 0.85
        for _ in 0..<100 {
            var next = Array(repeating: (1 - d) / Double(n), count: n)
            for j in 0..<n where outSum[j] > 0 {
                let share = d * rank[j] / outSum[j]
                for i in 0..<n where weights[j][i] > 0 { next[i] += share * weights[j][i] }
            }
            // Dangling sentences (no similar sentence) spread their rank evenly.
            let dangling = (0..<n).filter { outSum[$0] == 0 }.reduce(0.0) { $0 + rank[$1] }
            if dangling > 0 { for i in 0..<n { next[i] += d * dangling / Double(n) } }
            let delta = zip(rank, next).reduce(0.0) { $0 + abs($1.0 - $1.1) }
            rank = next
            if delta < 1e-6 { break }
        }
        return rank
    }

    /// Indices of `sentences` from the best to the worst; ties keep document order.
    public static func ranking(_ sentences: [String]) -> [Int] {
        let s = scores(sentences)
        return s.indices.sorted { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 }
    }
}
