// SEOOptimizer.swift — the checks and the optimized outputs.
import AgentPluginKit
import ContentKit
import Foundation

/// The SEO pass over one article.
struct SEOOptimizer {
    static let titleLimit = 60
    static let descriptionLimit = 155

    let article: Article
    let title: String
    let keywords: [String]
    let campaign: [String: Any]
    let usedEditedVersion: Bool
    /// The image agent's `cover_image`, when the run has one.
    var cover: [String: Any]? = nil

    /// The optimized article and its report.
    struct Result {
        var markdown: String
        var html: String
        var fields: [String: Any]
    }

    func run() -> Result {
        let (seoTitle, titleFix) = makeTitle()
        let (description, descriptionFix) = makeDescription()
        let slug = Markup.slugify(JSON.string(campaign["slug"]) ?? title)
        let density = keywordDensity()
        let (headingReport, headingIssues) = headingStructure()
        let links = internalLinks(slug: slug)
        var checks: [[String: Any]] = []
        func check(_ name: String, _ passed: Bool, _ detail: String) {
            checks.append(["check": name, "passed": passed, "detail": detail])
        }
        check("title_length", seoTitle.count <= SEOOptimizer.titleLimit, "\(seoTitle.count) of at most \(SEOOptimizer.titleLimit) characters")
        check(
            "description_length", (50...SEOOptimizer.descriptionLimit).contains(description.count),
            "\(description.count) characters, expected 50 to \(SEOOptimizer.descriptionLimit)")
        let primary = keywords.first ?? ""
        check(
            "primary_keyword_in_title", contains(seoTitle, primary),
            "\"\(primary)\" in the title" + (titleFix.map { " (\($0))" } ?? ""))
        check(
            "primary_keyword_in_description", contains(description, primary),
            "\"\(primary)\" in the meta description" + (descriptionFix.map { " (\($0))" } ?? ""))
        let intro = article.paragraphs.first ?? ""
        check("primary_keyword_in_introduction", contains(intro, primary), "\"\(primary)\" in the first paragraph")
        check("heading_structure", headingIssues.isEmpty, headingIssues.isEmpty ? "one H1, no skipped levels" : headingIssues.joined(separator: "; "))
        for d in density {
            let pct = d["density_percent"] as? Double ?? 0
            check("keyword_density:\(d["keyword"] as? String ?? "")", (0.5...3.0).contains(pct), "\(pct)% (0.5% to 3% recommended)")
        }
        let words = Text.articleWordCount(article.markdown)
        check("length", words >= 600, "\(words) words (600 or more recommended)")
        let passed = checks.filter { $0["passed"] as? Bool == true }.count
        let failed = checks.filter { $0["passed"] as? Bool != true }.compactMap { $0["check"] as? String }
        let score = checks.isEmpty ? 0 : Int((100 * Double(passed) / Double(checks.count)).rounded())

        let markdown = frontMatter(seoTitle: seoTitle, description: description, slug: slug) + article.markdown
        let html = page(seoTitle: seoTitle, description: description, slug: slug)
        let fields: [String: Any] = [
            "title": title, "seo_title": seoTitle, "meta_description": description, "slug": slug,
            "url": url(slug: slug), "keywords": keywords, "keyword_density": density,
            "headings": headingReport, "internal_links": links, "checks": checks, "score": score,
            "checks_passed": passed, "checks_total": checks.count, "failed_checks": failed,
            "fixes": (titleFix.map { [["check": "primary_keyword_in_title", "fix": $0]] } ?? [])
                + (descriptionFix.map { [["check": "primary_keyword_in_description", "fix": $0]] } ?? []),
            "word_count": words, "source_version": usedEditedVersion ? "edited" : "draft",
        ]
        return Result(markdown: markdown, html: html, fields: fields)
    }

    // MARK: - Title, description, slug

    /// The page title and, when it had to be fixed, how: the article title, with the primary
    /// keyword appended when the title does not hold it (the title shortened to make room),
    /// at most 60 characters at a word boundary.
    func makeTitle() -> (String, String?) {
        if let explicit = JSON.string(campaign["seo_title"]) { return (shorten(explicit, SEOOptimizer.titleLimit), nil) }
        guard let primary = keywords.first, !primary.isEmpty, !contains(title, primary) else {
            return (shorten(title, SEOOptimizer.titleLimit), nil)
        }
        let suffix = (title.contains(":") ? " | " : ": ") + primary.capitalizedFirst()
        let room = SEOOptimizer.titleLimit - suffix.count
        guard room >= 10 else { return (shorten(title, SEOOptimizer.titleLimit), nil) }
        return (shorten(title, room) + suffix, "the title did not hold it; appended \"\(primary.capitalizedFirst())\"")
    }

    /// The meta description and, when it had to be fixed, how: the article's sentences
    /// that mention the primary keyword first, then those with another keyword, then the
    /// rest (the writer's composed framing left out), up to 155 characters. When none
    /// mentions the primary keyword, the title (or the keyword) leads it, so the
    /// `primary_keyword_in_description` check this agent measures holds.
    func makeDescription() -> (String, String?) {
        if let explicit = JSON.string(campaign["meta_description"]) {
            return (Markup.truncate(explicit, to: SEOOptimizer.descriptionLimit), nil)
        }
        let sentences = Text.sourcedSentences(article.markdown).filter { Text.wordCount($0) >= 6 && !Text.opensWithReference($0) }
        let primary = keywords.first ?? ""
        let withPrimary = sentences.filter { contains($0, primary) }
        let withOther = sentences.filter { s in !contains(s, primary) && keywords.contains { contains(s, $0) } }
        let preferred = withPrimary + withOther + sentences
        var out = ""
        for s in preferred where !out.contains(s) {
            let candidate = out.isEmpty ? s : out + " " + s
            if candidate.count > SEOOptimizer.descriptionLimit { continue }
            out = candidate
        }
        if out.isEmpty, let first = preferred.first { out = Markup.truncate(first, to: SEOOptimizer.descriptionLimit) }
        if out.isEmpty { out = Markup.truncate("\(title).", to: SEOOptimizer.descriptionLimit) }
        guard !primary.isEmpty, !contains(out, primary) else { return (out, nil) }
        let lead = contains(title, primary) ? title : primary.capitalizedFirst()
        let fixed = Markup.truncate("\(lead): \(out.lowercasedFirstWord())", to: SEOOptimizer.descriptionLimit)
        return (fixed, "no sentence of the article mentions it; led the description with \"\(lead)\"")
    }

    private func url(slug: String) -> String { AgentContext.blogURL(slug: slug, campaign: campaign) }

    // MARK: - Analysis

    /// Occurrences of each keyword (stem match, phrases word by word) per 100 words.
    func keywordDensity() -> [[String: Any]] {
        let tokens = Text.tokens(article.plain).map(Stem.of)
        let total = max(tokens.count, 1)
        return keywords.map { keyword in
            let k = Text.tokens(keyword).map(Stem.of)
            var count = 0
            if !k.isEmpty && tokens.count >= k.count {
                for i in 0...(tokens.count - k.count) where Array(tokens[i..<(i + k.count)]) == k { count += 1 }
            }
            let pct = (10000 * Double(count * k.count) / Double(total)).rounded() / 100
            return ["keyword": keyword, "count": count, "density_percent": pct]
        }
    }

    /// The heading outline and the problems in it.
    func headingStructure() -> ([String: Any], [String]) {
        var issues: [String] = []
        let h1 = article.headings.filter { $0.level == 1 }
        if h1.count != 1 { issues.append("expected exactly one H1, found \(h1.count)") }
        var previous = 0
        for h in article.headings {
            if previous > 0 && h.level > previous + 1 { issues.append("\"\(h.text)\" skips from H\(previous) to H\(h.level)") }
            previous = h.level
        }
        let h2 = article.headings.filter { $0.level == 2 }
        if h2.count < 2 { issues.append("fewer than two H2 sections") }
        let withKeyword = h2.filter { h in keywords.contains { contains(h.text, $0) } }.count
        let report: [String: Any] = [
            "outline": article.headings.map { ["level": $0.level, "text": $0.text, "anchor": $0.anchor] as [String: Any] },
            "h2_with_keyword": withKeyword, "issues": issues,
        ]
        return (report, issues)
    }

    /// Links to the site's pages given in `campaign.site_pages` ([{title, url}]) that share
    /// a keyword with a paragraph; otherwise links to the site's topic page of each keyword.
    func internalLinks(slug: String) -> [[String: Any]] {
        var links: [[String: Any]] = []
        let pages = JSON.objects(campaign["site_pages"])
        if !pages.isEmpty {
            for page in pages {
                guard let pageTitle = JSON.string(page["title"]), let pageURL = JSON.string(page["url"]) else { continue }
                let stems = Stem.set(pageTitle)
                if let paragraph = article.paragraphs.first(where: { !Stem.set($0).isDisjoint(with: stems) }) {
                    let anchor = Text.contentTokens(paragraph).first { stems.contains(Stem.of($0)) } ?? pageTitle
                    links.append(["anchor_text": anchor, "url": pageURL, "reason": "shares \"\(anchor)\" with \(pageTitle)"])
                }
            }
            return links
        }
        for keyword in keywords {
            guard let paragraph = article.paragraphs.first(where: { contains($0, keyword) }) else { continue }
            let sentence = Text.sentences(paragraph).first { contains($0, keyword) } ?? paragraph
            links.append([
                "anchor_text": keyword, "url": "/topics/\(Markup.slugify(keyword))",
                "context": Markup.truncate(Text.removingCitations(sentence), to: 120),
                "reason": "first mention of the keyword \"\(keyword)\"",
            ])
        }
        return links
    }

    // MARK: - Rendering

    private func frontMatter(seoTitle: String, description: String, slug: String) -> String {
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        return "---\ntitle: \(quoted(seoTitle))\ndescription: \(quoted(description))\nslug: \(slug)\n"
            + "keywords: [\(keywords.map(quoted).joined(separator: ", "))]\n---\n"
    }

    /// The standalone XHTML page (see ArticlePage).
    private func page(seoTitle: String, description: String, slug: String) -> String {
        ArticlePage(
            article: article, seoTitle: seoTitle, description: description, keywords: keywords,
            canonicalURL: url(slug: slug), cover: cover
        ).html()
    }

    // MARK: - Helpers

    /// Whether `text` contains `keyword` (stems of all its words, in order).
    func contains(_ text: String, _ keyword: String) -> Bool {
        let k = Text.tokens(keyword).map(Stem.of)
        let t = Text.tokens(text).map(Stem.of)
        guard !k.isEmpty, t.count >= k.count else { return false }
        for i in 0...(t.count - k.count) where Array(t[i..<(i + k.count)]) == k { return true }
        return false
    }

    private func shorten(_ text: String, _ limit: Int) -> String {
        if text.count <= limit { return text }
        var out = ""
        for word in text.split(separator: " ") {
            let candidate = out.isEmpty ? String(word) : out + " " + word
            if candidate.count > limit { break }
            out = candidate
        }
        while let last = out.last, ",;:-–|".contains(last) { out.removeLast() }
        return out.isEmpty ? String(text.prefix(limit)) : out.trimmingCharacters(in: .whitespaces)
    }
}

extension String {
    /// The string with its first character uppercased.
    func capitalizedFirst() -> String { prefix(1).uppercased() + dropFirst() }

    /// The string with its first character lowercased unless its first word is an acronym
    /// or a name ("UK", "I").
    func lowercasedFirstWord() -> String {
        guard let first, dropFirst().first?.isLowercase == true else { return self }
        return first.lowercased() + dropFirst()
    }
}
