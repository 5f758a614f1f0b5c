import AgentCatalog

extension ProtocolServer {
    /// `agents/list {capability?, output?}` -> `{agents, problems}`.
    func listAgents(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let params = context.params
        try params.allowOnly(["capability", "output"])
        let capability = try params.optionalString("capability")
        let output = try params.optionalString("output")
        let result = directory.result
        var agents = result.catalog.agents
        if let capability { agents = result.catalog.providers(ofCapability: capability) }
        if let output {
            let providers = Set(result.catalog.providers(ofOutput: output).map(\.name))
            agents = agents.filter { providers.contains($0.name) }
        }
        return .object([
            "agents": .array(agents.map(\.summaryJSON)),
            "problems": .array(result.problems.map(\.protocolJSON)),
        ])
    }

    /// `agents/describe {agent}` -> `{manifest, file, dependencies, dependents}`.
    func describeAgent(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let params = context.params
        try params.allowOnly(["agent"])
        let name = try params.nonEmptyString("agent")
        let catalog = directory.catalog
        guard let manifest = catalog.agent(named: name) else { throw ProtocolError.unknownAgent(name) }
        let resolved: [JSONValue] = catalog.resolvedDependencies(of: manifest).map { dependency in
            .object([
                "declared": dependency.declared.protocolJSON, "type": .string(dependency.type.rawValue),
                "agent": dependency.agent.map { .string($0) } ?? .null,
            ])
        }
        let dependents: [JSONValue] = catalog.agents.filter { other in
            catalog.resolvedDependencies(of: other).contains { $0.agent == name }
        }.map { .string($0.name) }
        return .object([
            "manifest": manifest.manifestJSON, "file": .string(manifest.source.file),
            "dependencies": .array(resolved), "dependents": .array(dependents),
        ])
    }

    /// `agents/reload {}` -> `{agents, added, removed, changed, problems}`.
    func reloadAgents(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        try context.params.allowOnly([])
        let (result, change) = directory.reload()
        return .object([
            "agents": .integer(Int64(result.catalog.agents.count)),
            "added": .array(change.added.map { .string($0) }),
            "removed": .array(change.removed.map { .string($0) }),
            "changed": .array(change.changed.map { .string($0) }),
            "problems": .array(result.problems.map(\.protocolJSON)),
        ])
    }
}
