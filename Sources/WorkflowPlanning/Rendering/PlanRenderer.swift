import AgentCatalog

/// Renders plans for people (a table) and for pictures (Graphviz DOT, Mermaid).
///
/// The renderers are pure: they return text and never print. In DOT and Mermaid the critical
/// path is drawn in red and bold, groups are clusters, soft dependencies are dashed and
/// optional ones dotted.
public enum PlanRenderer {
    /// A fixed-width table: order, agent, group, start, slack, estimate, critical mark, the
    /// estimate's source (manifest, or learned from n runs), then totals and recommendations.
    public static func table(_ plan: ExecutionPlan) -> String {
        let header = ["#", "agent", "group", "start", "slack", "estimate", "critical", "source"]
        var rows: [[String]] = []
        for (position, agent) in plan.agents.enumerated() {
            let estimate = agent.isCompleted ? "done" : seconds(agent.estimate.seconds)
            let source: String
            switch agent.estimate.source {
            case .manifest: source = "manifest"
            case .learned(let samples):
                source = "learned, \(samples) run\(samples == 1 ? "" : "s")"
                    + (agent.estimate.learnedFromVersion.map { " of version \($0)" } ?? "")
            }
            rows.append([
                "\(position + 1)", agent.name, "\(agent.group)", seconds(agent.start), seconds(agent.slack), estimate,
                agent.isCritical ? "*" : "", agent.isCompleted ? "" : source,
            ])
        }
        var widths = header.map(\.count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 1 || column == 7 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var output = line(header) + "\n"
        output += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { output += line(row) + "\n" }
        output += "\n"
        output += "strategy: \(plan.strategy.rawValue), max_concurrency \(plan.maxConcurrency)"
        if !plan.resources.isEmpty {
            output += ", resources " + plan.resources.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        output += "\n"
        output += "estimated duration: \(seconds(plan.estimatedSeconds))\n"
        output += "critical path: \(plan.criticalPath.joined(separator: " -> ")) = \(seconds(plan.criticalPathSeconds))\n"
        output += "total work: \(seconds(plan.totalWorkSeconds)) in \(plan.agents.count) agents, \(plan.groups.count) groups\n"
        if !plan.bottlenecks.isEmpty {
            output += "bottlenecks: " + plan.bottlenecks.map {
                "\($0.agent) \(seconds($0.seconds)) (\(Int(($0.share * 100).rounded())) %)"
            }.joined(separator: ", ") + "\n"
        }
        if !plan.recommendations.isEmpty {
            output += "recommendations:\n"
            for advice in plan.recommendations { output += "  - \(advice)\n" }
        }
        return output
    }

    /// A Graphviz digraph: one cluster per group, critical agents and edges in red.
    public static func dot(_ plan: ExecutionPlan) -> String {
        let critical = criticalEdges(plan)
        var output = "digraph plan {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
        output += "  label=\(quoted("\(plan.strategy.rawValue): \(seconds(plan.estimatedSeconds)), critical path \(seconds(plan.criticalPathSeconds))"));\n"
        var byGroup: [Int: [PlannedAgent]] = [:]
        for agent in plan.agents { byGroup[agent.group, default: []].append(agent) }
        for group in byGroup.keys.sorted() {
            output += "  subgraph cluster_\(group) {\n    label=\(quoted("group \(group)"));\n    style=dashed;\n"
            for agent in byGroup[group]! {
                var attributes = "label=\(quoted("\(agent.name)\n\(seconds(agent.estimate.seconds))"))"
                if agent.isCritical { attributes += ", color=red, penwidth=2" }
                if agent.isCompleted { attributes += ", style=\"rounded,filled\", fillcolor=lightgrey" }
                output += "    \(quoted(agent.name)) [\(attributes)];\n"
            }
            output += "  }\n"
        }
        for agent in plan.agents {
            for dependency in agent.dependencies {
                var attributes: [String] = []
                if dependency.type == .soft { attributes.append("style=dashed") }
                if dependency.type == .optional { attributes.append("style=dotted") }
                if critical.contains(Edge(from: dependency.agent, to: agent.name)) {
                    attributes += ["color=red", "penwidth=2"]
                }
                let suffix = attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]"
                output += "  \(quoted(dependency.agent)) -> \(quoted(agent.name))\(suffix);\n"
            }
        }
        return output + "}\n"
    }

    /// A Mermaid flowchart: one subgraph per group, critical agents and edges highlighted.
    public static func mermaid(_ plan: ExecutionPlan) -> String {
        let critical = criticalEdges(plan)
        var id: [String: String] = [:]
        for (index, agent) in plan.agents.enumerated() { id[agent.name] = "n\(index)" }
        var output = "flowchart LR\n"
        var byGroup: [Int: [PlannedAgent]] = [:]
        for agent in plan.agents { byGroup[agent.group, default: []].append(agent) }
        for group in byGroup.keys.sorted() {
            output += "  subgraph g\(group) [\"group \(group)\"]\n"
            for agent in byGroup[group]! {
                output += "    \(id[agent.name]!)[\"\(mermaidText(agent.name))<br/>\(seconds(agent.estimate.seconds))\"]\n"
            }
            output += "  end\n"
        }
        var link = 0
        var criticalLinks: [Int] = []
        for agent in plan.agents {
            for dependency in agent.dependencies {
                guard let from = id[dependency.agent], let to = id[agent.name] else { continue }
                let arrow = dependency.type == .hard ? "-->" : "-.->"
                output += "  \(from) \(arrow) \(to)\n"
                if critical.contains(Edge(from: dependency.agent, to: agent.name)) { criticalLinks.append(link) }
                link += 1
            }
        }
        let criticalNodes = plan.agents.filter(\.isCritical).compactMap { id[$0.name] }
        output += "  classDef critical stroke:#d00,stroke-width:3px\n"
        if !criticalNodes.isEmpty { output += "  class \(criticalNodes.joined(separator: ",")) critical\n" }
        if !criticalLinks.isEmpty {
            output += "  linkStyle \(criticalLinks.map(String.init).joined(separator: ",")) stroke:#d00,stroke-width:3px\n"
        }
        return output
    }

    // MARK: - Helpers

    private struct Edge: Hashable {
        var from: String
        var to: String
    }

    private static func criticalEdges(_ plan: ExecutionPlan) -> Set<Edge> {
        Set(zip(plan.criticalPath, plan.criticalPath.dropFirst()).map { Edge(from: $0, to: $1) })
    }

    /// A duration in tables and pictures (DurationText: `630 s`, `12.5 s`, `40 ms`).
    static func seconds(_ value: Double) -> String { DurationText.describe(value) }

    private static func quoted(_ text: String) -> String {
        var output = "\""
        for character in text {
            switch character {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            default: output.append(character)
            }
        }
        return output + "\""
    }

    private static func mermaidText(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "\"": output += "#quot;"
            case "<": output += "#lt;"
            case ">": output += "#gt;"
            default: output.append(character)
            }
        }
        return output
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
