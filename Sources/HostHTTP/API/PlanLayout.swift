import AgentCatalog

/// The run view's graph, laid out on the server from the plan's groups (topological levels):
/// one column per group, agents in the group's order, edges as index pairs. The page draws it
/// as it is (no layout in the browser), so a 10,000-agent plan costs the page only drawing.
struct PlanLayout {
    let plan: JSONValue

    /// `{agents: [{name, column, row, group, critical, estimate_seconds, earliest_start, slack,
    /// dependencies}], edges: [[from, to, type]], columns: [size], critical_path, estimated_seconds}`.
    var json: JSONValue {
        let agents = plan["agents"]?.arrayValue ?? []
        var index: [String: Int] = [:]
        for (position, agent) in agents.enumerated() { index[agent["name"]?.stringValue ?? ""] = position }
        var rows: [Int: Int] = [:]
        var placed: [(column: Int, row: Int)] = Array(repeating: (0, 0), count: agents.count)
        let groups = plan["groups"]?.arrayValue ?? []
        for (column, group) in groups.enumerated() {
            for name in group.arrayValue ?? [] {
                guard let position = index[name.stringValue ?? ""] else { continue }
                placed[position] = (column, rows[column, default: 0])
                rows[column, default: 0] += 1
            }
        }
        var edges: [JSONValue] = []
        var laidOut: [JSONValue] = []
        laidOut.reserveCapacity(agents.count)
        for (position, agent) in agents.enumerated() {
            var dependencies: [JSONValue] = []
            for dependency in agent["dependencies"]?.arrayValue ?? [] {
                let name = dependency["agent"]?.stringValue ?? ""
                dependencies.append(.string(name))
                guard let from = index[name] else { continue }
                edges.append(
                    [.integer(Int64(from)), .integer(Int64(position)), dependency["type"] ?? .string("hard")])
            }
            laidOut.append(
                .object([
                    "name": agent["name"] ?? .null, "column": .integer(Int64(placed[position].column)),
                    "row": .integer(Int64(placed[position].row)), "group": agent["group"] ?? .integer(0),
                    "critical": agent["critical"] ?? .bool(false),
                    "estimate_seconds": agent["estimate"]?["seconds"] ?? .number(0),
                    "earliest_start": agent["earliest_start"] ?? .number(0), "slack": agent["slack"] ?? .number(0),
                    "dependencies": .array(dependencies),
                ]))
        }
        return .object([
            "agents": .array(laidOut), "edges": .array(edges),
            "columns": .array((0..<groups.count).map { .integer(Int64(rows[$0, default: 0])) }),
            "critical_path": plan["critical_path"] ?? .array([]),
            "estimated_seconds": plan["estimated_seconds"] ?? .number(0),
            "strategy": plan["strategy"] ?? .null, "title": plan["request"]?["campaign"]?["title"] ?? .null,
        ])
    }
}
