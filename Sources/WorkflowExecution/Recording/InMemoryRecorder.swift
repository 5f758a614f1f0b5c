import Foundation
import Synchronization

/// A recorder that keeps events in memory: for tests and for running without a store.
///
/// Can be told to fail, to test how the executor reacts to a store that stops working.
public final class InMemoryRecorder: WorkflowRecorder, Sendable {
    private struct State {
        var stored: [WorkflowEvent] = []
        var batches = 0
        var beats: [String: Double] = [:]
        var failure: String?
        var failAfter: Int?
    }
    private let state = Mutex(State())

    /// Creates an empty recorder.
    public init() {}

    /// Every event recorded so far, in order.
    public var events: [WorkflowEvent] {
        state.withLock { $0.stored }
    }

    /// Number of `record` calls that succeeded.
    public var recordCalls: Int {
        state.withLock { $0.batches }
    }

    /// The last heartbeat per workflow.
    public func lastHeartbeat(of workflowId: String) -> Double? {
        state.withLock { $0.beats[workflowId] }
    }

    /// Makes every `record` call after `events` more stored events throw `message`.
    public func failAfter(events count: Int, message: String) {
        state.withLock { state in
            state.failAfter = count
            state.failure = message
        }
    }

    /// Stores `events`, or throws when told to fail.
    public func record(_ events: [WorkflowEvent]) throws {
        try state.withLock { state in
            if let failAfter = state.failAfter, let failure = state.failure,
                state.stored.count + events.count > failAfter
            {
                throw InMemoryRecorderError(message: failure)
            }
            state.stored.append(contentsOf: events)
            state.batches += 1
        }
    }

    /// Remembers the heartbeat.
    public func heartbeat(workflowId: String, timestamp: Double) throws {
        state.withLock { $0.beats[workflowId] = timestamp }
    }
}

/// The error an `InMemoryRecorder` was told to throw.
public struct InMemoryRecorderError: Error, CustomStringConvertible {
    /// The message given to `failAfter`.
    public var message: String
    /// The message.
    public var description: String { message }
}
