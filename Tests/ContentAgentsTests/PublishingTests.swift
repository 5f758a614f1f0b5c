// PublishingTests.swift — seo, image, social_media, campaign_manager and content_repurposer.
import AgentPluginABI
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Whether `data` parses as XML (well-formed).
func isWellFormedXML(_ data: Data) -> Bool {
    let parser = XMLParser(data: data)
    parser.shouldResolveExternalEntities = false
    return parser.parse()
}

/// Element names of an XML document, in document order.
final class ElementCollector: NSObject, XMLParserDelegate {
    var names: [String] = []
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) { names.append(elementName) }

    static func names(in data: Data) -> [String] {
        let collector = ElementCollector()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        _ = parser.parse()
        return collector.names
    }
}

@Suite struct PublishingTests {
    @Test func seoKeepsTitleAndDescriptionWithinLimitsAndWritesValidHTML() throws {
        var campaign = Fixtures.campaign
        campaign["title"] = "A very long campaign title about rooftop photovoltaic installations on primary and secondary school buildings"
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try ChainRun.run(campaign: campaign, artifacts: folder)
        let seo = try #require(chain.outputs["seo"]?.object("optimized_content"))
        let title = seo["seo_title"] as? String ?? ""
        let description = seo["meta_description"] as? String ?? ""
        #expect(!title.isEmpty && title.count <= 60, "title \(title.count): \(title)")
        #expect(description.count >= 50 && description.count <= 155, "description \(description.count)")
        #expect(seo["slug"] as? String == "long-campaign-title-rooftop-photovoltaic-installations")
        #expect((seo["slug"] as? String ?? "").count <= 60)
        let html = try Data(contentsOf: URL(fileURLWithPath: folder + "/article.html"))
        #expect(isWellFormedXML(html))
        let elements = ElementCollector.names(in: html)
        #expect(elements.filter { $0 == "h1" }.count == 1)
        #expect(elements.filter { $0 == "h2" }.count >= 5)
        #expect(!elements.contains("script"))
        let article = try String(contentsOfFile: folder + "/article.md", encoding: .utf8)
        #expect(article.hasPrefix("---\ntitle: \"\(title)\""))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/seo.json"))) as? [String: Any]
        #expect(report?["seo_title"] as? String == title)
    }

    @Test func seoFindsSkippedHeadingLevelsAndLowKeywordDensity() throws {
        let markdown = "# Title\n\n### Deep heading\n\nSolar power helps. Many other words follow here without the term.\n"
        var campaign = Fixtures.campaign
        campaign["keywords"] = ["solar", "batteries"]
        let result = try Agents.load("seo").run(
            Fixtures.input(agent: "seo", inputs: ["editor": ["edited_content": ["title": "Title", "markdown": markdown]]], campaign: campaign))
        #expect(result.status == AGENT_STATUS_OK, "\(result.text)")
        let seo = try #require(result.object?.object("optimized_content"))
        // A skipped level is a check seo can fix: it repairs the outline and says so.
        let fixes = seo["fixes"] as? [[String: Any]] ?? []
        #expect(fixes.contains { $0["fix"] as? String == "\"Deep heading\" skipped from H1 to H3; made it an H2" })
        #expect((seo["markdown"] as? String ?? "").contains("\n## Deep heading\n"))
        let issues = seo.object("headings")?["issues"] as? [String] ?? []
        #expect(issues == ["fewer than two H2 sections"])
        let checks = seo["checks"] as? [[String: Any]] ?? []
        #expect(checks.first { $0["check"] as? String == "heading_structure" }?["passed"] as? Bool == false)

        // No H1 and two of them are repaired too, and then the check passes.
        let untitled = "## One\n\nSolar power helps schools.\n\n# Two\n\nSolar panels help too.\n"
        let repaired = try #require(
            Agents.load("seo").run(
                Fixtures.input(agent: "seo", inputs: ["editor": ["edited_content": ["title": "Solar", "markdown": untitled]]], campaign: campaign)
            ).object?.object("optimized_content"))
        #expect((repaired["markdown"] as? String ?? "").hasSuffix("# Solar\n\n## One\n\nSolar power helps schools.\n\n## Two\n\nSolar panels help too.\n"))
        #expect((repaired["fixes"] as? [[String: Any]] ?? []).count == 2)
        let structure = (repaired["checks"] as? [[String: Any]] ?? []).first { $0["check"] as? String == "heading_structure" }
        #expect(structure?["passed"] as? Bool == true)
        let density = checks.first { $0["check"] as? String == "keyword_density:batteries" }
        #expect(density?["passed"] as? Bool == false)
        #expect((seo["score"] as? NSNumber)?.intValue ?? 100 < 100)
    }

    @Test func imageIsValidDeterministicSVGAndEscapesTheTitle() throws {
        var campaign = Fixtures.campaign
        campaign["title"] = "Sun & shade: <panels> on \"old\" roofs — a guide for everyone who manages a school estate"
        let image = try Agents.load("image")
        let input = Fixtures.input(agent: "image", campaign: campaign)
        let first = try image.run(input)
        let second = try image.run(input)
        #expect(first.status == AGENT_STATUS_OK, "\(first.text)")
        #expect(first.bytes == second.bytes)
        let cover = try #require(first.object?.object("cover_image"))
        let svg = Data((cover["svg"] as? String ?? "").utf8)
        #expect(isWellFormedXML(svg))
        let elements = ElementCollector.names(in: svg)
        #expect(elements.first == "svg" && elements.contains("title") && elements.contains("path"))
        #expect((cover["title_lines"] as? [String] ?? []).count <= 4)
        #expect((cover["alt_text"] as? String ?? "").contains("Sun & shade"))
        #expect((cover.object("palette")?["name"] as? String) == "sunrise")

        var other = campaign
        other["title"] = "Rainwater harvesting for schools"
        other["keywords"] = ["water"]
        let different = try #require(image.run(Fixtures.input(agent: "image", campaign: other)).object?.object("cover_image"))
        #expect(different["svg"] as? String != cover["svg"] as? String)
        #expect((different.object("palette")?["name"] as? String) == "ocean")
    }

    @Test func socialPostsStayWithinEveryPlatformLimit() throws {
        var campaign = Fixtures.campaign
        campaign["platforms"] = ["x", "linkedin", "facebook", "instagram", "mastodon", "threads", "bluesky"]
        campaign["title"] = String(repeating: "Solar panels on school roofs save money ", count: 12)
        let chain = try ChainRun.run(campaign: campaign, artifacts: nil)
        let social = try #require(chain.outputs["social_media"]?.object("social_posts"))
        let posts = social["posts"] as? [[String: Any]] ?? []
        #expect(posts.count == 7)
        let limits = ["x": 280, "linkedin": 3000, "facebook": 63206, "instagram": 2200, "mastodon": 500, "threads": 500, "bluesky": 300]
        for post in posts {
            let platform = post["platform"] as? String ?? ""
            let text = post["text"] as? String ?? ""
            let limit = try #require(limits[platform])
            // X and Mastodon count every link as 23 characters, whatever its length.
            let counted = ["x", "mastodon"].contains(platform)
                ? text.replacingOccurrences(of: #"https?://\S+"#, with: String(repeating: "L", count: 23), options: .regularExpression)
                : text
            #expect(counted.count <= limit, "\(platform): \(counted.count) > \(limit)")
            #expect(post["within_limit"] as? Bool == true)
        }
        let x = posts.first { $0["platform"] as? String == "x" }?["text"] as? String ?? ""
        #expect(x.contains("#Solar") && x.contains("https://example.com/blog/"))
        let thread = social["thread"] as? [[String: Any]] ?? []
        #expect(thread.count >= 3)
        for (i, post) in thread.enumerated() {
            let text = post["text"] as? String ?? ""
            #expect(text.hasSuffix(" \(i + 1)/\(thread.count)"))
            #expect(text.count <= 280)
        }
        #expect(social["hashtags"] as? [String] == ["#Solar", "#Schools", "#Energy"])
        #expect(social["all_within_limits"] as? Bool == true)
    }

    @Test func socialRejectsAnUnknownPlatform() throws {
        var campaign = Fixtures.campaign
        campaign["platforms"] = ["myspace"]
        let edited: [String: Any] = ["edited_content": ["title": "T", "markdown": "# T\n\n## A\n\nSolar panels on school roofs cut the cost of electricity for the whole year.\n"]]
        let result = try Agents.load("social_media").run(
            Fixtures.input(agent: "social_media", inputs: ["editor": edited], campaign: campaign))
        #expect(result.status == AGENT_STATUS_ERROR)
        #expect(result.text.contains("campaign.platforms names \"myspace\""))
    }

    @Test func calendarIsValidICalendarAndTheSummaryChecksAssets() throws {
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try ChainRun.run(artifacts: folder)
        let ics = try Data(contentsOf: URL(fileURLWithPath: folder + "/calendar.ics"))
        let text = try #require(String(data: ics, encoding: .utf8), "calendar.ics is valid UTF-8 after folding")
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        let bareNewlines = text.replacingOccurrences(of: "\r\n", with: "").contains("\n")
        #expect(!bareNewlines, "every line ends with CRLF")
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.utf8.count <= 75 }, "lines are folded at 75 octets")
        let calendar = chain.outputs["planner"]?["calendar"] as? [[String: Any]] ?? []
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == calendar.count)
        #expect(lines.filter { $0.hasPrefix("DTSTART;VALUE=DATE:") }.count == calendar.count)
        #expect(lines.contains("DTSTART;VALUE=DATE:20250303"))
        #expect(Set(lines.filter { $0.hasPrefix("UID:") }).count == calendar.count)
        let schedule = try #require(chain.outputs["campaign_manager"]?.object("campaign_schedule"))
        #expect(schedule["all_checks_passed"] as? Bool == true, "\(schedule["checks"] ?? "")")
        #expect(FileManager.default.fileExists(atPath: folder + "/campaign_summary.md"))

        // Without the image and with a deleted article file, the checks say what is missing.
        try FileManager.default.removeItem(atPath: folder + "/article.html")
        var inputs: [String: Any] = [:]
        for name in ["planner", "seo", "social_media"] { inputs[name] = chain.outputs[name] }
        inputs["image"] = ["error": "image timed out"]
        let rerun = try Agents.load("campaign_manager").run(
            Fixtures.input(agent: "campaign_manager", inputs: inputs, artifacts: folder))
        let failed = try #require(rerun.object?.object("campaign_schedule"))
        #expect(failed["all_checks_passed"] as? Bool == false)
        let checks = failed["checks"] as? [[String: Any]] ?? []
        let html = checks.first { $0["check"] as? String == "article_html" }
        #expect(html?["passed"] as? Bool == false)
        let htmlDetail = html?["detail"] as? String
        #expect(htmlDetail?.contains("missing or empty in the artifacts folder") == true)
        let cover = checks.first { $0["check"] as? String == "cover_image" }
        #expect(cover?["detail"] as? String == "cover.svg was not produced by any dependency")
    }

    @Test func repurposerWritesWellFormedNewsletterSlidesAndSummary() throws {
        let folder = Fixtures.artifactsFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try ChainRun.run(artifacts: folder)
        let content = try #require(chain.outputs["content_repurposer"]?.object("repurposed_content"))
        let newsletter = try Data(contentsOf: URL(fileURLWithPath: folder + "/newsletter.html"))
        #expect(isWellFormedXML(newsletter))
        let elements = ElementCollector.names(in: newsletter)
        #expect(elements.contains("table") && !elements.contains("script") && !elements.contains("style"))
        #expect(String(decoding: newsletter, as: UTF8.self).contains("https://example.com/blog/solar-power-for-schools"))
        let summary = content["summary"] as? String ?? ""
        #expect((30...80).contains(summary.split(separator: " ").count))
        let slides = content["slides"] as? [[String: Any]] ?? []
        let headings = (chain.outputs["writer"]?.object("blog_content")?["sections"] as? [[String: Any]] ?? []).compactMap { $0["heading"] as? String }
        #expect(slides.first?["title"] as? String == "Solar power for schools")
        #expect(slides.last?["title"] as? String == "Sources")
        for heading in headings { #expect(slides.contains { $0["title"] as? String == heading }, "no slide for \(heading)") }
        let slideFile = try String(contentsOfFile: folder + "/slides.md", encoding: .utf8)
        #expect(slideFile.components(separatedBy: "\n---\n").count == slides.count)
    }
}
