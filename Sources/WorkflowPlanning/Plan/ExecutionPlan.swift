import AgentCatalog

/// A planned workflow: which agents run, in what order and groups, and what the timing
/// analysis says about it. Its JSON form (`json`, `init(json:)`) is documented in docs/PLANS.md.
public struct ExecutionPlan: Sendable, Equatable {
    /// The format version written in `plan_version`.
    public static let formatVersion = 1

    /// The strategy the plan was scheduled with.
    public var strategy: Strategy
    /// Every planned agent, in plan order.
    public var agents: [PlannedAgent]
    /// Agent names in plan order: start order for sequential and adaptive, group by group for parallel.
    public var order: [String]
    /// Groups of agent names: one agent each for sequential, dependency levels otherwise.
    public var groups: [[String]]
    /// One longest chain of dependencies, dependencies first.
    public var criticalPath: [String]
    /// Simulated duration under the strategy.
    public var estimatedSeconds: Double
    /// Length of the critical path: no schedule can be shorter.
    public var criticalPathSeconds: Double
    /// Sum of all agents' estimates.
    public var totalWorkSeconds: Double
    /// Most agents running at once in the simulation.
    public var peakConcurrency: Int
    /// Critical agents with the largest share of the critical path, largest first.
    public var bottlenecks: [Bottleneck]
    /// Advice in plain sentences.
    public var recommendations: [String]
    /// The concurrency limit scheduled with.
    public var maxConcurrency: Int
    /// The resource limits scheduled with.
    public var resources: [String: Int]
    /// The request this plan answers.
    public var request: WorkflowRequest
    /// Substitutes per agent: its manifest's `alternatives`, then other providers of its capabilities.
    public var alternatives: [String: [String]]
    /// Agents left out by `replan` because something they need hard was excluded.
    public var dropped: [DroppedAgent]

    /// Creates a plan from its parts (the planner and `init(json:)` use this).
    public init(
        strategy: Strategy, agents: [PlannedAgent], order: [String], groups: [[String]], criticalPath: [String],
        estimatedSeconds: Double, criticalPathSeconds: Double, totalWorkSeconds: Double, peakConcurrency: Int,
        bottlenecks: [Bottleneck], recommendations: [String], maxConcurrency: Int, resources: [String: Int],
        request: WorkflowRequest, alternatives: [String: [String]], dropped: [DroppedAgent]
    ) {
        self.strategy = strategy
        self.agents = agents
        self.order = order
        self.groups = groups
        self.criticalPath = criticalPath
        self.estimatedSeconds = estimatedSeconds
        self.criticalPathSeconds = criticalPathSeconds
        self.totalWorkSeconds = totalWorkSeconds
        self.peakConcurrency = peakConcurrency
        self.bottlenecks = bottlenecks
        self.recommendations = recommendations
        self.maxConcurrency = maxConcurrency
        self.resources = resources
        self.request = request
        self.alternatives = alternatives
        self.dropped = dropped
    }

    /// The planned agent named `name` (linear search; build an index for repeated lookups).
    public func agent(named name: String) -> PlannedAgent? { agents.first { $0.name == name } }
}

/// One agent of a plan with its schedule and timing facts.
public struct PlannedAgent: Sendable, Equatable {
    /// The agent's name.
    public var name: String
    /// What it waits for, in its manifest's order (optional ones only when planned).
    public var dependencies: [PlannedDependency]
    /// Its group index in `ExecutionPlan.groups`.
    public var group: Int
    /// Simulated start under the plan's strategy.
    public var start: Double
    /// Earliest possible start with unlimited concurrency.
    public var earliestStart: Double
    /// How long it can be delayed without delaying the plan (unlimited concurrency).
    public var slack: Double
    /// Its expected duration (0 seconds when already completed).
    public var estimate: Estimate
    /// Whether it has no slack.
    public var isCritical: Bool
    /// Units of named resources it holds while running.
    public var resources: [String: Int]
    /// Its manifest's `parallel_safe`.
    public var parallelSafe: Bool
    /// Its remaining critical path: own estimate plus the longest chain of dependents.
    public var priority: Double
    /// Whether `replan` was told it already completed (it is not run again).
    public var isCompleted: Bool

    /// Creates a planned agent.
    public init(
        name: String, dependencies: [PlannedDependency], group: Int, start: Double, earliestStart: Double,
        slack: Double, estimate: Estimate, isCritical: Bool, resources: [String: Int], parallelSafe: Bool,
        priority: Double, isCompleted: Bool = false
    ) {
        self.name = name
        self.dependencies = dependencies
        self.group = group
        self.start = start
        self.earliestStart = earliestStart
        self.slack = slack
        self.estimate = estimate
        self.isCritical = isCritical
        self.resources = resources
        self.parallelSafe = parallelSafe
        self.priority = priority
        self.isCompleted = isCompleted
    }
}

/// An edge of a plan: the agent waited for and how strongly.
public struct PlannedDependency: Sendable, Equatable, Hashable {
    /// The agent depended on.
    public var agent: String
    /// hard, soft or optional.
    public var type: DependencyType

    /// Creates an edge.
    public init(agent: String, type: DependencyType) {
        self.agent = agent
        self.type = type
    }
}

/// A critical agent and its share of the critical path.
public struct Bottleneck: Sendable, Equatable {
    /// The agent.
    public var agent: String
    /// Its estimate.
    public var seconds: Double
    /// `seconds / criticalPathSeconds`, 0...1.
    public var share: Double

    /// Creates a bottleneck entry.
    public init(agent: String, seconds: Double, share: Double) {
        self.agent = agent
        self.seconds = seconds
        self.share = share
    }
}

/// An agent `replan` left out, and why.
public struct DroppedAgent: Sendable, Equatable {
    /// The agent.
    public var agent: String
    /// Why it cannot run, e.g. "needs writer (hard), which is excluded and has no substitute".
    public var reason: String

    /// Creates an entry.
    public init(agent: String, reason: String) {
        self.agent = agent
        self.reason = reason
    }
}
