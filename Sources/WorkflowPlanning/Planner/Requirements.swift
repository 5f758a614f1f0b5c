import AgentCatalog

/// The agents a request needs and the edges between them, before scheduling.
///
/// Implementation notes: the goal is resolved to agents, then a worklist pulls in hard and
/// soft dependencies transitively; optional dependencies become edges only when their
/// target is in the plan anyway. Capability dependencies resolve to the first provider in
/// discovery order that is not the agent itself and not excluded; an excluded agent is
/// replaced by its first substitute. Members are catalog indices (no manifest copies), the
/// member of a catalog index is an array lookup, and provider lists are computed once per
/// capability, so the whole pass is O(V + E) in the agents reached.
struct Requirements {
    /// Member manifests, in the order they were reached.
    var members: Members
    /// Dependencies per member: (member index, type), in manifest order.
    var edges: [[(member: Int, type: DependencyType)]] = []
    /// Members asked for by the goal (after substitution).
    var goals: [Int] = []
    /// Why a member cannot run (replan only): it needs an excluded agent hard.
    var blocked: [Int: String] = [:]
    /// Goal entries that cannot be met any more (replan only).
    var dropped: [DroppedAgent] = []
    /// Extra alternatives found while resolving the goal (other providers).
    var goalAlternatives: [String: [String]] = [:]
    /// Remarks for the recommendations (e.g. a soft dependency nobody provides).
    var notes: [String] = []

    init(catalog: Catalog) { members = Members(agents: catalog.agents) }

    /// The member for `name`, if it is one.
    func member(named name: String, in catalog: Catalog) -> Int? {
        guard let index = catalog.index(of: name) else { return nil }
        let member = members.memberOf[index]
        return member < 0 ? nil : Int(member)
    }
}

/// The planned manifests as a view over the catalog's array.
struct Members: RandomAccessCollection {
    let agents: [Manifest]
    /// Catalog index per member.
    private(set) var catalogIndex: [Int] = []
    /// Member per catalog index, -1 when not a member.
    private(set) var memberOf: [Int32]

    init(agents: [Manifest]) {
        self.agents = agents
        memberOf = [Int32](repeating: -1, count: agents.count)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { catalogIndex.count }
    subscript(member: Int) -> Manifest { agents[catalogIndex[member]] }

    /// The member for catalog index `index`, added when new.
    mutating func add(catalogIndex index: Int) -> Int {
        let existing = memberOf[index]
        if existing >= 0 { return Int(existing) }
        memberOf[index] = Int32(catalogIndex.count)
        catalogIndex.append(index)
        return catalogIndex.count - 1
    }
}

/// Resolves names, capabilities and substitutes against a catalog, with caches.
struct CatalogResolver {
    let catalog: Catalog
    let excluded: Set<String>
    private var capabilityProviders: [String: [String]] = [:]

    /// Substitutes are capped per agent so that a capability shared by many agents stays linear.
    static let maxSubstitutes = 8

    init(catalog: Catalog, excluded: Set<String>) {
        self.catalog = catalog
        self.excluded = excluded
    }

    /// Providers of `capability` in discovery order (cached).
    mutating func providers(ofCapability capability: String) -> [String] {
        if let cached = capabilityProviders[capability] { return cached }
        let names = catalog.providerIndices(ofCapability: capability).map { catalog.agents[$0].name }
        capabilityProviders[capability] = names
        return names
    }

    /// The manifest's `alternatives` that exist, then other providers of its capabilities.
    mutating func substitutes(for manifest: Manifest) -> [String] {
        // The list stays short (capped, and each capability contributes at most cap + 1), so
        // "seen" is a linear scan of it: no set to allocate and hash per agent.
        var result: [String] = []
        func isNew(_ name: String) -> Bool { name != manifest.name && !result.contains(name) }
        for name in manifest.alternatives where catalog.index(of: name) != nil && isNew(name) {
            result.append(name)
        }
        for capability in manifest.capabilities {
            for name in providers(ofCapability: capability).prefix(Self.maxSubstitutes + 1) where isNew(name) {
                result.append(name)
            }
        }
        return result.count > Self.maxSubstitutes ? Array(result.prefix(Self.maxSubstitutes)) : result
    }

    /// `name` itself when usable, else its first substitute that is not excluded.
    mutating func usable(_ name: String, besides dependent: String? = nil) -> String? {
        if !excluded.contains(name) { return name }
        guard let index = catalog.index(of: name) else { return nil }
        let manifest = catalog.agents[index]
        return substitutes(for: manifest).first { !excluded.contains($0) && $0 != dependent }
    }

    /// The first usable provider of `capability` other than `dependent`.
    mutating func provider(ofCapability capability: String, besides dependent: String?) -> String? {
        providers(ofCapability: capability).first { $0 != dependent && !excluded.contains($0) }
    }
}

extension Planner {
    /// Resolves the request's goal (or template) and pulls in dependencies.
    func requirements(
        for request: WorkflowRequest, completed: Set<String>, excluded: Set<String>
    ) throws(PlanningError) -> Requirements {
        var resolver = CatalogResolver(catalog: catalog, excluded: excluded)
        var result = Requirements(catalog: catalog)

        // 1. The goal, as agent names.
        var goalNames: [String] = []
        switch request.goal {
        case .agents(let names):
            for (position, name) in names.enumerated() {
                guard catalog.index(of: name) != nil else {
                    throw .unknownAgent(name, field: "request.goal.agents[\(position)]")
                }
                if let chosen = resolver.usable(name) {
                    goalNames.append(chosen)
                } else {
                    result.dropped.append(DroppedAgent(agent: name, reason: "it is excluded and has no substitute"))
                }
            }
        case .capabilities(let capabilities):
            try resolveProviders(capabilities, kind: "capability", excluded: excluded, into: &goalNames, &result) {
                resolver.providers(ofCapability: $0)
            }
        case .outputs(let outputs):
            try resolveProviders(outputs, kind: "output", excluded: excluded, into: &goalNames, &result) { output in
                catalog.providers(ofOutput: output).map(\.name)
            }
        case nil:
            let capabilities = try templateCapabilities(for: request.campaign)
            try resolveProviders(capabilities, kind: "capability", excluded: excluded, into: &goalNames, &result) {
                resolver.providers(ofCapability: $0)
            }
        }
        for name in goalNames {
            let index = catalog.index(of: name)!
            if result.members.memberOf[index] < 0 {
                result.goals.append(result.members.add(catalogIndex: index))
                result.edges.append([])
            }
        }

        // 2. Hard and soft dependencies, transitively; optional ones remembered for later.
        var optional: [(dependent: Int, target: Int)] = []
        var lastDependent = [Int32](repeating: -1, count: catalog.agents.count)
        var cursor = 0
        let agents = catalog.agents
        while cursor < result.members.count {
            let member = cursor
            cursor += 1
            let catalogIndex = result.members.catalogIndex[member]
            let name = agents[catalogIndex].name
            if !completed.isEmpty, completed.contains(name) { continue }
            for dependency in agents[catalogIndex].dependencies {
                var target: Int?
                var reason = "which no agent in the catalog provides"
                switch dependency.target {
                case .agent(let dependencyName):
                    if let index = catalog.index(of: dependencyName) {
                        if excluded.isEmpty {
                            target = index
                        } else {
                            target = resolver.usable(dependencyName, besides: name).flatMap(catalog.index(of:))
                            reason = "which is excluded and has no substitute"
                        }
                    }
                case .capability(let capability):
                    target = resolver.provider(ofCapability: capability, besides: name).flatMap(catalog.index(of:))
                    if target == nil, resolver.providers(ofCapability: capability).contains(where: { $0 != name }) {
                        reason = "whose providers are all excluded"
                    }
                }
                guard let target else {
                    switch dependency.type {
                    case .hard:
                        if excluded.isEmpty || reason.hasPrefix("which no agent") {
                            throw .missingDependency(agent: name, dependency: dependency.target.description)
                        }
                        result.blocked[member] = "needs \(dependency.target) (hard), \(reason)"
                    case .soft:
                        result.notes.append(
                            "\(name)'s soft dependency on \(dependency.target) is not planned (\(reason)); it runs without it")
                    case .optional:
                        break
                    }
                    continue
                }
                if dependency.type == .optional {
                    optional.append((member, target))
                } else if lastDependent[target] == Int32(member) {
                    // Named twice (e.g. by name and by capability): keep one edge, the stronger type.
                    let dependencyMember = Int(result.members.memberOf[target])
                    let position = result.edges[member].firstIndex { $0.member == dependencyMember }!
                    result.edges[member][position].type = max(result.edges[member][position].type, dependency.type)
                } else {
                    lastDependent[target] = Int32(member)
                    let dependencyMember = result.members.add(catalogIndex: target)
                    if dependencyMember == result.edges.count { result.edges.append([]) }
                    result.edges[member].append((dependencyMember, dependency.type))
                }
            }
        }
        // Optional edges are grouped by dependent; skip targets already depended on.
        var start = 0
        while start < optional.count {
            let dependent = optional[start].dependent
            var end = start
            while end < optional.count, optional[end].dependent == dependent { end += 1 }
            var present = Set(result.edges[dependent].map(\.member))
            for entry in optional[start..<end] {
                let member = Int(result.members.memberOf[entry.target])
                if member >= 0, present.insert(member).inserted { result.edges[dependent].append((member, .optional)) }
            }
            start = end
        }
        return result
    }

    /// Picks the first provider per entry, records the others as alternatives, and reports
    /// every entry nobody provides.
    private func resolveProviders(
        _ entries: [String], kind: String, excluded: Set<String>, into goalNames: inout [String],
        _ result: inout Requirements, providers: (String) -> [String]
    ) throws(PlanningError) {
        var missing: [String] = []
        for entry in entries {
            let all = providers(entry)
            guard !all.isEmpty else {
                missing.append(entry)
                continue
            }
            guard let chosen = all.first(where: { !excluded.contains($0) }) else {
                result.dropped.append(
                    DroppedAgent(agent: all[0], reason: "every provider of the \(kind) \(entry) is excluded"))
                continue
            }
            goalNames.append(chosen)
            let others = all.filter { $0 != chosen && !excluded.contains($0) }.prefix(CatalogResolver.maxSubstitutes)
            if !others.isEmpty { result.goalAlternatives[chosen, default: []].append(contentsOf: others) }
        }
        if !missing.isEmpty { throw .unsatisfiableGoal(kind: missing.count == 1 ? kind : kind == "capability" ? "capabilities" : "outputs", missing: missing) }
    }

    /// The capabilities the template for `campaign.campaign_type` asks for.
    private func templateCapabilities(for campaign: JSONValue) throws(PlanningError) -> [String] {
        guard let type = campaign["campaign_type"]?.stringValue else { throw .noTemplate(campaignType: nil) }
        guard let template = catalog.template(for: type) else { throw .noTemplate(campaignType: type) }
        var capabilities = template.requiredCapabilities
        for contentType in campaign["content_types"]?.arrayValue ?? [] {
            if let name = contentType.stringValue { capabilities += template.contentTypes[name] ?? [] }
        }
        if campaign["include_images"]?.boolValue == true { capabilities += template.includeImages }
        var seen: Set<String> = []
        return capabilities.filter { seen.insert($0).inserted }
    }
}
