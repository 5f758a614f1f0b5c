// Corpus.swift — the source documents named by `campaign.sources`.
import AgentPluginKit
import ContentKit
import Foundation

/// One source document.
struct SourceDocument {
    var id: Int
    var path: String
    var title: String
    var text: String
    var sentences: [String]
    /// The document cut into passages (sentences kept with the ones they lean on).
    var passages: [Passage]
}

/// The campaign's source documents, read and split into sentences.
struct Corpus {
    var documents: [SourceDocument]

    /// Reads every path of `campaign.sources` (relative to `base_dir`).
    ///
    /// - Throws: when the campaign names no sources, or a source cannot be read (naming the
    ///   path as given and as resolved).
    init(context: AgentContext) throws {
        let paths = JSON.strings(context.campaign["sources"])
        if paths.isEmpty {
            throw agentError(
                "researcher: campaign.sources is empty; expected a list of Markdown or text files to research")
        }
        documents = try paths.enumerated().map { index, path in
            let full = context.resolve(path)
            let raw: String
            do {
                raw = try String(contentsOfFile: full, encoding: .utf8)
            } catch {
                throw agentError("researcher: cannot read campaign.sources[\(index)] \"\(path)\" (resolved to \(full))")
            }
            let text = Text.plainText(fromMarkdown: raw)
            let sentences = Text.sentences(text).filter { (6...60).contains(Text.wordCount($0)) }
            let title = Text.markdownTitle(raw) ?? (path as NSString).lastPathComponent
            return SourceDocument(
                id: index + 1, path: path, title: title, text: text, sentences: sentences,
                passages: Passages.of(markdown: raw, source: index + 1))
        }
        if documents.allSatisfy({ $0.sentences.isEmpty }) {
            throw agentError("researcher: the sources \(paths.joined(separator: ", ")) contain no usable sentences")
        }
    }
}

/// An outline section as the researcher sees it.
struct ResearchSection {
    var id: String
    var role: SectionRole
    var heading: String
    var keywords: [String]
    var targetWords: Int

    /// The planner's outline sections, or one section per key theme when absent.
    static func fromPlanner(_ context: AgentContext) throws -> [ResearchSection] {
        let outline = JSON.object(context.output("outline", preferring: ["planner"]))
        let sections = JSON.objects(outline["sections"])
        if sections.isEmpty {
            throw agentError("researcher: no outline among the inputs (expected inputs.planner.outline.sections)")
        }
        return sections.enumerated().map { index, s in
            let heading = JSON.string(s["heading"]) ?? "Section \(index + 1)"
            let id = JSON.string(s["id"]) ?? "section-\(index + 1)"
            return ResearchSection(
                id: id, role: SectionRole(sectionID: id), heading: heading,
                keywords: JSON.strings(s["keywords"]), targetWords: max(JSON.int(s["target_words"]) ?? 150, 20))
        }
    }
}
