// ResearcherAgent.swift — the `researcher` agent (Swift): reads the campaign's source
// documents, extracts TF-IDF keywords and key phrases, ranks sentences with TextRank and
// shares the best of them out among the planner's outline sections, each with its citation.
import AgentPluginABI
import AgentPluginKit
import ContentKit
import Foundation

private let researcherPlugin = AgentPlugin(
    slot: 0, name: "researcher", version: "1.0.0",
    description: "Extracts keywords, key phrases and ranked, cited facts per outline section from the source documents"
) { context in
    let corpus = try Corpus(context: context)
    context.progress(0.3, "\(corpus.documents.count) sources read")
    let sections = try ResearchSection.fromPlanner(context)
    let notes = try Research(corpus: corpus, sections: sections, context: context).run()
    return notes
}

/// Entry of `researcher`.
@_cdecl("agent_plugin_entry")
public func researcherPluginEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<agent_plugin_descriptor>? {
    researcherPlugin.entry(hostMajor: major)
}
