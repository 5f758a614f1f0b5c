import AgentCatalog

/// The agents a request needs and the edges between them, before scheduling.
///
/// Implementation notes: the goal is resolved to agents, then a worklist pulls in hard and
/// soft dependencies transitively; optional dependencies become edges only when their
/// target is in the plan anyway. Capability dependencies resolve to the first provider in
/// discovery order that is not the agent itself and not excluded; an excluded agent is
/// replaced by its first substitute. Everything works on catalog positions: agent
/// dependencies were looked up by name once, when the catalog was indexed; `completed` and
/// `excluded` become flags per position; members are positions (no manifest copies) and
/// the member of a position is an array lookup. The whole pass is O(V + E) in the agents
/// reached, with no hashing of names per dependency.
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
    /// Extra alternatives found while resolving the goal (other providers), by catalog position.
    var goalAlternatives: [Int: [Int]] = [:]
    /// Remarks for the recommendations (e.g. a soft dependency nobody provides).
    var notes: [String] = []
    /// Per catalog position, whether `replan` was told it completed; empty when nothing was.
    var completed: [Bool] = []

    init(catalog: Catalog) { members = Members(agents: catalog.agents) }

    /// Whether the agent at catalog position `index` already completed.
    func isCompleted(catalogIndex index: Int) -> Bool { !completed.isEmpty && completed[index] }
}

/// The planned manifests as a view over the catalog's array.
struct Members {
    let agents: [Manifest]
    /// Catalog index per member.
    private(set) var catalogIndex: [Int] = []
    /// Member per catalog index, -1 when not a member.
    private(set) var memberOf: [Int32]

    init(agents: [Manifest]) {
        self.agents = agents
        memberOf = [Int32](repeating: -1, count: agents.count)
    }

    var count: Int { catalogIndex.count }
    var indices: Range<Int> { 0..<catalogIndex.count }
    /// The name of member `member` (no manifest copy).
    func name(_ member: Int) -> String { agents[catalogIndex[member]].name }

    /// The member for catalog index `index`, added when new.
    mutating func add(catalogIndex index: Int) -> Int {
        let existing = memberOf[index]
        if existing >= 0 { return Int(existing) }
        memberOf[index] = Int32(catalogIndex.count)
        catalogIndex.append(index)
        return catalogIndex.count - 1
    }
}

/// Per catalog position flags for a set of names (empty when the set is).
func flags(for names: Set<String>, in catalog: Catalog) -> [Bool] {
    guard !names.isEmpty else { return [] }
    var result = [Bool](repeating: false, count: catalog.agents.count)
    for name in names { if let index = catalog.index(of: name) { result[index] = true } }
    return result
}

/// Resolves capabilities and substitutes against a catalog, by catalog position.
struct CatalogResolver {
    let catalog: Catalog
    /// Per catalog position, whether it may not be used; empty when nothing is excluded.
    let excluded: [Bool]

    /// Substitutes are capped per agent so that a capability shared by many agents stays linear.
    static let maxSubstitutes = 8

    init(catalog: Catalog, excluded: [Bool]) {
        self.catalog = catalog
        self.excluded = excluded
    }

    /// Whether the agent at `index` may not be used.
    func isExcluded(_ index: Int) -> Bool { !excluded.isEmpty && excluded[index] }

    /// The manifest's `alternatives` that exist, then other providers of its capabilities.
    func substitutes(for index: Int) -> [Int] {
        // The list stays short (capped, and each capability contributes at most cap + 1), so
        // "seen" is a linear scan of it: no set to allocate and hash per agent.
        var result: [Int] = []
        let agents = catalog.agents
        if !agents[index].alternatives.isEmpty {
            for name in agents[index].alternatives {
                if let other = catalog.index(of: name), other != index, !result.contains(other) { result.append(other) }
            }
        }
        for capability in agents[index].capabilities {
            for other in catalog.providerIndices(ofCapability: capability).prefix(Self.maxSubstitutes + 1)
            where other != index && !result.contains(other) {
                result.append(other)
            }
        }
        return result.count > Self.maxSubstitutes ? Array(result.prefix(Self.maxSubstitutes)) : result
    }

    /// `index` itself when usable, else its first substitute that is not excluded.
    func usable(_ index: Int, besides dependent: Int = -1) -> Int? {
        if !isExcluded(index) { return index }
        return substitutes(for: index).first { !isExcluded($0) && $0 != dependent }
    }

    /// The first usable provider of `capability` other than `dependent`.
    func provider(ofCapability capability: String, besides dependent: Int) -> Int? {
        catalog.providerIndices(ofCapability: capability).first { $0 != dependent && !isExcluded($0) }
    }
}

extension Planner {
    /// Goal names per task when they are looked up on every core.
    static let namesPerTask = 16_384

    /// Resolves the request's goal (or template) and pulls in dependencies.
    func requirements(
        for request: WorkflowRequest, completed: Set<String>, excluded: Set<String>
    ) throws(PlanningError) -> Requirements {
        let resolver = CatalogResolver(catalog: catalog, excluded: flags(for: excluded, in: catalog))
        var result = Requirements(catalog: catalog)
        result.completed = flags(for: completed, in: catalog)
        let agents = catalog.agents

        // 1. The goal, as catalog positions.
        var goalIndices: [Int] = []
        switch request.goal {
        case .agents(let names):
            goalIndices.reserveCapacity(names.count)
            // The names are looked up on every core (a long goal is a long list of lookups).
            let found = Parallel.map(names.count, chunk: Self.namesPerTask) { catalog.index(of: names[$0]) ?? -1 }
            for (position, name) in names.enumerated() {
                let index = found[position]
                guard index >= 0 else {
                    throw .unknownAgent(name, field: "request.goal.agents[\(position)]", known: catalog.agents.map(\.name))
                }
                if let chosen = resolver.usable(index) {
                    goalIndices.append(chosen)
                } else {
                    result.dropped.append(DroppedAgent(agent: name, reason: "it is excluded and has no substitute"))
                }
            }
        case .capabilities(let capabilities):
            try resolveProviders(capabilities, kind: "capability", resolver: resolver, into: &goalIndices, &result) {
                catalog.providerIndices(ofCapability: $0)
            }
        case .outputs(let outputs):
            try resolveProviders(outputs, kind: "output", resolver: resolver, into: &goalIndices, &result) { output in
                catalog.providerIndices(ofOutput: output)
            }
        case nil:
            let capabilities = try templateCapabilities(for: request.campaign)
            try resolveProviders(capabilities, kind: "capability", resolver: resolver, into: &goalIndices, &result) {
                catalog.providerIndices(ofCapability: $0)
            }
        }
        result.goals.reserveCapacity(goalIndices.count)
        result.edges.reserveCapacity(goalIndices.count)
        for index in goalIndices where result.members.memberOf[index] < 0 {
            result.goals.append(result.members.add(catalogIndex: index))
            result.edges.append([])
        }

        // 2. Hard and soft dependencies, transitively; optional ones remembered for later.
        var optional: [(dependent: Int, target: Int)] = []
        var lastDependent = [Int32](repeating: -1, count: agents.count)
        var cursor = 0
        while cursor < result.members.count {
            let member = cursor
            cursor += 1
            let catalogIndex = result.members.catalogIndex[member]
            if result.isCompleted(catalogIndex: catalogIndex) { continue }
            result.edges[member].reserveCapacity(agents[catalogIndex].dependencies.count)
            for (position, dependency) in agents[catalogIndex].dependencies.enumerated() {
                var target: Int?
                var reason = "which no agent in the catalog provides"
                switch dependency.target {
                case .agent:
                    if let index = catalog.agentIndex(ofDependency: position, ofAgentAt: catalogIndex) {
                        if resolver.excluded.isEmpty {
                            target = index
                        } else {
                            target = resolver.usable(index, besides: catalogIndex)
                            reason = "which is excluded and has no substitute"
                        }
                    }
                case .capability(let capability):
                    target = resolver.provider(ofCapability: capability, besides: catalogIndex)
                    if target == nil,
                        catalog.providerIndices(ofCapability: capability).contains(where: { $0 != catalogIndex })
                    {
                        reason = "whose providers are all excluded"
                    }
                }
                guard let target else {
                    let name = agents[catalogIndex].name
                    switch dependency.type {
                    case .hard:
                        if resolver.excluded.isEmpty || reason.hasPrefix("which no agent") {
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
        _ entries: [String], kind: String, resolver: CatalogResolver, into goalIndices: inout [Int],
        _ result: inout Requirements, providers: (String) -> [Int]
    ) throws(PlanningError) {
        var missing: [String] = []
        for entry in entries {
            let all = providers(entry)
            guard !all.isEmpty else {
                missing.append(entry)
                continue
            }
            guard let chosen = all.first(where: { !resolver.isExcluded($0) }) else {
                let reason = "every provider of the \(kind) \(entry) is excluded"
                result.dropped.append(DroppedAgent(agent: catalog.agents[all[0]].name, reason: reason))
                continue
            }
            goalIndices.append(chosen)
            let others = all.filter { $0 != chosen && !resolver.isExcluded($0) }.prefix(CatalogResolver.maxSubstitutes)
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
