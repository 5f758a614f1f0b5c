// Text.swift — words, sentences and Markdown-to-plain-text for the content agents.
import Foundation

/// Tokenizing and sentence splitting for English prose.
public enum Text {
    /// Words of `text` in order: runs of letters and digits, with inner apostrophes,
    /// hyphens and decimal points kept ("don't", "well-known", "3.5").
    public static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        let scalars = Array(text.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            if isWordScalar(s) {
                current.unicodeScalars.append(s)
            } else if (s == "'" || s == "’" || s == "-" || s == "." || s == ",") && !current.isEmpty,
                i + 1 < scalars.count, isWordScalar(scalars[i + 1])
            {
                // Inner punctuation: apostrophes and hyphens between letters, '.'/',' between digits.
                let previous = scalars[i - 1]
                let next = scalars[i + 1]
                let digits = CharacterSet.decimalDigits.contains(previous) && CharacterSet.decimalDigits.contains(next)
                if s == "'" || s == "’" || s == "-" || digits {
                    current.unicodeScalars.append(s == "’" ? "'" : s)
                } else {
                    result.append(current)
                    current = ""
                }
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Lowercased words, the form used for counting and matching.
    public static func tokens(_ text: String) -> [String] { words(text).map { $0.lowercased() } }

    /// Lowercased content words: no stop words, no pure numbers, at least `minLength` letters.
    public static func contentTokens(_ text: String, minLength: Int = 3) -> [String] {
        tokens(text).filter { $0.count >= minLength && !StopWords.contains($0) && $0.first?.isLetter == true }
    }

    /// Number of words in `text`.
    public static func wordCount(_ text: String) -> Int { words(text).count }

    /// Sentences of plain `text`; paragraph breaks always end a sentence.
    ///
    /// A sentence ends at `.`, `!` or `?` (plus closing quotes/brackets) followed by a space
    /// and an upper-case letter, digit or opening quote, except after a known abbreviation
    /// or a single initial.
    public static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        for paragraph in paragraphs(text) {
            let chars = Array(paragraph)
            var start = 0
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == "." || c == "!" || c == "?" {
                    var end = i + 1
                    while end < chars.count, "\"'”’)]".contains(chars[end]) { end += 1 }
                    // A citation marker " [2]" or " [1, 3]" belongs to the sentence it follows.
                    if let close = citationEnd(chars, from: end) { end = close }
                    if end >= chars.count { break }
                    if chars[end] == " " {
                        var next = end
                        while next < chars.count, chars[next] == " " { next += 1 }
                        if next < chars.count, startsSentence(chars[next]),
                            !(c == "." && isAbbreviation(chars, dotIndex: i))
                        {
                            append(String(chars[start..<end]), to: &result)
                            start = next
                            i = next
                            continue
                        }
                    }
                }
                i += 1
            }
            append(String(chars[start...]), to: &result)
        }
        return result
    }

    /// Paragraphs of plain text: blocks separated by blank lines, inner newlines as spaces.
    public static func paragraphs(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .components(separatedBy: "\n\n")
            .map { collapseWhitespace($0) }
            .filter { !$0.isEmpty }
    }

    /// `text` with every run of whitespace turned into one space, trimmed.
    public static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Plain prose of a Markdown document: headings, code blocks, tables, images and
    /// front matter dropped; links, emphasis and list markers reduced to their text.
    /// Each block becomes its own paragraph.
    public static func plainText(fromMarkdown markdown: String) -> String {
        var blocks: [String] = []
        var current: [String] = []
        var inFence = false
        func flush() {
            if !current.isEmpty { blocks.append(current.joined(separator: " ")) }
            current = []
        }
        for raw in stripFrontMatter(markdown).components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                inFence.toggle()
                flush()
                continue
            }
            if inFence { continue }
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("|") || line.hasPrefix("---") || line.hasPrefix("![") {
                flush()
                continue
            }
            var content = line
            if let marker = listMarkerLength(content) {
                flush()
                content = String(content.dropFirst(marker))
            }
            while content.hasPrefix(">") { content = String(content.dropFirst()).trimmingCharacters(in: .whitespaces) }
            current.append(stripInlineMarkdown(content))
            if marker(listMarkerLength(line)) { flush() }
        }
        flush()
        return blocks.joined(separator: "\n\n")
    }

    /// A Markdown document without its leading `---` front matter block (normalized to `\n`).
    public static func stripFrontMatter(_ markdown: String) -> String {
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
            let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        else { return lines.joined(separator: "\n") }
        return lines[(end + 1)...].joined(separator: "\n")
    }

    /// The value of `key:` in a document's front matter, or nil.
    public static func frontMatterValue(_ markdown: String, key: String) -> String? {
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        for line in lines.dropFirst() {
            if line.trimmingCharacters(in: .whitespaces) == "---" { break }
            if line.hasPrefix(key + ":") {
                let value = line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
                return value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return nil
    }

    /// The title of a Markdown document: front matter `title:`, else the first `# ` heading.
    public static func markdownTitle(_ markdown: String) -> String? {
        if let title = frontMatterValue(markdown, key: "title"), !title.isEmpty { return title }
        for line in stripFrontMatter(markdown).components(separatedBy: "\n") where line.hasPrefix("# ") {
            return String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Inline Markdown reduced to text: `[t](u)` -> t, `**b**`/`*i*`/`` `c` `` -> content.
    public static func stripInlineMarkdown(_ text: String) -> String {
        var s = text
        s = s.replacingOccurrences(of: #"!\[([^\]]*)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
        s = s.replacingOccurrences(of: #"\[([^\]]+)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
        s = s.replacingOccurrences(of: #"\[(\d+)\]"#, with: "", options: .regularExpression)
        s = s.replacingOccurrences(of: "**", with: "")
        s = s.replacingOccurrences(of: "__", with: "")
        s = s.replacingOccurrences(of: #"(^|[\s(])[*_]([^*_\s][^*_]*)[*_]"#, with: "$1$2", options: .regularExpression)
        s = s.replacingOccurrences(of: "`", with: "")
        return collapseWhitespace(s)
    }

    // MARK: - Private helpers

    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        CharacterSet.alphanumerics.contains(s)
    }

    private static func startsSentence(_ c: Character) -> Bool {
        c.isUppercase || c.isNumber || "\"'“‘(*".contains(c)
    }

    /// When `chars[from...]` starts with " [digits, ...]", the index after the "]".
    private static func citationEnd(_ chars: [Character], from: Int) -> Int? {
        var i = from
        while i < chars.count, chars[i] == " " { i += 1 }
        guard i < chars.count, chars[i] == "[" else { return nil }
        i += 1
        var digits = 0
        while i < chars.count, chars[i].isNumber || chars[i] == "," || chars[i] == " " {
            if chars[i].isNumber { digits += 1 }
            i += 1
        }
        guard digits > 0, i < chars.count, chars[i] == "]" else { return nil }
        return i + 1
    }

    /// `sentence` without trailing citation markers such as " [2]".
    public static func removingCitations(_ sentence: String) -> String {
        sentence.replacingOccurrences(of: #"\s*\[\d+(?:,\s*\d+)*\]"#, with: "", options: .regularExpression)
    }

    private static let abbreviations: Set<String> = [
        "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "st", "no", "fig", "approx", "inc", "ltd", "co",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "al",
    ]

    private static func isAbbreviation(_ chars: [Character], dotIndex: Int) -> Bool {
        var j = dotIndex - 1
        while j >= 0, chars[j].isLetter || chars[j] == "." { j -= 1 }
        let word = String(chars[(j + 1)..<dotIndex]).lowercased()
        if word.count == 1 && word.first?.isLetter == true { return true }  // an initial, "J. Smith"
        return abbreviations.contains(word)
    }

    private static func append(_ sentence: String, to result: inout [String]) {
        let trimmed = sentence.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty { result.append(trimmed) }
    }

    private static func listMarkerLength(_ line: String) -> Int? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") { return 2 }
        let digits = line.prefix(while: { $0.isNumber })
        if !digits.isEmpty, digits.count <= 3 {
            let rest = line.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return digits.count + 2 }
        }
        return nil
    }

    private static func marker(_ length: Int?) -> Bool { length != nil }
}
