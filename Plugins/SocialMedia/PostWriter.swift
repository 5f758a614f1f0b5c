// PostWriter.swift — key points, hashtags and the posts themselves.
import ContentKit
import Foundation

/// The article's key points: its most central sentences (TextRank), in article order.
enum KeyPoints {
    static func from(markdown: String, limit: Int) -> [String] {
        let article = markdown.components(separatedBy: "\n## Sources").first ?? markdown
        let sentences = Text.sentences(Text.plainText(fromMarkdown: article))
            .map { Text.removingCitations($0) }
            .filter { !Text.isAnaphoric($0) && !$0.hasPrefix("For ") && (8...32).contains(Text.wordCount($0)) }
        let ranking = TextRank.ranking(sentences)
        return ranking.prefix(limit).sorted().map { sentences[$0] }
    }
}

/// Hashtags from keywords: each keyword in CamelCase without spaces or punctuation.
enum Hashtags {
    static func from(_ keywords: [String]) -> [String] {
        var seen = Set<String>()
        return keywords.compactMap { keyword in
            let words = keyword.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            let tag = "#" + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            guard tag.count > 1, seen.insert(tag.lowercased()).inserted else { return nil }
            return tag
        }
    }
}

/// Writes the posts for one article.
struct PostWriter {
    var title: String
    var summary: String
    var url: String
    var keyPoints: [String]
    var hashtags: [String]
    var audience: String?

    /// The post for `platform`, shortened until it fits the platform's limit.
    func post(for platform: Platform) -> [String: Any] {
        let tags = Array(hashtags.prefix(platform.maxHashtags)).joined(separator: " ")
        let link = platform.links ? url : "Link in bio."
        var text: String
        switch platform.name {
        case "linkedin", "facebook":
            var lines = [title, ""]
            if !summary.isEmpty { lines += [summary, ""] }
            let points = keyPoints.filter { summary.isEmpty || !summary.contains($0) }
            if !points.isEmpty {
                lines.append(audience.map { "What \($0) should know:" } ?? "Key points:")
                lines += points.map { "• \($0)" }
                lines.append("")
            }
            lines += ["Read the full article: \(link)", "", tags]
            text = lines.joined(separator: "\n")
        case "instagram":
            let points = keyPoints.prefix(3).map { "• \($0)" }
            text = ([title, ""] + points + ["", link, "", tags]).joined(separator: "\n")
        default:
            let hook = keyPoints.first ?? summary
            text = fit(platform: platform, parts: [title + "\n\n" + hook], suffix: "\n\n\(link) \(tags)")
        }
        if platform.length(of: text) > platform.limit {
            text = fit(platform: platform, parts: [text], suffix: "")
        }
        let length = platform.length(of: text)
        return [
            "platform": platform.name, "text": text, "characters": length, "limit": platform.limit,
            "within_limit": length <= platform.limit, "hashtags": Array(hashtags.prefix(platform.maxHashtags)),
        ]
    }

    /// An X thread: an opening post, one post per key point numbered "n/N", the link last.
    func thread() -> [[String: Any]] {
        let platform = Platform.x
        var bodies = ["\(title) — a thread 🧵"]
        bodies += keyPoints
        bodies.append("Read the full article: \(url) \(hashtags.prefix(2).joined(separator: " "))")
        let total = bodies.count
        return bodies.enumerated().map { i, body in
            let counter = " \(i + 1)/\(total)"
            let text = fit(platform: platform, parts: [body], suffix: counter)
            let length = platform.length(of: text)
            return ["position": i + 1, "text": text, "characters": length, "within_limit": length <= platform.limit]
        }
    }

    /// `parts` joined and shortened at a word boundary so that the text plus `suffix` fits.
    private func fit(platform: Platform, parts: [String], suffix: String) -> String {
        let body = parts.joined(separator: " ")
        if platform.length(of: body + suffix) <= platform.limit { return body + suffix }
        let budget = platform.limit - platform.length(of: suffix)
        var cut = Markup.truncate(body, to: max(budget, 1))
        while platform.length(of: cut) > budget, cut.count > 1 {
            cut = Markup.truncate(String(cut.dropLast(2)), to: cut.count - 2)
        }
        return cut + suffix
    }
}
