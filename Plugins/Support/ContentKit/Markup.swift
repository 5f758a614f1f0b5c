// Markup.swift — slugs, XML escaping and a Markdown-to-XHTML subset.
import Foundation

/// Small markup helpers.
public enum Markup {
    /// `text` escaped for XML/HTML text and attribute values.
    public static func escapeXML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A URL slug: lowercase ASCII letters and digits joined by single hyphens, at most
    /// `maxLength` characters, cut at a hyphen; stop words dropped when it must be cut.
    public static func slugify(_ text: String, maxLength: Int = 60) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var words = folded.lowercased().split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }).map(String.init)
        var slug = words.joined(separator: "-")
        if slug.count > maxLength {
            words = words.filter { !StopWords.contains($0) }
            slug = ""
            for w in words {
                let candidate = slug.isEmpty ? w : slug + "-" + w
                if candidate.count > maxLength { break }
                slug = candidate
            }
            if slug.isEmpty { slug = String((words.first ?? "post").prefix(maxLength)) }
        }
        return slug.isEmpty ? "post" : slug
    }

    /// `text` shortened to at most `limit` characters at a word boundary, with "…" when cut.
    public static func truncate(_ text: String, to limit: Int) -> String {
        if text.count <= limit { return text }
        var out = ""
        for word in text.split(separator: " ") {
            let candidate = out.isEmpty ? String(word) : out + " " + word
            if candidate.count + 1 > limit { break }
            out = candidate
        }
        if out.isEmpty { out = String(text.prefix(limit - 1)) }
        while let last = out.last, ",;:-–".contains(last) { out.removeLast() }
        return out + "…"
    }

    /// Converts a Markdown subset to well-formed XHTML: ATX headings, paragraphs, `-`/`*`
    /// and numbered lists, block quotes, `---` rules, and inline `**bold**`, `*italic*`,
    /// `` `code` `` and `[links](url)`. Everything else is escaped text.
    public static func html(fromMarkdown markdown: String) -> String {
        var out: [String] = []
        var paragraph: [String] = []
        var listTag: String? = nil
        func closeParagraph() {
            if !paragraph.isEmpty { out.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            paragraph = []
        }
        func closeList() {
            if let tag = listTag { out.append("</\(tag)>") }
            listTag = nil
        }
        for raw in markdown.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                closeParagraph()
                closeList()
                continue
            }
            if let level = headingLevel(line) {
                closeParagraph()
                closeList()
                let text = line.dropFirst(level).trimmingCharacters(in: .whitespaces)
                out.append("<h\(level)>\(inline(text))</h\(level)>")
                continue
            }
            if line == "---" || line == "***" {
                closeParagraph()
                closeList()
                out.append("<hr/>")
                continue
            }
            if let (tag, item) = listItem(line) {
                closeParagraph()
                if listTag != tag {
                    closeList()
                    out.append("<\(tag)>")
                    listTag = tag
                }
                out.append("<li>\(inline(item))</li>")
                continue
            }
            if line.hasPrefix(">") {
                closeParagraph()
                closeList()
                out.append("<blockquote><p>" + inline(line.dropFirst().trimmingCharacters(in: .whitespaces)) + "</p></blockquote>")
                continue
            }
            closeList()
            paragraph.append(line)
        }
        closeParagraph()
        closeList()
        return out.joined(separator: "\n")
    }

    /// Inline Markdown of one block to XHTML, escaping everything else.
    public static func inline(_ text: String) -> String {
        var s = escapeXML(text)
        s = s.replacingOccurrences(of: #"`([^`]+)`"#, with: "<code>$1</code>", options: .regularExpression)
        s = s.replacingOccurrences(of: #"\*\*([^*]+)\*\*"#, with: "<strong>$1</strong>", options: .regularExpression)
        s = s.replacingOccurrences(of: #"(^|[\s(])\*([^*\s][^*]*)\*"#, with: "$1<em>$2</em>", options: .regularExpression)
        s = s.replacingOccurrences(
            of: #"\[([^\]]+)\]\(([^)\s]+)\)"#, with: "<a href=\"$2\">$1</a>", options: .regularExpression)
        return s
    }

    // MARK: - Private helpers

    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    private static func listItem(_ line: String) -> (String, String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return ("ul", String(line.dropFirst(2))) }
        let digits = line.prefix(while: { $0.isNumber })
        if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") {
            return ("ol", String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }
}
