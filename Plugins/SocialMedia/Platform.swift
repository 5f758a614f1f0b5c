// Platform.swift — platforms, their limits and how they count characters.
import Foundation

/// A social platform and its posting rules.
struct Platform {
    /// Identifier used in campaign.platforms and in the output.
    var name: String
    /// Maximum characters of one post.
    var limit: Int
    /// Characters a link counts for (X and Mastodon count every URL as 23); nil: as written.
    var linkWeight: Int?
    /// Hashtags to add at most.
    var maxHashtags: Int
    /// Whether links in the post text are clickable (not on Instagram).
    var links: Bool

    static let x = Platform(name: "x", limit: 280, linkWeight: 23, maxHashtags: 2, links: true)
    static let linkedin = Platform(name: "linkedin", limit: 3000, linkWeight: nil, maxHashtags: 5, links: true)
    static let facebook = Platform(name: "facebook", limit: 63206, linkWeight: nil, maxHashtags: 2, links: true)
    static let instagram = Platform(name: "instagram", limit: 2200, linkWeight: nil, maxHashtags: 10, links: false)
    static let mastodon = Platform(name: "mastodon", limit: 500, linkWeight: 23, maxHashtags: 4, links: true)
    static let threads = Platform(name: "threads", limit: 500, linkWeight: nil, maxHashtags: 1, links: true)
    static let bluesky = Platform(name: "bluesky", limit: 300, linkWeight: nil, maxHashtags: 2, links: true)

    /// Every platform this agent knows.
    static let all = [x, linkedin, facebook, instagram, mastodon, threads, bluesky]
    /// Platforms used when the campaign names none.
    static let defaults = [x, linkedin, facebook, instagram, mastodon]

    static func named(_ name: String) -> Platform? {
        let key = name == "twitter" ? "x" : name
        return all.first { $0.name == key }
    }

    /// Length of `text` as this platform counts it: characters (grapheme clusters), with
    /// every http(s) URL counted as `linkWeight` when set.
    func length(of text: String) -> Int {
        guard let linkWeight else { return text.count }
        var total = 0
        for (i, token) in text.components(separatedBy: " ").enumerated() {
            if i > 0 { total += 1 }
            let parts = token.components(separatedBy: "\n")
            for (j, part) in parts.enumerated() {
                if j > 0 { total += 1 }
                total += part.hasPrefix("http://") || part.hasPrefix("https://") ? linkWeight : part.count
            }
        }
        return total
    }
}
