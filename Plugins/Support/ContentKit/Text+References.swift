// Text+References.swift — sentences that lean on the one before them ("This is the output
// of...", "During those weeks...", "The school then buys..."), so they read badly alone.
//
// Implementation notes: a rule-based test on the opening words, tuned for precision. It
// knows demonstratives and pronouns as the first word, a preposition followed by one
// ("during those"), connectives that continue an argument ("however", "then"), "then"
// among the first four words, and, when the previous sentence is given, a definite noun
// phrase whose noun the previous sentence introduced ("The review ..." after "... an energy
// review ..."). Self-references of a document ("This article ...") do not count.
import Foundation

extension Text {
    /// Whether `sentence` opens with a reference to something said before it, so it needs
    /// its antecedent right before it ("This is the output of the panels...", "During those
    /// weeks...", "It also...", "However, ...").
    public static func opensWithReference(_ sentence: String) -> Bool {
        let words = tokens(removingCitations(sentence))
        guard let first = words.first else { return false }
        let second = words.count > 1 ? words[1] : ""
        if ["this", "these", "that", "those"].contains(first) && selfReferences.contains(second) { return false }
        if referenceOpeners.contains(first) || connectives.contains(first) { return true }
        if prepositions.contains(first) && demonstratives.contains(second) { return true }
        // "Most of this demand ...", "Some of them ...".
        if words.count > 2 && second == "of" && demonstratives.contains(words[2]) { return true }
        // "The school then buys ...", "Panels then ...".
        return words.prefix(4).dropFirst().contains("then")
    }

    /// Whether `sentence` leans on `previous`, the sentence before it in the same text: it
    /// opens with a reference, continues with "also" or "another" among its first six
    /// words, opens with "The" and a noun that needs something before it ("The answers",
    /// "The next steps"), or its opening "The <noun>" names a noun `previous` introduced.
    public static func leansOn(previous: String, _ sentence: String) -> Bool {
        if opensWithReference(sentence) { return true }
        let words = tokens(removingCitations(sentence))
        // "Larger systems also need ...", "... offer another route": a continuation.
        if words.prefix(6).contains(where: { $0 == "also" || $0 == "another" }) { return true }
        guard words.first == "the", words.count > 2 else { return false }
        // The head of the opening noun phrase: the first content word within three words.
        // "The answers show ...", "The next steps are ...": nouns that only make sense after something.
        if relational.contains(words[1]) { return true }
        guard let noun = words.dropFirst().prefix(3).first(where: { $0.count >= 3 && !StopWords.contains($0) }) else {
            return false
        }
        return Set(contentTokens(previous).map(Stem.of)).contains(Stem.of(noun))
    }

    private static let referenceOpeners: Set<String> = [
        "this", "these", "that", "those", "it", "its", "they", "their", "them", "such", "he", "she", "his", "her",
    ]
    private static let connectives: Set<String> = [
        "then", "however", "instead", "otherwise", "moreover", "furthermore", "besides", "thus", "therefore", "hence",
        "meanwhile", "but", "and", "so", "yet", "likewise", "similarly", "nevertheless", "nonetheless", "consequently",
    ]
    private static let prepositions: Set<String> = [
        "during", "in", "at", "after", "before", "because", "for", "by", "from", "despite", "of", "with", "under", "over",
    ]
    private static let relational: Set<String> = [
        "answer", "answers", "result", "results", "reason", "reasons", "next", "same", "other", "rest", "latter", "former",
        "findings", "outcome", "difference", "remainder",
    ]
    private static let demonstratives: Set<String> = ["this", "these", "that", "those", "then", "such", "it", "them"]
    private static let selfReferences: Set<String> = ["article", "guide", "post", "page", "report", "newsletter", "briefing"]
}
