import Synchronization
import WorkflowExecution

// Implementation notes: two sources feed one feed: the backend's subscription (live events of
// workflows this process runs, and the stored ones it replays) and the store tail (events
// that another process, e.g. `agenthost run` in a terminal, commits). The feed accepts only
// the next sequence, so whichever source is first wins and the other's copy is dropped: no
// gap (each source delivers in order from where the feed stands) and no duplicate. Sources
// call `offer` on their own threads and never wait; the reader takes what has gathered in
// one batch, so a slow reader costs memory, never a stalled workflow.

/// The events of one workflow from a sequence on, in order, each once.
final class EventFeed: Sendable {
    private struct State {
        var next: Int64
        /// A terminal event before this sequence is not the end: the workflow was retried after it.
        var lastKnown: Int64
        var queue: [WorkflowEvent] = []
        var waiter: CheckedContinuation<Void, Never>?
        var ended = false
        var closed = false
    }

    private let state: Mutex<State>

    /// Creates a feed that starts at sequence `from` and ends at the first terminal event at or
    /// after `lastKnown` (the workflow's last stored sequence when the reader asked: a retried
    /// workflow has terminal events in its history that more events follow).
    init(from: Int64, lastKnown: Int64 = 0) { state = Mutex(State(next: max(1, from), lastKnown: lastKnown)) }

    /// The sequence the feed waits for next.
    var nextSequence: Int64 { state.withLock { $0.next } }

    /// Whether the terminal event has been accepted.
    var hasEnded: Bool { state.withLock { $0.ended } }

    /// Offers one event; it is kept only when it is the next one.
    func offer(_ event: WorkflowEvent) { offer([event]) }

    /// Offers events in sequence order; those not next are dropped.
    func offer(_ events: [WorkflowEvent]) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.ended, !state.closed else { return nil }
            var accepted = false
            for event in events where event.sequence == state.next {
                state.queue.append(event)
                state.next += 1
                accepted = true
                if event.type.isTerminal && event.sequence >= state.lastKnown {
                    state.ended = true
                    break
                }
            }
            guard accepted else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Wakes the reader (it then gets an empty batch when nothing came).
    func wake() {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }

    /// Stops the feed; the reader gets nil.
    func close() {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }

    /// Waits for events or a wake-up; an empty batch after a wake-up with nothing new; nil
    /// once the feed is closed, or has ended and everything was taken.
    func take() async -> [WorkflowEvent]? {
        if let ready = step() { return ready.batch }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if !state.queue.isEmpty || state.closed || state.ended { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        guard let ready = step() else { return [] }
        return ready.batch
    }

    /// `.some(batch)` when events are queued, `.some(nil)` when the feed is over, nil to wait.
    private func step() -> (batch: [WorkflowEvent]?, Void)? {
        state.withLock { state in
            if !state.queue.isEmpty {
                defer { state.queue = [] }
                return (state.queue, ())
            }
            if state.closed || state.ended { return (nil, ()) }
            return nil
        }
    }
}
