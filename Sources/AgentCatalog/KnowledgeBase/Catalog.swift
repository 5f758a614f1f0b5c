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
    /// Per capability, its provider when only one agent declares it (>= 0), else
    /// `-(k + 1)` for `sharedCapabilities[k]`: no array is allocated per capability.
    private let byCapability: [String: Int32]
    /// Providers, in discovery order, of each capability more than one agent declares.
    private let sharedCapabilities: [[Int]]
    private let byOutput: [String: [Int]]
    /// Per agent, offsets into `dependencyAgents` (`agents.count + 1` entries).
    private let dependencyOffsets: [Int32]
    /// Per declared dependency, the position of the agent it names; -1 for a capability
    /// dependency or an unknown agent.
    private let dependencyAgents: [Int32]
    /// Per agent, whether it lists `alternatives` or shares a capability with another agent.
    private let substitutable: [Bool]

    /// Agents per task when the dependency names are looked up on every core.
    static let agentsPerTask = 16_384

    /// Builds the indexes. Later duplicates of a name are ignored (discovery reports them).
    ///
    /// Implementation notes: each name, capability and output is hashed once (an absent key's
    /// slot is created and claimed in the same lookup). The names dependencies refer to are
    /// looked up on every core once the name index is complete; the capability and output
    /// indexes are built meanwhile, as one more task.
    public init(agents: [Manifest], templates: [WorkflowTemplate] = []) {
        var indexByName: [String: Int] = [:]
        indexByName.reserveCapacity(agents.count)
        var duplicates = false
        for index in agents.indices {
            let next = indexByName.count
            if !Self.claim(&indexByName[agents[index].name, default: -1], next) { duplicates = true }
        }
        // Without duplicates the array is shared, not copied manifest by manifest.
        var seen: Set<String> = []
        let kept = duplicates ? agents.filter { seen.insert($0.name).inserted } : agents

        var dependencyOffsets = [Int32](repeating: 0, count: kept.count + 1)
        for index in kept.indices {
            dependencyOffsets[index + 1] = dependencyOffsets[index] + Int32(kept[index].dependencies.count)
        }
        var byCapability: [String: Int32] = [:]
        var sharedCapabilities: [[Int]] = []
        var byOutput: [String: [Int]] = [:]
        // Names are interned once here, so planning follows agent dependencies by position.
        let dependencyAgents = [Int32](unsafeUninitializedCapacity: Int(dependencyOffsets[kept.count])) {
            buffer, initialized in
            let base = buffer.baseAddress
            let tasks = (kept.count + Self.agentsPerTask - 1) / Self.agentsPerTask
            // Task 0 builds the capability and output indexes; the others resolve dependencies.
            Parallel.forEachChunk(of: tasks + 1, chunk: kept.count > Self.agentsPerTask ? 1 : tasks + 1) { range in
                for task in range {
                    if task == 0 {
                        Self.indexCapabilities(kept, &byCapability, &sharedCapabilities, &byOutput)
                        continue
                    }
                    for index in (task - 1) * Self.agentsPerTask..<min(kept.count, task * Self.agentsPerTask) {
                        var slot = Int(dependencyOffsets[index])
                        for dependency in kept[index].dependencies {
                            var position: Int32 = -1
                            if case .agent(let name) = dependency.target, let found = indexByName[name] {
                                position = Int32(found)
                            }
                            (base! + slot).initialize(to: position)
                            slot += 1
                        }
                    }
                }
            }
            initialized = Int(dependencyOffsets[kept.count])
        }
        var substitutable = kept.indices.map { !kept[$0].alternatives.isEmpty }
        for providers in sharedCapabilities {
            for index in providers { substitutable[index] = true }
        }
        self.substitutable = substitutable
        self.dependencyOffsets = dependencyOffsets
        self.dependencyAgents = dependencyAgents
        self.agents = kept
        self.templates = templates
        self.indexByName = indexByName
        self.byCapability = byCapability
        self.sharedCapabilities = sharedCapabilities
        self.byOutput = byOutput
    }

    /// Sets a new slot (-1) to `value`; `false` when the slot was taken already.
    private static func claim(_ slot: inout Int, _ value: Int) -> Bool {
        guard slot < 0 else { return false }
        slot = value
        return true
    }

    /// The capability and output indexes of `agents`.
    private static func indexCapabilities(
        _ agents: [Manifest], _ byCapability: inout [String: Int32], _ shared: inout [[Int]],
        _ byOutput: inout [String: [Int]]
    ) {
        byCapability.reserveCapacity(agents.count)
        for index in agents.indices {
            for capability in agents[index].capabilities {
                addProvider(index, to: &byCapability[capability, default: .min], shared: &shared)
            }
            for output in agents[index].outputs { byOutput[output, default: []].append(index) }
        }
    }

    /// Records `index` as one more provider in `slot` (see `byCapability`).
    private static func addProvider(_ index: Int, to slot: inout Int32, shared: inout [[Int]]) {
        if slot == .min {
            slot = Int32(index)
        } else if slot >= 0 {
            shared.append([Int(slot), index])
            slot = -Int32(shared.count)
        } else {
            shared[Int(-slot) - 1].append(index)
        }
    }

    /// The agent named `name`, if any.
    public func agent(named name: String) -> Manifest? {
        indexByName[name].map { agents[$0] }
    }

    /// The position of `name` in discovery order, if known.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// Agents that declare `capability`, in discovery order.
    public func providers(ofCapability capability: String) -> [Manifest] {
        providerIndices(ofCapability: capability).map { agents[$0] }
    }

    /// Positions (in `agents`) of the agents that declare `capability`, in discovery order;
    /// `providers(ofCapability:)` without copying manifests.
    public func providerIndices(ofCapability capability: String) -> [Int] {
        guard let slot = byCapability[capability] else { return [] }
        return slot >= 0 ? [Int(slot)] : sharedCapabilities[Int(-slot) - 1]
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
