// SEOAgent.swift — the `seo` agent (Swift): keyword density, title (<= 60 characters),
// meta description (<= 155), slug, heading structure, internal-link suggestions, and the
// optimized article as Markdown and as a standalone XHTML page (stylesheet, cover image,
// linked citations). A check it can fix (the primary keyword in the meta description) it
// fixes; every check it reports failed stays failed in its output and in seo.json.
import AgentPluginABI
import AgentPluginKit
import ContentKit
import Foundation

private let seoPlugin = AgentPlugin(
    slot: 0, name: "seo", version: "1.0.0",
    description: "Optimizes the article for search: title, meta description, slug, keywords, headings, links"
) { context in
    let outputs = context.articleOutputs
    guard let markdown = outputs.markdown else {
        throw agentError(
            "seo: no article among the inputs (expected inputs.editor.edited_content.markdown or inputs.writer.blog_content.markdown)"
        )
    }
    let title = outputs.title ?? Article(markdown: markdown).h1 ?? JSON.string(context.campaign["title"]) ?? "Untitled"
    // A heading outline it can repair, it repairs (and says so); the check then measures the result.
    let (fixedMarkdown, headingFixes) = HeadingFixer.fix(markdown, title: title)
    let article = Article(markdown: fixedMarkdown)
    var keywords = JSON.strings(context.campaign["keywords"]).map { $0.lowercased() }
    if keywords.isEmpty { keywords = Array(TFIDF(documents: [article.plain]).keywords(limit: 3).map(\.term)) }
    let optimizer = SEOOptimizer(
        article: article, title: title, keywords: keywords, campaign: context.campaign,
        usedEditedVersion: outputs.edited != nil,
        cover: context.output("cover_image", preferring: ["image"]) as? [String: Any])
    var result = optimizer.run()
    if !headingFixes.isEmpty {
        result.fields["fixes"] = JSON.objects(result.fields["fixes"]) + headingFixes.map { ["check": "heading_structure", "fix": $0] }
    }
    var artifacts: [String] = []
    artifacts += try context.writeArtifact("article.md", result.markdown)
    artifacts += try context.writeArtifact("article.html", result.html)
    var output = result.fields
    let report = try JSONSerialization.data(withJSONObject: output, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    artifacts += try context.writeArtifact("seo.json", String(decoding: report, as: UTF8.self) + "\n")
    output["markdown"] = result.markdown
    output["html_file"] = "article.html"
    return ["optimized_content": output, "artifacts": artifacts]
}

/// Entry of `seo`.
@_cdecl("agent_plugin_entry")
public func seoPluginEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<agent_plugin_descriptor>? {
    seoPlugin.entry(hostMajor: major)
}
