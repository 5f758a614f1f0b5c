import AgentCatalog
import WorkflowPlanning

// Implementation notes
// The scheduling part of a run's state, as a value: an integer-indexed graph of nodes (each
// with everything the run knows of its agent: manifest, output, error, attempts), the ready
// queue, the limits in use and the group barrier. No threads, no clock, no I/O:
// RunStateMachine owns it and makes the decisions (`nextStart()` names the agent to start;
// `settle` says which agents it skipped). Nodes are appended, never removed, so indices stay
// valid when recovery adds agents.

/// The scheduling state of one workflow run.
struct SchedulerState: Sendable {
    /// Where a node stands.
    enum NodeState: UInt8, Sendable {
        case waiting, ready, running, backoff, completed, failed, skipped
        /// Whether the node can change no more.
        var isSettled: Bool { self == .completed || self == .failed || self == .skipped }
    }

    /// An edge from a node to one it waits for, or to one waiting for it.
    struct Edge: Sendable {
        var node: Int
        var type: DependencyType
    }

    /// One agent of the run.
    struct Node: Sendable {
        var name: String
        var manifest: Manifest
        /// Name its output has in dependents' `inputs` (the replaced agent's, for a substitute).
        var outputKey: String
        var dependencies: [Edge]
        var dependents: [Edge]
        var priority: Double
        var orderIndex: Int
        var group: Int
        var demands: [(resource: Int, units: Int)]
        var estimateSeconds: Double
        var state: NodeState = .waiting
        /// Dependencies not settled yet.
        var pending = 0
        var attempts = 0
        /// Attempts lost with a cluster node; they do not count against `max_retries`.
        var nodeLosses = 0
        /// Whether its last attempt was stopped by a cancel or abort (it reads `cancelled`, not `failed`).
        var cancelled = false
        /// Whether recovery took this node out of the run (replaced or replanned away).
        var retired = false
        /// The output once completed, and its compact bytes once a dependent read them.
        var output: JSONObject?
        var outputBytes: [UInt8]?
        /// Why it did not complete.
        var error: String?
        /// For a substitute: the node it replaces (transitively, the original).
        var origin: Int?
        /// The attempt running now (not settled yet).
        var live: LiveAttempt?
        /// The attempt that timed out and was settled, whose call still holds its slot.
        var draining: Int?
        /// Calls abandoned after the grace period that have not returned.
        var lingering = 0
        /// The retry timer ran out while an attempt was draining: retry once it ends.
        var retryWhenDrained = false
    }

    /// An attempt that runs and has not been settled.
    struct LiveAttempt: Sendable {
        var number: Int
        var startedAt: Double
        /// Set when the run told it to stop (cancel, abort, interrupt, recorder failure).
        var stopReason: String?
    }

    /// Key ordering the ready queue: smallest first.
    struct ReadyKey: Comparable, Sendable {
        var primary: Double
        var secondary: Int
        var node: Int
        static func < (lhs: ReadyKey, rhs: ReadyKey) -> Bool {
            lhs.primary != rhs.primary ? lhs.primary < rhs.primary : lhs.secondary < rhs.secondary
        }
    }

    /// The nodes; RunStateMachine writes their per-agent fields (output, error, attempts in
    /// flight), never their scheduling state, which only this type's methods change.
    var nodes: [Node] = []
    private(set) var indexByName: [String: Int] = [:]
    let strategy: Strategy
    let maxConcurrency: Int
    private(set) var resourceNames: [String] = []
    private var limits: [Int] = []
    private var inUse: [Int] = []
    private var ready = BinaryHeap<ReadyKey>()
    private(set) var running = 0
    /// Nodes waiting for a retry timer.
    private(set) var inBackoff = 0
    private(set) var unsettled = 0
    /// Parallel strategy: the group now allowed to run, and unsettled nodes per group.
    private(set) var currentGroup = 0
    private var unsettledInGroup: [Int] = []
    /// Adaptive: the plan order, and the first position not started yet.
    private var planOrder: [Int] = []
    private var nextPlanned = 0
    /// No new starts while set.
    var paused = false
    /// Set by cancel, abort or a recorder failure: nothing starts any more.
    private(set) var stopping = false

    /// Builds the state for `plan`; agents in `completed` are settled as completed and
    /// `settled` ones as failed, without running.
    init(plan: ExecutionPlan, limits planLimits: [String: Int], manifest: (String) -> Manifest) {
        strategy = plan.strategy
        maxConcurrency = plan.strategy == .sequential ? 1 : max(1, plan.maxConcurrency)
        for (name, limit) in planLimits.sorted(by: { $0.key < $1.key }) {
            resourceNames.append(name)
            limits.append(limit)
        }
        inUse = Array(repeating: 0, count: limits.count)
        let orderPosition = Dictionary(plan.order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for agent in plan.agents {
            _ = addNode(
                manifest: manifest(agent.name), outputKey: agent.name, priority: agent.priority,
                orderIndex: orderPosition[agent.name] ?? nodes.count, group: agent.group,
                resources: agent.resources, estimate: agent.estimate.seconds)
        }
        for agent in plan.agents {
            let index = indexByName[agent.name]!
            setDependencies(
                of: index,
                agent.dependencies.compactMap { dependency in
                    indexByName[dependency.agent].map { Edge(node: $0, type: dependency.type) }
                })
        }
        planOrder = plan.order.compactMap { indexByName[$0] }
    }

    // MARK: - Graph changes

    /// Appends a node in the waiting state (dependencies set separately).
    mutating func addNode(
        manifest: Manifest, outputKey: String, priority: Double, orderIndex: Int, group: Int,
        resources: [String: Int], estimate: Double
    ) -> Int {
        let index = nodes.count
        let name = manifest.name
        var demands: [(resource: Int, units: Int)] = []
        for (resource, units) in resources.sorted(by: { $0.key < $1.key }) where units > 0 {
            if let position = resourceNames.firstIndex(of: resource) { demands.append((position, units)) }
        }
        nodes.append(
            Node(
                name: name, manifest: manifest, outputKey: outputKey, dependencies: [], dependents: [],
                priority: priority,
                orderIndex: orderIndex, group: group, demands: demands, estimateSeconds: estimate))
        indexByName[name] = index
        while unsettledInGroup.count <= group { unsettledInGroup.append(0) }
        unsettledInGroup[group] += 1
        unsettled += 1
        return index
    }

    /// Sets what a waiting node waits for and counts the dependencies not settled yet.
    mutating func setDependencies(of index: Int, _ edges: [Edge]) {
        for old in nodes[index].dependencies {
            nodes[old.node].dependents.removeAll { $0.node == index }
        }
        nodes[index].dependencies = edges
        var pending = 0
        for edge in edges {
            nodes[edge.node].dependents.append(Edge(node: index, type: edge.type))
            if !nodes[edge.node].state.isSettled { pending += 1 }
        }
        nodes[index].pending = pending
    }

    /// Makes waiting nodes whose dependencies are all settled ready (after a graph change or
    /// at the start). Hard dependencies that did not complete skip the node instead.
    /// - Returns: nodes skipped, each with the dependency at fault.
    mutating func admitSettledWaiters() -> [(node: Int, cause: Int)] {
        var skipped: [(node: Int, cause: Int)] = []
        for index in nodes.indices where nodes[index].state == .waiting && !nodes[index].retired {
            if let cause = nodes[index].dependencies.first(where: {
                $0.type == .hard && (nodes[$0.node].state == .failed || nodes[$0.node].state == .skipped)
            }) {
                skipped.append((index, cause.node))
                skipped += settle(index, as: .skipped)
            } else if nodes[index].pending == 0 && !stopping {
                makeReady(index)
            }
        }
        return skipped
    }

    // MARK: - Starting

    /// The next node allowed to start, marked running with its resources taken; nil when
    /// none may start now.
    mutating func nextStart() -> Int? {
        guard !paused, !stopping, running < maxConcurrency, let top = ready.min else { return nil }
        if strategy == .parallel && nodes[top.node].group > currentGroup { return nil }
        if fits(top.node) {
            _ = ready.popMin()
            start(top.node)
            return top.node
        }
        // List scheduling: the best ready node blocked by resources lets a smaller one pass.
        var held: [ReadyKey] = []
        var chosen: Int?
        while let key = ready.popMin() {
            if strategy == .parallel && nodes[key.node].group > currentGroup {
                held.append(key)
                break
            }
            if fits(key.node) {
                chosen = key.node
                break
            }
            held.append(key)
        }
        for key in held { ready.insert(key) }
        if let chosen { start(chosen) }
        return chosen
    }

    /// The planned-earlier agents (at most 3) that the start of `index` overtakes.
    mutating func overtaken(by index: Int) -> [Int] {
        while nextPlanned < planOrder.count {
            let state = nodes[planOrder[nextPlanned]].state
            if (state == .waiting || state == .ready || state == .backoff) && !nodes[planOrder[nextPlanned]].retired {
                break
            }
            nextPlanned += 1
        }
        let position = min(nodes[index].orderIndex, planOrder.count)
        var passed: [Int] = []
        var cursor = nextPlanned
        while cursor < position, passed.count < 3 {
            let candidate = planOrder[cursor]
            let state = nodes[candidate].state
            if candidate != index, state == .waiting || state == .ready || state == .backoff, !nodes[candidate].retired
            {
                passed.append(candidate)
            }
            cursor += 1
        }
        return passed
    }

    private func fits(_ index: Int) -> Bool {
        for demand in nodes[index].demands where inUse[demand.resource] + demand.units > limits[demand.resource] {
            return false
        }
        return true
    }

    private mutating func start(_ index: Int) {
        nodes[index].state = .running
        nodes[index].attempts += 1
        running += 1
        for demand in nodes[index].demands { inUse[demand.resource] += demand.units }
    }

    private mutating func makeReady(_ index: Int) {
        nodes[index].state = .ready
        // Fields read one by one: a Node (with its manifest) is costly to copy.
        let order = nodes[index].orderIndex
        let key: ReadyKey
        switch strategy {
        case .adaptive: key = ReadyKey(primary: -nodes[index].priority, secondary: order, node: index)
        case .sequential: key = ReadyKey(primary: 0, secondary: order, node: index)
        case .parallel: key = ReadyKey(primary: Double(nodes[index].group), secondary: order, node: index)
        }
        ready.insert(key)
    }

    /// Number of nodes ready to start.
    var readyCount: Int { ready.count }

    // MARK: - Ending attempts

    /// A running node's attempt ended: its slot and resources are free again.
    mutating func attemptEnded(_ index: Int) {
        running -= 1
        for demand in nodes[index].demands { inUse[demand.resource] -= demand.units }
    }

    /// A node whose attempt ended waits for its retry timer.
    mutating func enterBackoff(_ index: Int) {
        nodes[index].state = .backoff
        inBackoff += 1
    }

    /// A node's retry timer ran out: it is ready again (unless the run is stopping).
    mutating func leaveBackoff(_ index: Int) {
        guard nodes[index].state == .backoff else { return }
        inBackoff -= 1
        if stopping {
            nodes[index].state = .waiting
        } else {
            makeReady(index)
        }
    }

    /// Settles `index` as completed, failed or skipped; a node not completed skips its hard
    /// dependents, transitively. Dependents whose dependencies are now all settled become
    /// ready.
    /// - Returns: every node this skipped, each with the dependency that caused it.
    @discardableResult
    mutating func settle(_ index: Int, as final: NodeState) -> [(node: Int, cause: Int)] {
        var skipped: [(node: Int, cause: Int)] = []
        var work: [(node: Int, state: NodeState)] = [(index, final)]
        while let (current, state) = work.popLast() {
            let previous = nodes[current].state
            guard !previous.isSettled else { continue }
            if previous == .ready { removeFromReady(current) }
            if previous == .backoff { inBackoff -= 1 }
            nodes[current].state = state
            unsettled -= 1
            unsettledInGroup[nodes[current].group] -= 1
            for edge in nodes[current].dependents where !nodes[edge.node].retired {
                let dependent = edge.node
                guard !nodes[dependent].state.isSettled else { continue }
                nodes[dependent].pending -= 1
                if state != .completed && edge.type == .hard {
                    if nodes[dependent].state == .waiting || nodes[dependent].state == .ready {
                        skipped.append((dependent, current))
                        work.append((dependent, .skipped))
                    }
                } else if nodes[dependent].pending == 0 && nodes[dependent].state == .waiting && !stopping {
                    makeReady(dependent)
                }
            }
        }
        advanceGroup()
        return skipped
    }

    /// Takes a node out of the run without settling its dependents (recovery replaced it).
    mutating func retire(_ index: Int) {
        if nodes[index].state == .ready { removeFromReady(index) }
        if nodes[index].state == .backoff { inBackoff -= 1 }
        if !nodes[index].state.isSettled {
            unsettled -= 1
            unsettledInGroup[nodes[index].group] -= 1
            nodes[index].state = .skipped
        }
        nodes[index].retired = true
        advanceGroup()
    }

    /// Marks a node settled as failed without touching dependents (they were moved to a substitute).
    mutating func markFailedQuietly(_ index: Int) {
        guard !nodes[index].state.isSettled else { return }
        if nodes[index].state == .ready { removeFromReady(index) }
        if nodes[index].state == .backoff { inBackoff -= 1 }
        nodes[index].state = .failed
        unsettled -= 1
        unsettledInGroup[nodes[index].group] -= 1
        advanceGroup()
    }

    /// Puts a node whose attempt was given up without settling it (an interrupted run) back to
    /// waiting; it starts no more in this run.
    mutating func park(_ index: Int) {
        guard nodes[index].state == .running else { return }
        nodes[index].state = .waiting
    }

    /// Puts a ready node back to waiting (its dependencies are about to change).
    mutating func unready(_ index: Int) {
        guard nodes[index].state == .ready else { return }
        removeFromReady(index)
        nodes[index].state = .waiting
    }

    private mutating func removeFromReady(_ index: Int) {
        var kept: [ReadyKey] = []
        while let key = ready.popMin() {
            if key.node == index { break }
            kept.append(key)
        }
        for key in kept { ready.insert(key) }
    }

    private mutating func advanceGroup() {
        while currentGroup < unsettledInGroup.count && unsettledInGroup[currentGroup] == 0 {
            currentGroup += 1
        }
    }

    /// Stops all starts: ready nodes go back to waiting; returns the nodes never started.
    mutating func stop() -> [Int] {
        stopping = true
        while let key = ready.popMin() { nodes[key.node].state = .waiting }
        for index in nodes.indices where nodes[index].state == .backoff { nodes[index].state = .waiting }
        inBackoff = 0
        return nodes.indices.filter { nodes[$0].state == .waiting && !nodes[$0].retired }
    }

    /// Whether nothing runs, waits for a timer or can start: the run is over (or paused).
    var isQuiescent: Bool { running == 0 && inBackoff == 0 && (ready.isEmpty || stopping) }

    /// The state of the node at `index`.
    func state(of index: Int) -> NodeState { nodes[index].state }

    /// Sets a node's attempt count (resume continues the count).
    mutating func setAttempts(_ index: Int, _ attempts: Int) { nodes[index].attempts = attempts }
}
