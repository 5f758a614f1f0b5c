// Outline.swift — the planner's outline as the writer reads it.
import AgentPluginKit
import ContentKit
import Foundation

/// One outline section.
struct OutlineSection {
    var id: String
    var heading: String
    var purpose: String
    var keywords: [String]
    var targetWords: Int
    /// What the section is for (introduction, body, conclusion), from its id.
    var role: SectionRole { SectionRole(sectionID: id) }
}

/// The planner's outline plus the campaign fields the writer needs.
struct Outline {
    var title: String
    var audience: String
    var sections: [OutlineSection]

    /// Reads `inputs.planner.outline` (or any dependency's `outline`).
    init(context: AgentContext) throws {
        let name = context.agent
        guard let outline = context.output("outline", preferring: ["planner"]) as? [String: Any] else {
            throw agentError(
                "\(name): no planner outline among the inputs (expected inputs.planner.outline with sections)")
        }
        let sections = JSON.objects(outline["sections"])
        if sections.isEmpty {
            throw agentError("\(name): inputs.planner.outline.sections is empty; expected at least one section")
        }
        self.sections = try sections.enumerated().map { index, s in
            guard let heading = JSON.string(s["heading"]) else {
                throw agentError("\(name): outline section \(index) has no heading")
            }
            return OutlineSection(
                id: JSON.string(s["id"]) ?? "section-\(index)", heading: heading,
                purpose: JSON.string(s["purpose"]) ?? heading, keywords: JSON.strings(s["keywords"]).map { $0.lowercased() },
                targetWords: max(JSON.int(s["target_words"]) ?? 150, 20))
        }
        let campaign = context.campaign
        title = JSON.string(outline["title"]) ?? JSON.string(campaign["title"]) ?? "Untitled"
        audience = JSON.string(campaign["audience"]) ?? "general readers"
    }
}
