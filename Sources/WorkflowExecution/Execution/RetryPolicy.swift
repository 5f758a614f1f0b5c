import Foundation

/// How long to wait before the next attempt of an agent that failed with a retryable error.
///
/// Exponential backoff with full jitter (AWS's "Exponential Backoff and Jitter"): the n-th
/// retry waits a random time in `0 ... min(cap, initial * multiplier^(n-1))`. Defaults:
/// 0.2 s initial, multiplier 2, capped at 30 s, full jitter. How many retries an agent gets
/// is its manifest's `max_retries`, or the request's `max_retries` when that is set.
/// Attempts lost with a cluster node (`AttemptResult.lostNode`) are counted apart, against
/// `maxNodeLossRetries` (default 3), and do not use up `max_retries`.
public struct RetryPolicy: Sendable, Hashable {
    /// How the computed delay is randomized.
    public enum Jitter: String, Sendable, Hashable {
        /// A uniform random delay between 0 and the exponential delay.
        case full
        /// Exactly the exponential delay (deterministic; for tests).
        case none
    }

    /// Delay before the first retry, in seconds.
    public var initialInterval: Double
    /// Factor applied for each further retry.
    public var multiplier: Double
    /// Largest delay, in seconds.
    public var maximumInterval: Double
    /// Randomization.
    public var jitter: Jitter
    /// Retries an agent gets for attempts lost with the node that ran them, apart from `max_retries`.
    public var maxNodeLossRetries: Int

    /// The defaults: 0.2 s, times 2, at most 30 s, full jitter.
    public static let standard = RetryPolicy()

    /// Creates a policy.
    public init(
        initialInterval: Double = 0.2, multiplier: Double = 2, maximumInterval: Double = 30, jitter: Jitter = .full,
        maxNodeLossRetries: Int = 3
    ) {
        self.maxNodeLossRetries = maxNodeLossRetries
        self.initialInterval = initialInterval
        self.multiplier = multiplier
        self.maximumInterval = maximumInterval
        self.jitter = jitter
    }

    /// The delay before retry number `retry` (1 for the retry after the first attempt).
    /// - Parameter random: a value in `0..<1` used for jitter.
    public func delay(beforeRetry retry: Int, random: Double) -> Double {
        let exponent = Double(max(0, retry - 1))
        let base = min(maximumInterval, initialInterval * pow(multiplier, exponent))
        switch jitter {
        case .full: return base * min(max(random, 0), 1)
        case .none: return base
        }
    }

    /// How many retries `manifest` gets under a request override.
    public static func maxRetries(manifest: Int, requestOverride: Int?) -> Int {
        max(0, requestOverride ?? manifest)
    }
}
