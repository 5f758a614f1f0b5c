import Foundation

/// Where the executor reads time: event timestamps, durations, deadlines and retry delays.
///
/// Waiting itself uses condition variables with deadlines, converted through `now()`, so a
/// test clock that runs ahead makes retry delays and timeouts come due at once.
public protocol ExecutorClock: Sendable {
    /// Seconds since 1970.
    func now() -> Double
}

/// The system's wall clock.
public struct SystemClock: ExecutorClock {
    /// Creates the clock.
    public init() {}
    /// Seconds since 1970, from `gettimeofday`-precision `Date`.
    public func now() -> Double { Date().timeIntervalSince1970 }
}
