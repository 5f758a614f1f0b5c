import AgentCatalog

/// How long one successful run of an agent is expected to take, and where that figure came from.
public struct Estimate: Sendable, Equatable {
    /// Expected seconds for one run.
    public var seconds: Double
    /// Where `seconds` came from.
    public var source: Source
    /// For a learned estimate: the other version of the agent whose runs it was learned from,
    /// when this version has no history of its own (`plan` says so); nil otherwise.
    public var learnedFromVersion: String?

    /// Where an estimate came from.
    public enum Source: Sendable, Equatable {
        /// The manifest's `estimate_seconds`.
        case manifest
        /// Durations recorded by earlier runs.
        case learned(samples: Int)
    }

    /// Creates an estimate.
    public init(seconds: Double, source: Source, learnedFromVersion: String? = nil) {
        self.seconds = seconds
        self.source = source
        self.learnedFromVersion = learnedFromVersion
    }
}

/// Supplies estimates to the planner; the store implements it with learned durations.
public protocol EstimatesProvider: Sendable {
    /// The expected duration of one run of `agent`.
    func estimate(for agent: Manifest) -> Estimate
}

/// Estimates read from the manifests' `estimate_seconds`.
public struct ManifestEstimates: EstimatesProvider {
    /// Creates the provider.
    public init() {}

    /// `agent.estimateSeconds`, marked as coming from the manifest.
    public func estimate(for agent: Manifest) -> Estimate {
        Estimate(seconds: agent.estimateSeconds, source: .manifest)
    }
}
