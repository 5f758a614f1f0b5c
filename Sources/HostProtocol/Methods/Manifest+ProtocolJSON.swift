import AgentCatalog

extension Dependency {
    /// `"name"` for a hard agent dependency, else `{"agent"|"capability": ..., "type": ...}`.
    var protocolJSON: JSONValue {
        switch (target, type) {
        case (.agent(let name), .hard): return .string(name)
        case (.agent(let name), _): return .object(["agent": .string(name), "type": .string(type.rawValue)])
        case (.capability(let capability), _):
            return .object(["capability": .string(capability), "type": .string(type.rawValue)])
        }
    }
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
    var manifestJSON: JSONValue {
        var object: JSONObject = [
            "manifest_version": .integer(Int64(manifestVersion)), "name": .string(name), "version": .string(version),
            "description": .string(description), "library": .string(library), "entry": .string(entry),
            "kind": .string(kind.rawValue), "capabilities": .array(capabilities.map { .string($0) }),
            "dependencies": .array(dependencies.map(\.protocolJSON)), "outputs": .array(outputs.map { .string($0) }),
            "estimate_seconds": .number(estimateSeconds), "parallel_safe": .bool(parallelSafe),
            "max_retries": .integer(Int64(maxRetries)), "timeout_seconds": .number(timeoutSeconds),
            "resources": .object(
                JSONObject(
                    uniqueKeysWithValues: resources.sorted { $0.key < $1.key }.map {
                        ($0.key, JSONValue.integer(Int64($0.value)))
                    })),
            "alternatives": .array(alternatives.map { .string($0) }), "isolation": .string(isolation.rawValue),
            "sha256": sha256.map { .string($0) } ?? .null,
        ]
        if let recovery { object["recovery"] = .string(recovery.rawValue) }
        if !config.isNull { object["config"] = config }
        if let cFunction {
            object["symbol"] = .string(cFunction.symbol)
            if let free = cFunction.free { object["free"] = .string(free) }
            object["signature"] = .object([
                "arguments": .array(
                    cFunction.arguments.map {
                        .object(["name": .string($0.name), "type": .string($0.type.rawValue)])
                    }),
                "returns": .object([
                    "type": .string(cFunction.returns.type.rawValue), "output": .string(cFunction.returns.output),
                ]),
            ])
        }
        return .object(object)
    }
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
