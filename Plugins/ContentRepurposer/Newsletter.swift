// Newsletter.swift — an email-safe HTML newsletter: table layout, inline styles, no script,
// no external CSS, 600 pixels wide; well-formed XHTML so any XML parser reads it.
import AgentPluginKit
import ContentKit
import Foundation

/// The newsletter for one article.
struct Newsletter {
    var document: ArticleDocument
    var summary: String
    var url: String
    var campaign: [String: Any]

    func html() -> String {
        let e = Markup.escapeXML
        let brand = JSON.string(campaign["brand"]) ?? JSON.string(campaign["organization"]) ?? "Newsletter"
        let font = "font-family: Arial, Helvetica, sans-serif;"
        var rows: [String] = []
        rows.append(
            "<tr><td style=\"\(font) font-size: 14px; color: #666666; padding: 16px 24px;\">\(e(brand))</td></tr>")
        rows.append(
            "<tr><td style=\"\(font) font-size: 26px; font-weight: bold; color: #222222; padding: 8px 24px;\">\(e(document.title))</td></tr>"
        )
        rows.append("<tr><td style=\"\(font) font-size: 16px; line-height: 24px; color: #333333; padding: 8px 24px;\">\(e(summary))</td></tr>")
        for section in document.sections {
            let quotable = section.sentences.filter { !Text.opensWithReference($0) }
            guard !quotable.isEmpty else { continue }
            let teaser = quotable.prefix(2).joined(separator: " ")
            rows.append(
                "<tr><td style=\"\(font) padding: 12px 24px 0 24px;\"><h2 style=\"\(font) font-size: 18px; color: #222222; margin: 0;\">\(e(section.heading))</h2></td></tr>"
            )
            rows.append(
                "<tr><td style=\"\(font) font-size: 15px; line-height: 22px; color: #333333; padding: 4px 24px;\">\(e(teaser))</td></tr>")
        }
        rows.append(
            """
            <tr><td align="center" style="padding: 24px;"><a href="\(e(url))" style="\(font) display: inline-block; background-color: #2a6f97; color: #ffffff; font-size: 16px; font-weight: bold; text-decoration: none; padding: 12px 24px; border-radius: 4px;">Read the full article</a></td></tr>
            """)
        if !document.sources.isEmpty {
            let list = document.sources.map { e($0) }.joined(separator: "<br/>")
            rows.append("<tr><td style=\"\(font) font-size: 12px; line-height: 18px; color: #777777; padding: 8px 24px 24px 24px;\">Sources:<br/>\(list)</td></tr>")
        }
        let preheader = Markup.truncate(summary, to: 100)
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1.0"/>
            <title>\(e(document.title))</title>
            </head>
            <body style="margin: 0; padding: 0; background-color: #f4f4f4;">
            <div style="display: none; max-height: 0; overflow: hidden;">\(e(preheader))</div>
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color: #f4f4f4;">
            <tr><td align="center" style="padding: 24px 0;">
            <table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="background-color: #ffffff; max-width: 600px;">
            \(rows.joined(separator: "\n"))
            </table>
            </td></tr>
            </table>
            </body>
            </html>

            """
    }
}
