import AgentCatalog

/// How long one successful run of an agent is expected to take, and where that figure came from.
public struct Estimate: Sendable, Equatable {
    /// Expected seconds for one run.
    public var seconds: Double
    /// Where `seconds` came from.
    public var source: Source

    /// Where an estimate came from.
    public enum Source: Sendable, Equatable {
        /// The manifest's `estimate_seconds`.
        case manifest
        /// Durations recorded by earlier runs.
        case learned(samples: Int)
    }

    /// Creates an estimate.
    public init(seconds: Double, source: Source) {
        self.seconds = seconds
        self.source = source
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
