// StopWords.swift — common English function words, excluded from keyword statistics.

/// A fixed list of English stop words.
public enum StopWords {
    /// Whether the lowercased `word` is a stop word.
    public static func contains(_ word: String) -> Bool { all.contains(word) }

    /// The list.
    public static let all: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "almost", "also", "although", "always", "am",
        "among", "an", "and", "another", "any", "are", "around", "as", "at", "be", "became", "because", "become",
        "been", "before", "being", "below", "between", "both", "but", "by", "can", "cannot", "could", "did", "do",
        "does", "doing", "done", "down", "during", "each", "either", "else", "enough", "even", "ever", "every",
        "few", "for", "from", "further", "get", "gets", "got", "had", "has", "have", "having", "he", "her", "here",
        "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its",
        "itself", "just", "least", "less", "like", "made", "make", "makes", "many", "may", "me", "might", "more",
        "most", "much", "must", "my", "myself", "neither", "never", "no", "nor", "not", "now", "of", "off", "often",
        "on", "once", "one", "only", "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out",
        "over", "own", "per", "perhaps", "quite", "rather", "really", "same", "several", "shall", "she", "should",
        "since", "so", "some", "something", "still", "such", "than", "that", "the", "their", "theirs", "them",
        "themselves", "then", "there", "therefore", "these", "they", "this", "those", "though", "through", "thus",
        "to", "too", "toward", "towards", "under", "until", "up", "upon", "us", "use", "used", "uses", "using",
        "very", "via", "was", "we", "well", "were", "what", "whatever", "when", "where", "whether", "which",
        "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your",
        "yours", "yourself", "it's", "don't", "doesn't", "isn't", "aren't", "can't", "won't", "that's", "there's",
        "also", "two", "three", "first", "new", "year", "years", "around", "based", "per", "cent", "percent",
    ]
}
