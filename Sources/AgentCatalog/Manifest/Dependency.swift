/// One entry of a manifest's `dependencies`.
///
/// Written as `"planner"` (a hard dependency on an agent), or as an object
/// `{"agent": "researcher", "type": "soft"}` / `{"capability": "market_research"}`.
public struct Dependency: Sendable, Hashable {
    /// What is depended on.
    public var target: Target
    /// How strongly.
    public var type: DependencyType

    public init(_ target: Target, type: DependencyType = .hard) {
        self.target = target
        self.type = type
    }

    /// A hard dependency on the agent named `name`.
    public static func agent(_ name: String, _ type: DependencyType = .hard) -> Dependency {
        Dependency(.agent(name), type: type)
    }

    /// A hard dependency on whichever agent provides `capability`.
    public static func capability(_ capability: String, _ type: DependencyType = .hard) -> Dependency {
        Dependency(.capability(capability), type: type)
    }

    /// An agent by name, or any agent providing a capability.
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        case agent(String)
        case capability(String)

        public var description: String {
            switch self {
            case .agent(let name): return name
            case .capability(let capability): return "capability \(capability)"
            }
        }
    }
}

/// How a dependency constrains the dependent.
public enum DependencyType: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Runs only after the dependency succeeded; pulled into a plan.
    case hard
    /// Waits for the dependency to finish, whatever its outcome; pulled into a plan.
    case soft
    /// Orders only if the dependency is in the plan anyway; never pulls it in.
    case optional

    private var strength: Int {
        switch self {
        case .hard: return 2
        case .soft: return 1
        case .optional: return 0
        }
    }

    /// Weaker types sort first (`optional < soft < hard`).
    public static func < (lhs: DependencyType, rhs: DependencyType) -> Bool { lhs.strength < rhs.strength }
}
