// Stem.swift — a crude stemmer, so "costs" matches "cost" and "planning" matches "plan".
import Foundation

/// Matching helpers for keywords.
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
