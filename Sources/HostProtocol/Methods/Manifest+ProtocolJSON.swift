import AgentCatalog

extension Dependency {
    /// `"name"` for a hard agent dependency, else `{"agent"|"capability": ..., "type": ...}`.
    var protocolJSON: JSONValue { jsonValue }
}

extension Manifest {
    /// The summary `agents/list` returns.
    var summaryJSON: JSONValue {
        .object([
            "name": .string(name), "version": .string(version), "description": .string(description),
            "kind": .string(kind.rawValue), "capabilities": .array(capabilities.map { .string($0) }),
            "dependencies": .array(dependencies.map(\.protocolJSON)), "outputs": .array(outputs.map { .string($0) }),
            "estimate_seconds": .number(estimateSeconds), "parallel_safe": .bool(parallelSafe),
            "isolation": .string(isolation.rawValue),
        ])
    }

    /// The whole manifest as `agents/describe` returns it, in the manifest file's vocabulary.
    var manifestJSON: JSONValue { jsonValue }
}

extension ManifestProblem {
    /// `{file, field?, line?, column?, message}`.
    var protocolJSON: JSONValue {
        var object: JSONObject = ["file": .string(file)]
        if let field { object["field"] = .string(field) }
        if let line { object["line"] = .integer(Int64(line)) }
        if let column { object["column"] = .integer(Int64(column)) }
        object["message"] = .string(message)
        return .object(object)
    }
}
