// HeadingFixer.swift — the heading outline repaired where SEO can do so without rewriting:
// exactly one H1 (the title added when missing, later H1s demoted) and no skipped levels.
import ContentKit
import Foundation

/// Repairs the heading levels of a Markdown article.
enum HeadingFixer {
    /// `markdown` with one H1 and no level skipped, and a sentence per repair.
    static func fix(_ markdown: String, title: String) -> (String, [String]) {
        var lines = markdown.components(separatedBy: "\n")
        var fixes: [String] = []
        var previous = 0
        var seenH1 = false
        for (i, line) in lines.enumerated() {
            let hashes = line.prefix(while: { $0 == "#" }).count
            guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { continue }
            let text = line.dropFirst(hashes).trimmingCharacters(in: .whitespaces)
            var level = hashes
            if level == 1 && seenH1 {
                level = 2
                fixes.append("\"\(text)\" was a second H1; made it an H2")
            } else if previous > 0 && level > previous + 1 {
                fixes.append("\"\(text)\" skipped from H\(previous) to H\(level); made it an H\(previous + 1)")
                level = previous + 1
            } else if previous == 0 && level > 1 {
                // The first heading is not the title: the title goes above it.
                fixes.append("the article had no H1; added \"\(title)\"")
                lines[i] = "# \(title)\n\n" + lines[i]
                seenH1 = true
                previous = 1
                if level > 2 {
                    fixes.append("\"\(text)\" skipped from H1 to H\(level); made it an H2")
                    level = 2
                }
            }
            if level == 1 { seenH1 = true }
            if level != hashes { lines[i] = lines[i].replacingOccurrences(of: String(repeating: "#", count: hashes) + " ", with: String(repeating: "#", count: level) + " ", options: .anchored) }
            previous = level
        }
        return (lines.joined(separator: "\n"), fixes)
    }
}
