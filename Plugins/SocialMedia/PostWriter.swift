// PostWriter.swift — key points, hashtags and the posts themselves, each platform's post
// written for it: its length, its tone, where its link goes and how many hashtags it takes.
import ContentKit
import Foundation

/// The article's key points: its most central sourced sentences (TextRank).
enum KeyPoints {
    /// Up to `limit` sentences, best first; sentences that lean on an earlier one and the
    /// writer's composed framing are left out.
    static func ranked(markdown: String, limit: Int) -> [String] {
        let sentences = Text.sourcedSentences(markdown)
            .filter { !Text.opensWithReference($0) && (8...32).contains(Text.wordCount($0)) }
        return TextRank.ranking(sentences).prefix(limit).map { sentences[$0] }
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
    /// Key points, best first.
    var keyPoints: [String]
    var hashtags: [String]
    var audience: String?
    /// The campaign's primary keyword, for the question a conversational post asks.
    var primaryKeyword: String?

    /// How a platform's post is written.
    struct Style {
        var tone: String
        var link: String
        var hashtags: String
    }

    /// The post for `platform`, shortened until it fits the platform's limit.
    func post(for platform: Platform) -> [String: Any] {
        let tagList = Array(hashtags.prefix(platform.maxHashtags))
        let tags = tagList.joined(separator: " ")
        let hook = keyPoints.first ?? summary
        var text: String
        let style: Style
        switch platform.name {
        case "linkedin":
            // Professional and complete: context, three points as a list, the link, then tags.
            var lines = [title, ""]
            if !summary.isEmpty { lines += [summary, ""] }
            let points = keyPoints.filter { !summary.contains($0) }.prefix(3)
            if !points.isEmpty {
                lines.append(audience.map { "What \($0) should know:" } ?? "Key points:")
                lines += points.map { "• \($0)" }
                lines.append("")
            }
            lines += ["Read the full article: \(url)", "", tags]
            text = lines.joined(separator: "\n")
            style = Style(tone: "professional: context and three key points as a list", link: "after the key points, before the hashtags", hashtags: "up to \(platform.maxHashtags), on the last line")
        case "facebook":
            // Conversational and short: one point, the link early (it makes the preview card), a question.
            var lines = [hook, "", "More in our article: \(url)"]
            if let question = question() { lines += ["", question] }
            if !tags.isEmpty { lines += ["", tags] }
            text = lines.joined(separator: "\n")
            style = Style(tone: "conversational: one point and a question for comments", link: "right after the opening point, where the preview card shows", hashtags: "at most \(platform.maxHashtags), at the end")
        case "instagram":
            let points = keyPoints.prefix(3).map { "• \($0)" }
            text = ([title, ""] + points + ["", "Link in bio.", "", tags]).joined(separator: "\n")
            style = Style(tone: "visual caption: title and short points", link: "none in the caption (not clickable): \"Link in bio\"", hashtags: "a block of up to \(platform.maxHashtags) at the end")
        default:
            text = fit(platform: platform, parts: [title + "\n\n" + hook], suffix: "\n\n\(url) \(tags)")
            style = Style(tone: "brief: the title and one point", link: "at the end", hashtags: "up to \(platform.maxHashtags), after the link")
        }
        if platform.length(of: text) > platform.limit {
            text = fit(platform: platform, parts: [text], suffix: "")
        }
        let length = platform.length(of: text)
        return [
            "platform": platform.name, "text": text, "characters": length, "limit": platform.limit,
            "within_limit": length <= platform.limit, "hashtags": tagList,
            "style": ["tone": style.tone, "link_placement": style.link, "hashtag_placement": style.hashtags],
        ]
    }

    /// A question that invites comments, addressed to the audience.
    private func question() -> String? {
        guard let keyword = primaryKeyword, !keyword.isEmpty else { return nil }
        let who = audience.map { $0.prefix(1).uppercased() + $0.dropFirst() + ": where" } ?? "Where"
        return "\(who) are you with \(keyword)? Tell us in the comments."
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
