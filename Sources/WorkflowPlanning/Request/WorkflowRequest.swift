import AgentCatalog
import OrderedCollections

/// What a user asks for (Examples/*.json): a campaign, a goal, and how to run it.
///
/// ```json
/// { "campaign": {"title": "Solar for schools", "campaign_type": "blog_creation"},
///   "goal": {"outputs": ["optimized_content"]},
///   "strategy": "adaptive", "recovery": "retry_alternative",
///   "max_concurrency": 4, "resources": {"llm": 2}, "max_retries": 2 }
/// ```
/// Every member is optional; unknown members are errors naming the field.
public struct WorkflowRequest: Sendable, Equatable {
    /// `campaign`: free JSON handed to every agent; an object.
    public var campaign: JSONValue
    /// `goal`: what is wanted; `nil` means the template for `campaign.campaign_type`.
    public var goal: Goal?
    /// `strategy`: how the plan is scheduled (default adaptive).
    public var strategy: Strategy
    /// `recovery`: what the executor does when an agent has failed for good (default skip).
    public var recovery: Manifest.RecoveryStrategy
    /// `max_concurrency`: at most this many agents at once (default 4, at least 1).
    public var maxConcurrency: Int
    /// `resources`: limits per named resource; resources not listed are unlimited.
    public var resources: [String: Int]
    /// `max_retries`: overrides every manifest's `max_retries` when set.
    public var maxRetries: Int?

    /// The default `max_concurrency`.
    public static let defaultMaxConcurrency = 4

    /// What a request asks for: exactly one of agents, capabilities or outputs.
    public enum Goal: Sendable, Equatable {
        /// These agents, by name.
        case agents([String])
        /// An agent for each of these capabilities.
        case capabilities([String])
        /// An agent for each of these outputs.
        case outputs([String])

        /// The JSON member name: `agents`, `capabilities` or `outputs`.
        public var kind: String {
            switch self {
            case .agents: return "agents"
            case .capabilities: return "capabilities"
            case .outputs: return "outputs"
            }
        }

        /// The names listed.
        public var names: [String] {
            switch self {
            case .agents(let names), .capabilities(let names), .outputs(let names): return names
            }
        }
    }

    /// Creates a request in code.
    public init(
        campaign: JSONValue = .object([:]), goal: Goal? = nil, strategy: Strategy = .adaptive,
        recovery: Manifest.RecoveryStrategy = .skip, maxConcurrency: Int = WorkflowRequest.defaultMaxConcurrency,
        resources: [String: Int] = [:], maxRetries: Int? = nil
    ) {
        self.campaign = campaign
        self.goal = goal
        self.strategy = strategy
        self.recovery = recovery
        self.maxConcurrency = maxConcurrency
        self.resources = resources
        self.maxRetries = maxRetries
    }
}

/// How a plan is scheduled.
public enum Strategy: String, Sendable, CaseIterable, Equatable {
    /// One agent at a time in a topological order (ties by manifest order, then name).
    case sequential
    /// Dependency levels run as groups, with a barrier between groups.
    case parallel
    /// List scheduling: ready agents by longest remaining path first, within limits.
    case adaptive
}

// MARK: - JSON

extension WorkflowRequest {
    /// The request's members accepted at the top level.
    static let fields: Set<String> = [
        "campaign", "goal", "strategy", "recovery", "max_concurrency", "resources", "max_retries",
    ]

    /// Reads a request.
    /// - Throws: `PlanningError` with code `badRequest` naming the field (`request.goal.foo`)
    ///   and the expected type or value.
    public init(json: JSONValue) throws(PlanningError) {
        let members = try RequestReader.object(json, at: "request")
        try RequestReader.rejectUnknown(members, allowed: Self.fields, at: "request")
        self.init()
        if let campaign = members["campaign"] {
            _ = try RequestReader.object(campaign, at: "request.campaign")
            self.campaign = campaign
        }
        if let goal = members["goal"] { self.goal = try Goal(json: goal, at: "request.goal") }
        if let strategy = members["strategy"] {
            let name = try RequestReader.string(strategy, at: "request.strategy")
            guard let value = Strategy(rawValue: name) else {
                throw .badValue(
                    "request.strategy",
                    "is \(name); expected one of sequential, parallel, adaptive"
                        + NameSuggestion.didYouMean(name, among: Strategy.allCases.map(\.rawValue)))
            }
            self.strategy = value
        }
        if let recovery = members["recovery"] {
            let name = try RequestReader.string(recovery, at: "request.recovery")
            guard let value = Manifest.RecoveryStrategy(rawValue: name) else {
                let known = Manifest.RecoveryStrategy.allCases.map(\.rawValue)
                throw .badValue(
                    "request.recovery",
                    "is \(name); expected one of skip, retry_alternative, replan, abort"
                        + NameSuggestion.didYouMean(name, among: known))
            }
            self.recovery = value
        }
        if let value = members["max_concurrency"] {
            maxConcurrency = try RequestReader.integer(value, at: "request.max_concurrency", minimum: 1)
        }
        if let value = members["resources"] {
            for (name, limit) in try RequestReader.object(value, at: "request.resources") {
                resources[name] = try RequestReader.integer(limit, at: "request.resources.\(name)", minimum: 0)
            }
        }
        if let value = members["max_retries"], !value.isNull {
            maxRetries = try RequestReader.integer(value, at: "request.max_retries", minimum: 0)
        }
    }

    /// The request as JSON, every member written out with its effective value.
    public var json: JSONValue {
        var members = JSONObject()
        members["campaign"] = campaign
        if let goal { members["goal"] = .object([goal.kind: .array(goal.names.map { .string($0) })]) }
        members["strategy"] = .string(strategy.rawValue)
        members["recovery"] = .string(recovery.rawValue)
        members["max_concurrency"] = .integer(Int64(maxConcurrency))
        members["resources"] = .object(
            JSONObject(uniqueKeysWithValues: resources.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }))
        if let maxRetries { members["max_retries"] = .integer(Int64(maxRetries)) }
        return .object(members)
    }
}

extension WorkflowRequest.Goal {
    /// Reads `{"agents": [...]}`, `{"capabilities": [...]}` or `{"outputs": [...]}`.
    init(json: JSONValue, at path: String) throws(PlanningError) {
        let members = try RequestReader.object(json, at: path)
        try RequestReader.rejectUnknown(members, allowed: ["agents", "capabilities", "outputs"], at: path)
        guard members.count == 1, let (kind, value) = members.elements.first.map({ ($0.key, $0.value) }) else {
            throw .badValue(path, "must have exactly one of agents, capabilities or outputs")
        }
        let names = try RequestReader.strings(value, at: "\(path).\(kind)")
        guard !names.isEmpty else { throw .badValue("\(path).\(kind)", "must list at least one name") }
        switch kind {
        case "agents": self = .agents(names)
        case "capabilities": self = .capabilities(names)
        default: self = .outputs(names)
        }
    }
}

/// Typed access to request members, with errors that name the field.
enum RequestReader {
    static func object(_ value: JSONValue, at path: String) throws(PlanningError) -> JSONObject {
        guard let members = value.objectValue else { throw .wrongType(path, expected: "an object", got: value) }
        return members
    }

    static func rejectUnknown(_ members: JSONObject, allowed: Set<String>, at path: String) throws(PlanningError) {
        if let unknown = members.keys.first(where: { !allowed.contains($0) }) {
            throw .unknownField("\(path).\(unknown)", known: allowed.sorted())
        }
    }

    static func string(_ value: JSONValue, at path: String) throws(PlanningError) -> String {
        guard let string = value.stringValue else { throw .wrongType(path, expected: "a string", got: value) }
        return string
    }

    static func strings(_ value: JSONValue, at path: String) throws(PlanningError) -> [String] {
        guard let elements = value.arrayValue else {
            throw .wrongType(path, expected: "an array of strings", got: value)
        }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            result.append(try string(element, at: "\(path)[\(index)]"))
        }
        return result
    }

    static func integer(_ value: JSONValue, at path: String, minimum: Int) throws(PlanningError) -> Int {
        guard let integer = value.integerValue, let exact = Int(exactly: integer) else {
            throw .wrongType(path, expected: "an integer", got: value)
        }
        guard exact >= minimum else { throw .badValue(path, "is \(exact); expected at least \(minimum)") }
        return exact
    }
}
