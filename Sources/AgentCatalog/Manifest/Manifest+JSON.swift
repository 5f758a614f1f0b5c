extension Dependency {
    /// The manifest file's spelling: `"name"` for a hard agent dependency, else
    /// `{"agent"|"capability": ..., "type": ...}`.
    public var jsonValue: JSONValue {
        switch (target, type) {
        case (.agent(let name), .hard): return .string(name)
        case (.agent(let name), _): return .object(["agent": .string(name), "type": .string(type.rawValue)])
        case (.capability(let capability), _):
            return .object(["capability": .string(capability), "type": .string(type.rawValue)])
        }
    }
}

extension Manifest {
    /// The whole manifest in the manifest file's vocabulary (docs/MANIFEST.md):
    /// `ManifestParser.parseManifest` reads it back to an equal manifest.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "manifest_version": .integer(Int64(manifestVersion)), "name": .string(name), "version": .string(version),
            "description": .string(description), "library": .string(library),
            "kind": .string(kind.rawValue), "capabilities": .array(capabilities.map { .string($0) }),
            "dependencies": .array(dependencies.map(\.jsonValue)), "outputs": .array(outputs.map { .string($0) }),
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
        if kind == .agentV1 { object["entry"] = .string(entry) }  // the parser refuses `entry` on other kinds
        if let recovery { object["recovery"] = .string(recovery.rawValue) }
        if !config.isNull { object["config"] = config }
        if let inputSchema { object["input_schema"] = inputSchema.json }
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
