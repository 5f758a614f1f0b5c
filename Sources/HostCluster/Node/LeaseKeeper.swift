/// The node's lease decisions, as a value with no I/O: when to renew, and when the node must
/// give up its attempts because it could not renew for a whole lease (the host's reaper will
/// have handed them to another node by then, so finishing them would only be refused).
public struct LeaseKeeper: Sendable, Equatable {
    /// What the node does next.
    public enum Decision: Sendable, Equatable {
        /// Nothing until `at`.
        case wait(until: Double)
        /// Renew now.
        case renew
        /// Cancel every attempt it runs: no renewal succeeded since `lastRenewed`.
        case giveUp(lastRenewed: Double)
    }

    /// The lease, in seconds.
    public let leaseSeconds: Double
    /// When the last renewal succeeded (or the node registered).
    public private(set) var lastRenewed: Double
    /// When the last renewal was tried.
    public private(set) var lastTried: Double
    /// Whether the node gave up since its last successful renewal.
    public private(set) var gaveUp = false

    /// Renewals are tried every lease / 3.
    public var interval: Double { leaseSeconds / 3 }

    /// A keeper whose lease was taken at `now`.
    public init(leaseSeconds: Double, now: Double) {
        self.leaseSeconds = leaseSeconds
        lastRenewed = now
        lastTried = now
    }

    /// What to do at `now`.
    public mutating func decide(at now: Double) -> Decision {
        if !gaveUp && now - lastRenewed >= leaseSeconds {
            gaveUp = true
            return .giveUp(lastRenewed: lastRenewed)
        }
        if now - lastTried >= interval { return .renew }
        return .wait(until: lastTried + interval)
    }

    /// A renewal was tried at `now`; `succeeded` says whether the database answered.
    public mutating func renewed(at now: Double, succeeded: Bool) {
        lastTried = now
        if succeeded {
            lastRenewed = now
            gaveUp = false
        }
    }
}
