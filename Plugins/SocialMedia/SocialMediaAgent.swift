// SocialMediaAgent.swift — the `social_media` agent (Swift): a post written for each
// platform (length, tone, link placement, hashtags) within its limit, hashtags from the
// keywords, and an X thread of the article's key points.
import AgentPluginABI
import AgentPluginKit
import ContentKit
import Foundation

private let socialPlugin = AgentPlugin(
    slot: 0, name: "social_media", version: "1.0.0",
    description: "Writes platform posts within their limits, hashtags and a thread from the article's key points"
) { context in
    let seo = context.output("optimized_content", preferring: ["seo"]) as? [String: Any]
    let article = context.articleOutputs
    let edited = article.edited
    guard let markdown = JSON.string(edited?["markdown"]) ?? JSON.string(seo?["markdown"]) ?? JSON.string(article.draft?["markdown"])
    else {
        throw agentError("social_media: no article among the inputs (expected inputs.editor.edited_content.markdown)")
    }
    let title = JSON.string(seo?["seo_title"]) ?? JSON.string(edited?["title"]) ?? JSON.string(context.campaign["title"])
        ?? "New article"
    let slug = JSON.string(seo?["slug"]) ?? Markup.slugify(title)
    let url = JSON.string(seo?["url"]) ?? context.blogURL(slug: slug)
    let summary = JSON.string(seo?["meta_description"]) ?? ""
    var keywords = JSON.strings(context.campaign["keywords"])
    if keywords.isEmpty { keywords = JSON.strings(seo?["keywords"]) }
    let platforms = JSON.strings(context.campaign["platforms"]).map { $0.lowercased() }
    let writer = PostWriter(
        title: title, summary: summary, url: url, keyPoints: KeyPoints.ranked(markdown: markdown, limit: 5),
        hashtags: Hashtags.from(keywords), audience: JSON.string(context.campaign["audience"]),
        primaryKeyword: keywords.first?.lowercased())
    let chosen = platforms.isEmpty ? Platform.defaults : try platforms.map { name in
        guard let platform = Platform.named(name) else {
            throw agentError(
                "social_media: campaign.platforms names \"\(name)\"; expected one of \(Platform.all.map(\.name).joined(separator: ", "))")
        }
        return platform
    }
    let posts = chosen.map { writer.post(for: $0) }
    let thread = writer.thread()
    let result: [String: Any] = [
        "url": url, "hashtags": writer.hashtags, "key_points": writer.keyPoints,
        "posts": posts, "thread": thread,
        "all_within_limits": posts.allSatisfy { $0["within_limit"] as? Bool == true }
            && thread.allSatisfy { $0["within_limit"] as? Bool == true },
    ]
    let json = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    let artifacts = try context.writeArtifact("social.json", String(decoding: json, as: UTF8.self) + "\n")
    return ["social_posts": result, "artifacts": artifacts]
}

/// Entry of `social_media`.
@_cdecl("agent_plugin_entry")
public func socialMediaPluginEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<agent_plugin_descriptor>? {
    socialPlugin.entry(hostMajor: major)
}
