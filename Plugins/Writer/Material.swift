// Material.swift — the facts the writer may use: from research notes, or picked directly
// from the sources by keyword match (writer_lite and writer without research).
import AgentPluginKit
import ContentKit
import Foundation

/// A source sentence and where it came from.
struct Fact {
    var text: String
    var source: Int
    var score: Double
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

    /// Reads the researcher's `research_notes`.
    init(researchNotes notes: [String: Any]) {
        sources = JSON.objects(notes["sources"]).compactMap { s in
            guard let id = JSON.int(s["id"]) else { return nil }
            return SourceRef(id: id, title: JSON.string(s["title"]) ?? "Source \(id)", path: JSON.string(s["path"]) ?? "")
        }
        func facts(_ value: Any?) -> [Fact] {
            JSON.objects(value).compactMap { f in
                guard let text = JSON.string(f["text"]) else { return nil }
                return Fact(text: text, source: JSON.int(f["source"]) ?? 0, score: JSON.double(f["score"]) ?? 0)
            }
        }
        var bySection: [String: [Fact]] = [:]
        for section in JSON.objects(notes["sections"]) {
            if let id = JSON.string(section["id"]) { bySection[id] = facts(section["facts"]) }
        }
        self.bySection = bySection
        pool = facts(notes["top_facts"])
        method = "extractive: TF-IDF keywords and TextRank-ranked source sentences from the researcher"
    }

    init(sources: [SourceRef], bySection: [String: [Fact]], pool: [Fact], method: String) {
        self.sources = sources
        self.bySection = bySection
        self.pool = pool
        self.method = method
    }

    /// Picks sentences of the campaign's sources (or of its brief when it names none) for
    /// each section by how many of the section's keywords they contain.
    static func direct(context: AgentContext, outline: Outline) throws -> Material {
        var sources: [SourceRef] = []
        var sentences: [Fact] = []
        let paths = JSON.strings(context.campaign["sources"])
        for (index, path) in paths.enumerated() {
            let full = context.resolve(path)
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
                context.log(2, "\(context.agent): cannot read source \(full); skipped")
                continue
            }
            let id = index + 1
            let title = Text.markdownTitle(text) ?? (path as NSString).lastPathComponent
            sources.append(SourceRef(id: id, title: title, path: path))
            for s in Text.sentences(Text.plainText(fromMarkdown: text)) where Text.wordCount(s) >= 6 {
                sentences.append(Fact(text: s, source: id, score: 0))
            }
        }
        var method = "extractive: source sentences shared out among sections by keyword match (no research)"
        if sentences.isEmpty, let brief = JSON.string(context.campaign["brief"]) {
            sources = [SourceRef(id: 1, title: "Campaign brief", path: "campaign.brief")]
            sentences = Text.sentences(brief).map { Fact(text: $0, source: 1, score: 0) }
            method = "extractive: sentences of the campaign brief (no readable sources)"
        }
        if sentences.isEmpty {
            throw agentError(
                "\(context.agent): nothing to write from: campaign.sources gave no readable text and campaign.brief is empty")
        }
        // Relevance: keyword stems of the section found in the sentence, per sqrt of its length.
        let stems = sentences.map { Text.contentTokens($0.text).map(Stem.of) }
        let scores = outline.sections.map { section -> [Double] in
            let keys = Set(section.keywords.flatMap { Text.contentTokens($0) }.map(Stem.of))
            return stems.map { tokens in
                let hits = tokens.filter { keys.contains($0) }.count
                return hits == 0 ? 0 : Double(hits) / Double(max(tokens.count, 1)).squareRoot()
            }
        }
        let allocation = FactAllocator.allocate(
            scores: scores, words: sentences.map { Text.wordCount($0.text) },
            targets: outline.sections.map(\.targetWords))
        var bySection: [String: [Fact]] = [:]
        for (s, section) in outline.sections.enumerated() {
            bySection[section.id] = allocation[s].map { f in
                Fact(text: sentences[f].text, source: sentences[f].source, score: scores[s][f])
            }
        }
        return Material(sources: sources, bySection: bySection, pool: [], method: method)
    }
}
