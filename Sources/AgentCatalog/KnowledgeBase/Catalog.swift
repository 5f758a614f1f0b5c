/// The knowledge base: every valid agent and template, indexed for planning.
///
/// Lookups are by name, by capability and by output. Agents keep discovery order, which
/// is the deterministic tie-break everywhere a choice between agents is made.
public struct Catalog: Sendable {
    /// Every agent, in discovery order.
    public let agents: [Manifest]
    /// Every workflow template, in discovery order.
    public let templates: [WorkflowTemplate]

    private let indexByName: [String: Int]
    private let byCapability: [String: [Int]]
    private let byOutput: [String: [Int]]
    /// Per agent, offsets into `dependencyAgents` (`agents.count + 1` entries).
    private let dependencyOffsets: [Int32]
    /// Per declared dependency, the position of the agent it names; -1 for a capability
    /// dependency or an unknown agent.
    private let dependencyAgents: [Int32]
    /// Per agent, whether it lists `alternatives` or shares a capability with another agent.
    private let substitutable: [Bool]

    /// Builds the indexes. Later duplicates of a name are ignored (discovery reports them).
    public init(agents: [Manifest], templates: [WorkflowTemplate] = []) {
        var indexByName: [String: Int] = [:]
        var byCapability: [String: [Int]] = [:]
        var byOutput: [String: [Int]] = [:]
        indexByName.reserveCapacity(agents.count)
        var duplicates = false
        for index in agents.indices {
            if indexByName[agents[index].name] == nil {
                indexByName[agents[index].name] = indexByName.count
            } else {
                duplicates = true
            }
        }
        // Without duplicates the array is shared, not copied manifest by manifest.
        var seen: Set<String> = []
        let kept = duplicates ? agents.filter { seen.insert($0.name).inserted } : agents
        byCapability.reserveCapacity(kept.count)
        for index in kept.indices {
            for capability in kept[index].capabilities { byCapability[capability, default: []].append(index) }
            for output in kept[index].outputs { byOutput[output, default: []].append(index) }
        }
        // Names are interned once here, so planning follows agent dependencies by position.
        var dependencyOffsets: [Int32] = []
        var dependencyAgents: [Int32] = []
        dependencyOffsets.reserveCapacity(kept.count + 1)
        dependencyOffsets.append(0)
        for index in kept.indices {
            for dependency in kept[index].dependencies {
                if case .agent(let name) = dependency.target, let index = indexByName[name] {
                    dependencyAgents.append(Int32(index))
                } else {
                    dependencyAgents.append(-1)
                }
            }
            dependencyOffsets.append(Int32(dependencyAgents.count))
        }
        var substitutable = kept.indices.map { !kept[$0].alternatives.isEmpty }
        for providers in byCapability.values where providers.count > 1 {
            for index in providers { substitutable[index] = true }
        }
        self.substitutable = substitutable
        self.dependencyOffsets = dependencyOffsets
        self.dependencyAgents = dependencyAgents
        self.agents = kept
        self.templates = templates
        self.indexByName = indexByName
        self.byCapability = byCapability
        self.byOutput = byOutput
    }

    /// The agent named `name`, if any.
    public func agent(named name: String) -> Manifest? {
        indexByName[name].map { agents[$0] }
    }

    /// The position of `name` in discovery order, if known.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// Agents that declare `capability`, in discovery order.
    public func providers(ofCapability capability: String) -> [Manifest] {
        (byCapability[capability] ?? []).map { agents[$0] }
    }

    /// Positions (in `agents`) of the agents that declare `capability`, in discovery order;
    /// `providers(ofCapability:)` without copying manifests.
    public func providerIndices(ofCapability capability: String) -> [Int] {
        byCapability[capability] ?? []
    }

    /// The position of the agent named by dependency `dependency` of the agent at `index`:
    /// `agents[index].dependencies[dependency]`, already looked up by name. `nil` for a
    /// capability dependency or a name no known agent has.
    public func agentIndex(ofDependency dependency: Int, ofAgentAt index: Int) -> Int? {
        let value = dependencyAgents[Int(dependencyOffsets[index]) + dependency]
        return value < 0 ? nil : Int(value)
    }

    /// Whether the agent at `index` may have substitutes: it lists `alternatives`, or another
    /// agent declares one of its capabilities. `false` means it has none, without lookups.
    public func hasSubstitutes(agentAt index: Int) -> Bool { substitutable[index] }

    /// Agents that declare `output`, in discovery order.
    public func providers(ofOutput output: String) -> [Manifest] {
        (byOutput[output] ?? []).map { agents[$0] }
    }

    /// Positions (in `agents`) of the agents that declare `output`, in discovery order.
    public func providerIndices(ofOutput output: String) -> [Int] {
        byOutput[output] ?? []
    }

    /// The template for `campaignType`, if any.
    public func template(for campaignType: String) -> WorkflowTemplate? {
        templates.first { $0.campaignType == campaignType }
    }

    /// The dependencies of `manifest` resolved to agent names.
    ///
    /// A capability dependency resolves to its first provider in discovery order (other
    /// than the agent itself). A target nobody provides is returned with `agent == nil`.
    public func resolvedDependencies(of manifest: Manifest) -> [ResolvedDependency] {
        manifest.dependencies.map { dependency in
            switch dependency.target {
            case .agent(let name):
                return ResolvedDependency(
                    declared: dependency, agent: indexByName[name] == nil ? nil : name)
            case .capability(let capability):
                let provider = providers(ofCapability: capability).first { $0.name != manifest.name }
                return ResolvedDependency(declared: dependency, agent: provider?.name)
            }
        }
    }
}

/// A dependency as declared, with the agent it resolved to.
public struct ResolvedDependency: Sendable, Hashable {
    /// The manifest's entry.
    public var declared: Dependency
    /// The agent that satisfies it, or `nil` when no known agent does.
    public var agent: String?

    /// The dependency's type.
    public var type: DependencyType { declared.type }
}
