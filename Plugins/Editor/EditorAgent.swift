// EditorAgent.swift — the `editor` agent (Swift): normalizes whitespace and punctuation,
// removes repeated sentences, drops or re-attaches sentences whose reference dangles,
// splits long sentences at clause boundaries, flags the long and passive sentences it
// leaves, and measures Flesch reading ease and grade of the draft and of the edited text.
import AgentPluginABI
import AgentPluginKit
import ContentKit
import Foundation

private let editorPlugin = AgentPlugin(
    slot: 0, name: "editor", version: "1.0.0",
    description: "Copy-edits the draft: punctuation, repeated, dangling and long sentences, passive voice, readability"
) { context in
    guard let content = context.output("blog_content", preferring: ["writer", "writer_lite"]) as? [String: Any],
        let markdown = JSON.string(content["markdown"])
    else {
        throw agentError("editor: no draft among the inputs (expected inputs.writer.blog_content.markdown)")
    }
    let title = JSON.string(content["title"]) ?? JSON.string(context.campaign["title"]) ?? "Untitled"
    var editor = CopyEditor()
    let edited = editor.edit(markdown)
    try context.checkCancelled()
    let before = Readability.score(Text.articleProse(markdown))
    let after = Readability.score(Text.articleProse(edited))
    var counts: [String: Int] = [:]
    for change in editor.changes { counts[change["type"] as? String ?? "other", default: 0] += 1 }
    let artifacts = try context.writeArtifact("edited.md", edited)
    let summary = editor.changes.isEmpty
        ? "No edits: the draft needed none of the changes this editor makes."
        : "\(editor.changes.count) edit\(editor.changes.count == 1 ? "" : "s"): "
            + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.replacingOccurrences(of: "_", with: " "))" }
                .joined(separator: ", ")
            + "; Flesch-Kincaid grade \(Readability.round1(before.grade)) before, \(Readability.round1(after.grade)) after."
    let result: [String: Any] = [
        "title": title, "markdown": edited, "word_count": Text.articleWordCount(edited),
        "changes": editor.changes, "change_counts": counts, "summary": summary,
        "flags": ["long_sentences": editor.longSentences, "passive_voice": editor.passiveVoice],
        "readability": ["before": before.json, "after": after.json],
        "citations": content["citations"] ?? [],
    ]
    return ["edited_content": result, "artifacts": artifacts]
}

/// Entry of `editor`.
@_cdecl("agent_plugin_entry")
public func editorPluginEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<agent_plugin_descriptor>? {
    editorPlugin.entry(hostMajor: major)
}
