// ArticlePage.swift — article.html: a standalone, well-formed XHTML page with a readable
// inline stylesheet, the cover image, and numbered citations linked to the Sources list.
import AgentPluginKit
import ContentKit
import Foundation

/// The published page of one article.
struct ArticlePage {
    let article: Article
    let seoTitle: String
    let description: String
    let keywords: [String]
    let canonicalURL: String
    /// The image agent's `cover_image` ({file, alt_text, width, height}), when there is one.
    let cover: [String: Any]?

    /// A readable measure, system fonts, quiet colours; no external resources.
    static let stylesheet = """
        body { margin: 0; background: #fbfaf7; color: #1f2328; font: 18px/1.65 Georgia, "Times New Roman", serif; }
        article { max-width: 40rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
        h1, h2, h3 { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.25; color: #111; }
        h1 { font-size: 2.2rem; margin: 0 0 1.5rem; }
        h2 { font-size: 1.4rem; margin: 2.5rem 0 0.75rem; }
        p { margin: 0 0 1.1rem; }
        a { color: #1a5e8a; }
        figure.cover { margin: 0 0 2rem; }
        figure.cover img { display: block; width: 100%; height: auto; border-radius: 6px; }
        figure.cover figcaption { font-size: 0.8rem; color: #5f6368; margin-top: 0.4rem; }
        sup.cite { font-size: 0.7em; line-height: 0; }
        sup.cite a { text-decoration: none; }
        section.references { margin-top: 3rem; border-top: 1px solid #d0d7de; font-size: 0.9rem; }
        section.references li { margin-bottom: 0.4rem; }
        section.references li:target { background: #fff3c4; }
        """

    func html() -> String {
        let e = Markup.escapeXML
        var body = Markup.html(fromMarkdown: Text.articleBody(article.markdown))
        for h in article.headings where h.level >= 2 {
            let tag = "<h\(h.level)>\(Markup.inline(h.text))</h\(h.level)>"
            body = body.replacingOccurrences(of: tag, with: "<h\(h.level) id=\"\(h.anchor)\">\(Markup.inline(h.text))</h\(h.level)>")
        }
        body = linkCitations(body)
        if let figure = coverFigure() {
            // The cover sits right under the title.
            if let end = body.range(of: "</h1>") {
                body.insert(contentsOf: "\n" + figure, at: end.upperBound)
            } else {
                body = figure + "\n" + body
            }
        }
        if !article.references.isEmpty {
            var list = ["<section class=\"references\">", "<h2 id=\"sources\">Sources</h2>", "<ol>"]
            for r in article.references {
                list.append("<li id=\"ref-\(r.number)\" value=\"\(r.number)\">\(e(r.text)) <a href=\"#cite-\(r.number)\" title=\"Back to the first citation\">↩</a></li>")
            }
            list += ["</ol>", "</section>"]
            body += "\n" + list.joined(separator: "\n")
        }
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>\(e(seoTitle))</title>
            <meta name="description" content="\(e(description))"/>
            <meta name="keywords" content="\(e(keywords.joined(separator: ", ")))"/>
            <link rel="canonical" href="\(e(canonicalURL))"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <style>
            \(ArticlePage.stylesheet)
            </style>
            </head>
            <body>
            <article>
            \(body)
            </article>
            </body>
            </html>

            """
    }

    /// The cover as a figure, when the run has one.
    private func coverFigure() -> String? {
        guard let cover, let file = JSON.string(cover["file"]) else { return nil }
        let e = Markup.escapeXML
        let alt = JSON.string(cover["alt_text"]) ?? seoTitle
        var size = ""
        if let w = JSON.int(cover["width"]), let h = JSON.int(cover["height"]) { size = " width=\"\(w)\" height=\"\(h)\"" }
        return "<figure class=\"cover\"><img src=\"\(e(file))\" alt=\"\(e(alt))\"\(size)/></figure>"
    }

    /// Citation markers " [2]" and " [1, 3]" as superscript links to the Sources list; the
    /// first citation of each source carries the id the list links back to.
    private func linkCitations(_ html: String) -> String {
        let numbers = Set(article.references.map(\.number))
        var out = ""
        var seen = Set<Int>()
        var rest = Substring(html)
        while let range = rest.range(of: #" ?\[\d+(?:, ?\d+)*\](?!\()"#, options: .regularExpression) {
            out += rest[..<range.lowerBound]
            let marker = rest[range]
            let cited = marker.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            if cited.allSatisfy(numbers.contains) {
                let links = cited.map { n -> String in
                    let id = seen.insert(n).inserted ? " id=\"cite-\(n)\"" : ""
                    return "<a href=\"#ref-\(n)\"\(id)>\(n)</a>"
                }
                out += "<sup class=\"cite\">[" + links.joined(separator: ", ") + "]</sup>"
            } else {
                out += marker
            }
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
