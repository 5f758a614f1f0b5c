import Synchronization

/// A value behind a lock, for collecting what handlers on other threads report.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// A box holding `value`.
    public init(_ value: Value) { mutex = Mutex(value) }

    /// The value now.
    public var value: Value { mutex.withLock { $0 } }

    /// Changes the value under the lock.
    public func mutate(_ change: (inout Value) -> Void) {
        mutex.withLock { change(&$0) }
    }
}
