// AgentContext+Article.swift — conventions of the content pipeline that several agents
// share: where the article arrives from (editor, writer, writer_lite) and where the post
// will live on the campaign's site.
import Foundation

/// The article outputs of the pipeline's writing stage among a run's dependencies.
public struct ArticleOutputs {
    /// The editor's `edited_content`, when a dependency has it.
    public let edited: [String: Any]?
    /// The writer's (or writer_lite's) `blog_content`, when a dependency has it.
    public let draft: [String: Any]?

    /// The edited article's Markdown, else the draft's; nil when neither has any.
    public var markdown: String? { JSON.string(edited?["markdown"]) ?? JSON.string(draft?["markdown"]) }
    /// The edited article's title, else the draft's; nil when neither has one.
    public var title: String? { JSON.string(edited?["title"]) ?? JSON.string(draft?["title"]) }
}

extension AgentContext {
    /// The article outputs among the dependencies: `edited_content` (editor first) and
    /// `blog_content` (writer, then writer_lite first), each from any dependency holding it.
    public var articleOutputs: ArticleOutputs {
        ArticleOutputs(
            edited: output("edited_content", preferring: ["editor"]) as? [String: Any],
            draft: output("blog_content", preferring: ["writer", "writer_lite"]) as? [String: Any])
    }

    /// The address of the blog post `slug` on this run's campaign site; see
    /// ``blogURL(slug:campaign:)``.
    public func blogURL(slug: String) -> String { AgentContext.blogURL(slug: slug, campaign: campaign) }

    /// The address of the blog post `slug`: `<campaign.site_url>/blog/<slug>`, the site without
    /// leading or trailing slashes and `https://example.com` when the campaign names none.
    public static func blogURL(slug: String, campaign: [String: Any]) -> String {
        let site = (JSON.string(campaign["site_url"]) ?? "https://example.com")
            .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return "\(site)/blog/\(slug)"
    }
}
