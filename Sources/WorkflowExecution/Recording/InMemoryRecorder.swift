import Foundation

/// A recorder that keeps events in memory: for tests and for running without a store.
///
/// Can be told to fail, to test how the executor reacts to a store that stops working.
public final class InMemoryRecorder: WorkflowRecorder, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [WorkflowEvent] = []
    private var batches = 0
    private var beats: [String: Double] = [:]
    private var failure: String?
    private var failAfter: Int?

    /// Creates an empty recorder.
    public init() {}

    /// Every event recorded so far, in order.
    public var events: [WorkflowEvent] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// Number of `record` calls that succeeded.
    public var recordCalls: Int {
        lock.lock()
        defer { lock.unlock() }
        return batches
    }

    /// The last heartbeat per workflow.
    public func lastHeartbeat(of workflowId: String) -> Double? {
        lock.lock()
        defer { lock.unlock() }
        return beats[workflowId]
    }

    /// Makes every `record` call after `events` more stored events throw `message`.
    public func failAfter(events count: Int, message: String) {
        lock.lock()
        failAfter = count
        failure = message
        lock.unlock()
    }

    /// Stores `events`, or throws when told to fail.
    public func record(_ events: [WorkflowEvent]) throws {
        lock.lock()
        defer { lock.unlock() }
        if let failAfter, let failure, stored.count + events.count > failAfter {
            throw InMemoryRecorderError(message: failure)
        }
        stored.append(contentsOf: events)
        batches += 1
    }

    /// Remembers the heartbeat.
    public func heartbeat(workflowId: String, timestamp: Double) throws {
        lock.lock()
        beats[workflowId] = timestamp
        lock.unlock()
    }
}

/// The error an `InMemoryRecorder` was told to throw.
public struct InMemoryRecorderError: Error, CustomStringConvertible {
    /// The message given to `failAfter`.
    public var message: String
    /// The message.
    public var description: String { message }
}
