import AgentCatalog
import Synchronization

/// The current catalog of agents, rediscovered on `agents/reload`.
///
/// Workflows take the catalog when they start and keep it, so a reload never changes what a
/// running workflow has loaded.
public final class AgentDirectory: Sendable {
    /// What a reload changed, by agent name.
    public struct Change: Sendable {
        /// Agents that appeared.
        public var added: [String]
        /// Agents whose manifests are gone.
        public var removed: [String]
        /// Agents whose manifest changed.
        public var changed: [String]
    }

    private let discover: @Sendable () -> DiscoveryResult
    private let current: Mutex<DiscoveryResult>

    /// Creates a directory that discovers with `discover` now and at every reload.
    public init(discover: @escaping @Sendable () -> DiscoveryResult) {
        self.discover = discover
        self.current = Mutex(discover())
    }

    /// The latest discovery.
    public var result: DiscoveryResult { current.withLock { $0 } }

    /// The latest catalog.
    public var catalog: Catalog { current.withLock { $0.catalog } }

    /// Discovers again and replaces the catalog.
    public func reload() -> (result: DiscoveryResult, change: Change) {
        let fresh = discover()
        let old = current.withLock { state -> DiscoveryResult in
            let old = state
            state = fresh
            return old
        }
        var before: [String: Manifest] = [:]
        for agent in old.catalog.agents { before[agent.name] = agent }
        var change = Change(added: [], removed: [], changed: [])
        var seen = Set<String>()
        for agent in fresh.catalog.agents {
            seen.insert(agent.name)
            if var previous = before[agent.name] {
                previous.source = agent.source
                if previous != agent { change.changed.append(agent.name) }
            } else {
                change.added.append(agent.name)
            }
        }
        change.removed = old.catalog.agents.map(\.name).filter { !seen.contains($0) }
        return (fresh, change)
    }
}
