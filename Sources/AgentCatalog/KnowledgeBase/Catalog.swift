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

    /// Builds the indexes. Later duplicates of a name are ignored (discovery reports them).
    public init(agents: [Manifest], templates: [WorkflowTemplate] = []) {
        var kept: [Manifest] = []
        var indexByName: [String: Int] = [:]
        var byCapability: [String: [Int]] = [:]
        var byOutput: [String: [Int]] = [:]
        kept.reserveCapacity(agents.count)
        for manifest in agents where indexByName[manifest.name] == nil {
            let index = kept.count
            kept.append(manifest)
            indexByName[manifest.name] = index
            for capability in manifest.capabilities { byCapability[capability, default: []].append(index) }
            for output in manifest.outputs { byOutput[output, default: []].append(index) }
        }
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

    /// Agents that declare `output`, in discovery order.
    public func providers(ofOutput output: String) -> [Manifest] {
        (byOutput[output] ?? []).map { agents[$0] }
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
