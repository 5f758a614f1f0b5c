// WriterAgent.swift — the `writer` agent and its fallback `writer_lite` (Swift, @_cdecl).
//
// writer (<- planner, researcher soft): composes the article section by section from the
// outline and the researcher's ranked, cited facts. writer_lite (<- planner): the same
// composer fed by a plain keyword match over the campaign's sources (or the brief), for
// when research is unavailable. Both live in libWriterAgent.so under two entry symbols.
import AgentPluginABI
import AgentPluginKit
import ContentKit
import Foundation

private let writerPlugin = AgentPlugin(
    slot: 0, name: "writer", version: "1.0.0",
    description: "Composes the article from the outline and the researcher's cited facts"
) { context in
    let outline = try Outline(context: context)
    var notes: [String] = []
    let material: Material
    if let notesObject = context.output("research_notes", preferring: ["researcher"]) as? [String: Any] {
        material = Material(researchNotes: notesObject)
    } else {
        let reason = context.dependencyError("researcher") ?? "no researcher output among the inputs"
        notes.append("Research unavailable (\(reason)); composed from the sources directly with keyword matching.")
        context.log(AGENT_LOG_WARNING, "writer: research unavailable: \(reason)")
        material = try Material.direct(context: context, outline: outline)
    }
    context.progress(0.4, "material ready")
    var output = try Composer(context: context, outline: outline, material: material, notes: notes).run()
    if context.dependency("researcher") == nil {
        let effect = "composed from the readable sources by keyword match, without the researcher's ranked passages"
            + (material.unreadable.isEmpty ? "" : "; skipped unreadable sources \(material.unreadable.joined(separator: ", "))")
        output["worked_without"] = [context.workedWithout("researcher", effect: effect)]
    }
    return output
}

private let writerLitePlugin = AgentPlugin(
    slot: 1, name: "writer_lite", version: "1.0.0",
    description: "Fallback writer: composes the article from the outline and the raw sources, without research"
) { context in
    let outline = try Outline(context: context)
    let material = try Material.direct(context: context, outline: outline)
    let notes = ["Composed without research: sentences picked by keyword match, not ranked."]
    return try Composer(context: context, outline: outline, material: material, notes: notes).run()
}

/// Entry of `writer`.
@_cdecl("agent_plugin_entry")
public func writerPluginEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<agent_plugin_descriptor>? {
    writerPlugin.entry(hostMajor: major)
}

/// Entry of `writer_lite` (its manifest names this symbol in `entry`).
@_cdecl("writer_lite_plugin_entry")
public func writerLitePluginEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<agent_plugin_descriptor>? {
    writerLitePlugin.entry(hostMajor: major)
}
