// Readability.swift — syllable counting and the Flesch formulas.
import Foundation

/// Flesch reading ease and Flesch-Kincaid grade of a text.
public struct ReadabilityScore: Sendable {
    /// Number of sentences.
    public var sentences: Int
    /// Number of words.
    public var words: Int
    /// Number of syllables.
    public var syllables: Int
    /// Flesch reading ease: 206.835 - 1.015 * words/sentence - 84.6 * syllables/word.
    public var readingEase: Double
    /// Flesch-Kincaid grade level: 0.39 * words/sentence + 11.8 * syllables/word - 15.59.
    public var grade: Double

    /// The score as JSON-ready fields, rounded to one decimal.
    public var json: [String: Any] {
        [
            "sentences": sentences, "words": words, "syllables": syllables,
            "flesch_reading_ease": Readability.round1(readingEase), "flesch_kincaid_grade": Readability.round1(grade),
        ]
    }
}

/// Readability measures for English prose.
public enum Readability {
    /// Scores plain `text` (Markdown should be reduced with `Text.plainText` first).
    public static func score(_ text: String) -> ReadabilityScore {
        let sentences = Text.sentences(text)
        // The same words as every other count of the agents (Text.words), numbers included.
        let words = Text.words(text)
        let syllables = words.reduce(0) { $0 + syllableCount($1) }
        let s = Double(max(sentences.count, 1))
        let w = Double(max(words.count, 1))
        let ease = 206.835 - 1.015 * (w / s) - 84.6 * (Double(syllables) / w)
        let grade = 0.39 * (w / s) + 11.8 * (Double(syllables) / w) - 15.59
        return ReadabilityScore(
            sentences: sentences.count, words: words.count, syllables: syllables, readingEase: ease, grade: grade)
    }

    /// Estimated syllables of one English word: vowel groups, minus a silent final "e",
    /// plus known two-vowel splits ("ia", "io" in most words); at least one.
    public static func syllableCount(_ word: String) -> Int {
        let w = word.lowercased().filter { $0.isLetter }
        if w.isEmpty { return word.isEmpty ? 0 : 1 }  // a number ("1,000") counts as one
        if w.count <= 3 { return 1 }
        let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]
        let chars = Array(w)
        var count = 0
        var previousVowel = false
        for (i, c) in chars.enumerated() {
            let isVowel = vowels.contains(c) && !(c == "y" && i == 0)
            if isVowel && !previousVowel { count += 1 }
            previousVowel = isVowel
        }
        // Silent final e ("make"), but not "-le" after a consonant ("table") or "-ee".
        if chars.last == "e", chars.count > 2 {
            let before = chars[chars.count - 2]
            let leEnding = before == "l" && !vowels.contains(chars[chars.count - 3])
            if !leEnding && before != "e" && count > 1 { count -= 1 }
        }
        // "-ed" is silent unless after t or d ("wanted"): "jumped" has one syllable.
        if w.hasSuffix("ed"), chars.count > 3, !"td".contains(chars[chars.count - 3]), count > 1 { count -= 1 }
        for split in ["ia", "iu", "io", "eo", "ua"] where w.contains(split) && !w.contains("tion") && !w.contains("sion") {
            count += 1
        }
        return max(count, 1)
    }

    /// `x` rounded to one decimal place.
    public static func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }
}
