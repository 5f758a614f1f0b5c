// ContentRepurposerAgent.swift — the `content_repurposer` agent (Swift): turns the edited
// article into an email-safe HTML newsletter, a slide outline and a short summary.
import AgentPluginABI
import AgentPluginKit
import ContentKit
import Foundation

private let repurposerPlugin = AgentPlugin(
    slot: 0, name: "content_repurposer", version: "1.0.0",
    description: "Repurposes the article as an email-safe HTML newsletter, a slide outline and a short summary"
) { context in
    let article = context.articleOutputs
    guard let markdown = article.markdown else {
        throw agentError("content_repurposer: no article among the inputs (expected inputs.editor.edited_content.markdown)")
    }
    let seo = context.output("optimized_content", preferring: ["seo"]) as? [String: Any]
    let title = article.title ?? JSON.string(context.campaign["title"]) ?? "Untitled"
    let url = JSON.string(seo?["url"]) ?? context.blogURL(slug: Markup.slugify(title))
    let doc = ArticleDocument(markdown: markdown, title: title)
    let summary = doc.summary(maxWords: 80)
    let slides = doc.slides(audience: JSON.string(context.campaign["audience"]))
    let newsletter = Newsletter(document: doc, summary: summary, url: url, campaign: context.campaign).html()
    try context.checkCancelled()
    var artifacts: [String] = []
    artifacts += try context.writeArtifact("newsletter.html", newsletter)
    artifacts += try context.writeArtifact("slides.md", Slides.markdown(slides))
    artifacts += try context.writeArtifact("summary.md", "# \(title)\n\n\(summary)\n")
    let result: [String: Any] = [
        "title": title, "url": url, "summary": summary, "summary_words": Text.wordCount(summary),
        "newsletter_file": "newsletter.html", "newsletter_subject": Markup.truncate(title, to: 78),
        "newsletter_preheader": Markup.truncate(summary, to: 100),
        "slides_file": "slides.md", "slides": slides.map { ["title": $0.title, "bullets": $0.bullets] as [String: Any] },
        "newsletter_html": newsletter,
    ]
    return ["repurposed_content": result, "artifacts": artifacts]
}

/// Entry of `content_repurposer`.
@_cdecl("agent_plugin_entry")
public func contentRepurposerPluginEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<agent_plugin_descriptor>? {
    repurposerPlugin.entry(hostMajor: major)
}
