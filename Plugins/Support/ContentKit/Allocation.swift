// Allocation.swift — sharing source sentences out among outline sections, and a crude
// stemmer so "costs" matches "cost" and "planning" matches "plan".
import Foundation

/// Matching helpers for section keywords.
public enum Stem {
    /// A crude English stem: lowercased, common inflection suffixes removed
    /// ("schools" -> "school", "planning" -> "plan", "costs" -> "cost", "studies" -> "study").
    public static func of(_ word: String) -> String {
        var w = word.lowercased()
        if w.count > 4, w.hasSuffix("ies") { return String(w.dropLast(3)) + "y" }
        for suffix in ["ing", "ed", "es", "s"] where w.count > suffix.count + 3 && w.hasSuffix(suffix) {
            if suffix == "s" && (w.hasSuffix("ss") || w.hasSuffix("us") || w.hasSuffix("is")) { continue }
            if suffix == "es" && !(w.hasSuffix("ches") || w.hasSuffix("shes") || w.hasSuffix("xes") || w.hasSuffix("sses")) {
                continue
            }
            w = String(w.dropLast(suffix.count))
            // "planning" -> "plann" -> "plan"
            if suffix == "ing" || suffix == "ed", let last = w.last, w.dropLast().last == last, !"lsz".contains(last) {
                w.removeLast()
            }
            break
        }
        return w
    }

    /// Stems of the content words of `text`.
    public static func set(_ text: String) -> Set<String> { Set(Text.contentTokens(text).map(of)) }
}

/// Shares facts out among sections so each gets relevant material up to its word target.
public enum FactAllocator {
    /// Assigns each fact to at most one section.
    ///
    /// Round-robin over the sections in order: each section that is still below its word
    /// target takes its most relevant remaining fact (score > 0; ties go to the earlier
    /// fact), until no section can take one. Facts of a section come back in fact order.
    /// - Parameters:
    ///   - scores: `scores[s][f]`, relevance of fact `f` to section `s`.
    ///   - words: word count of each fact.
    ///   - targets: word target of each section.
    /// - Returns: for each section, the indices of its facts.
    public static func allocate(scores: [[Double]], words: [Int], targets: [Int]) -> [[Int]] {
        var taken = Array(repeating: false, count: words.count)
        var result = Array(repeating: [Int](), count: targets.count)
        var filled = Array(repeating: 0, count: targets.count)
        var progress = true
        while progress {
            progress = false
            for s in targets.indices where filled[s] < targets[s] {
                var best = -1
                for f in words.indices where !taken[f] && scores[s][f] > 0 {
                    if best < 0 || scores[s][f] > scores[s][best] { best = f }
                }
                guard best >= 0 else { continue }
                taken[best] = true
                result[s].append(best)
                filled[s] += words[best]
                progress = true
            }
        }
        return result.map { $0.sorted() }
    }
}
