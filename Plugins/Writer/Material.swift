// Material.swift — the passages the writer may use: from research notes, or cut and shared
// out directly from the sources (writer_lite, and writer without research).
import AgentPluginABI
import AgentPluginKit
import ContentKit
import Foundation

/// A source passage (one or more consecutive sentences) and where it came from.
struct Fact {
    var text: String
    var source: Int
    var score: Double
    /// Heading of the source section it comes from ("" when none).
    var topic: String = ""
    /// Position of the passage in its source, in reading order.
    var position: Int = 0
    /// The source paragraph it starts in.
    var paragraph: Int = 0
}

/// A cited document.
struct SourceRef {
    var id: Int
    var title: String
    var path: String
}

/// Facts per section id, plus a pool for sections with none.
struct Material {
    var sources: [SourceRef]
    var bySection: [String: [Fact]]
    var pool: [Fact]
    var method: String
    /// Sources named by the campaign that could not be read.
    var unreadable: [String] = []

    /// Reads the researcher's `research_notes`.
    init(researchNotes notes: [String: Any]) {
        sources = JSON.objects(notes["sources"]).compactMap { s in
            guard let id = JSON.int(s["id"]) else { return nil }
            return SourceRef(id: id, title: JSON.string(s["title"]) ?? "Source \(id)", path: JSON.string(s["path"]) ?? "")
        }
        func facts(_ value: Any?) -> [Fact] {
            JSON.objects(value).compactMap { f in
                guard let text = JSON.string(f["text"]) else { return nil }
                return Fact(
                    text: text, source: JSON.int(f["source"]) ?? 0, score: JSON.double(f["score"]) ?? 0,
                    topic: JSON.string(f["topic"]) ?? "", position: JSON.int(f["position"]) ?? 0,
                    paragraph: JSON.int(f["paragraph"]) ?? 0)
            }
        }
        var bySection: [String: [Fact]] = [:]
        for section in JSON.objects(notes["sections"]) {
            if let id = JSON.string(section["id"]) { bySection[id] = facts(section["facts"]) }
        }
        self.bySection = bySection
        pool = facts(notes["top_facts"])
        method = "extractive: source passages chosen by the researcher (TF-IDF keywords, TextRank), kept with their context"
    }

    init(sources: [SourceRef], bySection: [String: [Fact]], pool: [Fact], method: String) {
        self.sources = sources
        self.bySection = bySection
        self.pool = pool
        self.method = method
    }

    /// Cuts the campaign's sources (or its brief when none is readable) into passages and
    /// shares them out among the sections by how many of each section's keywords they hold.
    static func direct(context: AgentContext, outline: Outline) throws -> Material {
        var sources: [SourceRef] = []
        var passages: [Passage] = []
        var unreadable: [String] = []
        let paths = JSON.strings(context.campaign["sources"])
        for (index, path) in paths.enumerated() {
            let full = context.resolve(path)
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
                context.log(AGENT_LOG_WARNING, "\(context.agent): cannot read source \(full); skipped")
                unreadable.append(path)
                continue
            }
            let id = index + 1
            let title = Text.markdownTitle(text) ?? (path as NSString).lastPathComponent
            sources.append(SourceRef(id: id, title: title, path: path))
            passages += Passages.of(markdown: text, source: id)
        }
        var method = "extractive: source passages shared out among sections by keyword match (no research)"
        if passages.isEmpty, let brief = JSON.string(context.campaign["brief"]) {
            sources = [SourceRef(id: 1, title: "Campaign brief", path: "campaign.brief")]
            passages = Passages.of(markdown: brief, source: 1)
            method = "extractive: sentences of the campaign brief (no readable sources)"
        }
        if passages.isEmpty {
            throw agentError(
                "\(context.agent): nothing to write from: campaign.sources gave no readable text and campaign.brief is empty")
        }
        let relevance = outline.sections.map { section in
            let own = Set(section.keywords.flatMap { Text.contentTokens($0) }.map(Stem.of))
            return passages.map { Passages.relevance($0, own: own) }
        }
        let campaignStems = Set(
            (JSON.strings(context.campaign["keywords"]) + [outline.title]).flatMap { Text.contentTokens($0) }.map(Stem.of))
        let allocation = PassageAllocator.allocate(
            passages: passages, roles: outline.sections.map(\.role), targets: outline.sections.map(\.targetWords),
            relevance: relevance, campaignRelevance: passages.map { Passages.relevance($0, own: campaignStems) },
            centrality: Passages.centrality(passages))
        var bySection: [String: [Fact]] = [:]
        for (s, section) in outline.sections.enumerated() {
            bySection[section.id] = allocation[s].map { p in
                let passage = passages[p]
                return Fact(
                    text: passage.text, source: passage.source, score: relevance[s][p], topic: passage.topic,
                    position: passage.index, paragraph: passage.paragraph)
            }
        }
        var material = Material(sources: sources, bySection: bySection, pool: [], method: method)
        material.unreadable = unreadable
        return material
    }
}
