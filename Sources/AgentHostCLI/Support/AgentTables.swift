import AgentCatalog
import Foundation

/// How agents are shown to people and to programs.
enum AgentTables {
    /// `agents list`: name, version, kind, capabilities, dependencies, estimate.
    static func list(_ catalog: Catalog) -> String {
        var table = TextTable("NAME", "VERSION", "KIND", "CAPABILITIES", "DEPENDENCIES", "ESTIMATE")
        for manifest in catalog.agents {
            table.append([
                manifest.name, manifest.version, manifest.kind.rawValue,
                manifest.capabilities.joined(separator: ","),
                manifest.dependencies.map(\.shortDescription).joined(separator: ","),
                DurationText.describe(manifest.estimateSeconds),
            ])
        }
        return table.render() + "\(catalog.agents.count) agent(s), \(catalog.templates.count) template(s)\n"
    }

    /// `agents show`: one "key: value" line per field, nested values as compact JSON.
    static func details(_ fields: JSONObject) -> String {
        let width = fields.keys.map(\.count).max() ?? 0
        return fields.map { key, value in
            let text = value.stringValue ?? value.compactText
            return key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text + "\n"
        }.joined()
    }

}

extension Dependency {
    /// "planner", "researcher (soft)", "capability market_research (optional)".
    var shortDescription: String {
        type == .hard ? target.description : "\(target.description) (\(type.rawValue))"
    }
}

extension Manifest {
    /// Every field as JSON, in manifest order (for `--json` and `agents show`).
    var summaryJSON: JSONValue {
        var object: JSONObject = [
            "name": .string(name), "version": .string(version), "description": .string(description),
            "kind": .string(kind.rawValue), "library": .string(library),
        ]
        if kind == .agentV1 { object["entry"] = .string(entry) }
        if let command {
            object["library"] = nil
            object["command"] = .string(command.command)
            object["args"] = .array(command.arguments.map(JSONValue.string))
            object["persistent"] = .bool(command.persistent)
        }
        object["capabilities"] = .array(capabilities.map(JSONValue.string))
        object["dependencies"] = .array(
            dependencies.map { dependency in
                var entry: JSONObject = [:]
                switch dependency.target {
                case .agent(let name): entry["agent"] = .string(name)
                case .capability(let capability): entry["capability"] = .string(capability)
                }
                entry["type"] = .string(dependency.type.rawValue)
                return .object(entry)
            })
        object["outputs"] = .array(outputs.map(JSONValue.string))
        object["estimate_seconds"] = .number(estimateSeconds)
        object["parallel_safe"] = .bool(parallelSafe)
        object["max_retries"] = .integer(Int64(maxRetries))
        object["timeout_seconds"] = .number(timeoutSeconds)
        object["resources"] = .object(JSONObject(uniqueKeysWithValues: resources.sorted { $0.key < $1.key }
            .map { ($0.key, JSONValue.integer(Int64($0.value))) }))
        object["alternatives"] = .array(alternatives.map(JSONValue.string))
        object["isolation"] = .string(isolation.rawValue)
        object["sha256"] = sha256.map(JSONValue.string) ?? .null
        if let recovery { object["recovery"] = .string(recovery.rawValue) }
        if let cFunction {
            object["symbol"] = .string(cFunction.symbol)
            object["signature"] = .object([
                "arguments": .array(cFunction.arguments.map { .object(["name": .string($0.name), "type": .string($0.type.rawValue)]) }),
                "returns": .object(["type": .string(cFunction.returns.type.rawValue), "output": .string(cFunction.returns.output)]),
            ])
            if let free = cFunction.free { object["free"] = .string(free) }
        }
        return .object(object)
    }
}
