import AgentCatalog
import Foundation
import Synchronization

// Implementation notes
// Events get their sequence number when appended (in `appended`), in the order the
// executor decided them. `flush()` is the only place they leave: one thread at a time (the
// flusher, under `flushLock`) takes everything pending, records it in one `record` call,
// folds it into the status, keeps it for replay and hands it to subscribers. Because the
// flusher drains all that is pending, once `flush()` returns every event appended before
// the call is recorded.
// Group commit: a thread that calls flush() while another flushes waits on `turn` until
// either its events were recorded by that flusher (it returns at once) or no one flushes
// (it becomes the flusher and takes everything pending, its own and other waiters'). All
// waiters are woken together when a flush ends, so threads whose events went into one
// transaction go on together instead of taking the lock one after another.
// Pipeline (`enqueue()`): instead of waiting, a thread raises `queuedThrough` and goes on; the
// committer thread (started on the first enqueue, stopped by `stopCommitter()`) is a flusher
// like any other, so it drains everything pending in sequence order while the agents run,
// and one transaction carries every burst decided during the previous one. A flush()
// still waits for everything appended before it, whoever commits it.

/// The ordered event stream of one workflow: numbering, recording, status and subscribers.
///
/// `@unchecked Sendable`: the fields below `turn` are guarded by `flushLock` and `turn`.
final class EventLog: @unchecked Sendable {
    /// Appended events no flush has taken yet, and the number the next one gets.
    private struct Appended {
        var pending: [WorkflowEvent] = []
        var nextSequence: Int64
    }
    private let appended: Mutex<Appended>

    /// Not a Mutex: re-entrant, as a subscriber may flush or read the status inside a delivery.
    private let flushLock = NSRecursiveLock()
    /// Guards `flusher` and `recordedThrough`; signalled when a flush ends. Not a Mutex: waited on.
    private let turn = NSCondition()
    private var flusher: pthread_t?
    /// The last sequence number a flush has taken care of (recorded, or failed to).
    private var recordedThrough: Int64
    /// `recorderFailure` as of the last flush, readable without waiting for a running one.
    private var failedWith: String?
    private var history: [WorkflowEvent] = []
    private var subscribers: [Int: @Sendable (WorkflowEvent) -> Void] = [:]
    private var nextSubscriber = 0
    private var currentStatus: WorkflowStatus
    private var recorderFailure: String?
    /// Pipeline state, guarded by `turn`: the last sequence queued for the committer.
    private var queuedThrough: Int64
    private var committerStarted = false
    private var committerStopped = false
    /// Called once, on the committer thread, when one of its commits fails.
    private var commitFailureHandler: (@Sendable (String) -> Void)?
    /// Bursts queued but not committed beyond which `enqueue()` waits like `flush()`.
    static let maxQueuedEvents: Int64 = 4096

    let workflowId: String
    private let recorder: (any WorkflowRecorder)?
    private let clock: any ExecutorClock

    init(workflowId: String, firstSequence: Int64, recorder: (any WorkflowRecorder)?, clock: any ExecutorClock) {
        self.workflowId = workflowId
        self.appended = Mutex(Appended(nextSequence: firstSequence))
        self.recorder = recorder
        self.clock = clock
        self.currentStatus = WorkflowStatus(workflowId: workflowId)
        self.recordedThrough = firstSequence - 1
        self.queuedThrough = firstSequence - 1
        currentStatus.lastSequence = firstSequence - 1
    }

    /// Appends an event, numbering it; it is delivered at the next `flush()`.
    func append(
        _ type: EventType, agent: String? = nil, attempt: Int? = nil, progress: Double? = nil,
        message: String? = nil, data: JSONValue? = nil
    ) {
        let timestamp = clock.now()
        appended.withLock { appended in
            appended.pending.append(
                WorkflowEvent(
                    sequence: appended.nextSequence, workflowId: workflowId, type: type, agent: agent, attempt: attempt,
                    timestamp: timestamp, progress: progress, message: message, data: data))
            appended.nextSequence += 1
        }
    }

    /// Whether events were appended that no flush has taken yet.
    var hasPending: Bool {
        appended.withLock { !$0.pending.isEmpty }
    }

    /// Records and delivers every pending event.
    /// - Returns: the recorder's error message when recording failed (now or before).
    @discardableResult
    func flush() -> String? {
        let target = appended.withLock { $0.nextSequence - 1 }
        let me = pthread_self()
        turn.lock()
        if let flusher, pthread_equal(flusher, me) != 0 {
            // A subscriber of this log flushing from inside a delivery: nested, as before.
            turn.unlock()
            return drain()
        }
        while recordedThrough < target && flusher != nil { turn.wait() }
        if recordedThrough >= target {
            let failed = failedWith
            turn.unlock()
            return failed
        }
        flusher = me
        turn.unlock()
        let result = drain()
        turn.lock()
        flusher = nil
        turn.broadcast()
        turn.unlock()
        return result
    }

    /// Queues every pending event for the committer thread and returns without waiting for
    /// the commit (`flush()` waits). The committer records them in sequence order, after
    /// everything appended before them. Waits like `flush()` when more than
    /// `maxQueuedEvents` are queued, and after `stopCommitter()`.
    /// - Parameter onFailure: called on the committer thread when its commit fails (once).
    /// - Returns: the recorder's error message when recording has failed already.
    func enqueue(onFailure: @escaping @Sendable (String) -> Void) -> String? {
        guard recorder != nil else { return flush() }
        let target = appended.withLock { $0.nextSequence - 1 }
        turn.lock()
        if committerStopped || target - recordedThrough > Self.maxQueuedEvents {
            turn.unlock()
            return flush()
        }
        if !committerStarted {
            committerStarted = true
            commitFailureHandler = onFailure
            let thread = Thread { [self] in commitLoop() }
            thread.name = "agenthost-commit-\(workflowId)"
            thread.start()
        }
        if target > queuedThrough {
            queuedThrough = target
            turn.broadcast()
        }
        let failed = failedWith
        turn.unlock()
        return failed
    }

    /// Ends the committer thread once it is idle; later `enqueue()` calls flush instead.
    func stopCommitter() {
        turn.lock()
        committerStopped = true
        turn.broadcast()
        turn.unlock()
    }

    /// The committer thread: a flusher whenever something is queued and no one else flushes.
    private func commitLoop() {
        let me = pthread_self()
        turn.lock()
        while true {
            while !committerStopped && (recordedThrough >= queuedThrough || flusher != nil) { turn.wait() }
            if recordedThrough >= queuedThrough || flusher != nil { break }
            let failedBefore = failedWith != nil
            flusher = me
            turn.unlock()
            drain()
            turn.lock()
            flusher = nil
            turn.broadcast()
            if !failedBefore, let failure = failedWith, let handler = commitFailureHandler {
                commitFailureHandler = nil
                turn.unlock()
                handler(failure)
                turn.lock()
            }
        }
        turn.unlock()
    }

    /// Takes every pending event, records, folds and delivers it; sets `recordedThrough`.
    @discardableResult
    private func drain() -> String? {
        flushLock.lock()
        defer { flushLock.unlock() }
        let batch = appended.withLock { appended -> [WorkflowEvent] in
            guard !appended.pending.isEmpty else { return [] }
            defer { appended.pending.removeAll(keepingCapacity: true) }
            return appended.pending
        }
        if batch.isEmpty { return recorderFailure }
        defer {
            turn.lock()
            recordedThrough = max(recordedThrough, batch[batch.count - 1].sequence)
            failedWith = recorderFailure
            turn.unlock()
        }
        if let recorder, recorderFailure == nil {
            do {
                try recorder.record(batch)
            } catch {
                recorderFailure = "\(error)"
            }
        }
        for event in batch {
            currentStatus.apply(event)
            history.append(event)
        }
        if !subscribers.isEmpty {
            let handlers = subscribers.sorted { $0.key < $1.key }.map(\.value)
            for event in batch {
                for handler in handlers { handler(event) }
            }
        }
        return recorderFailure
    }

    /// The recorder's failure, if recording failed.
    var failure: String? {
        flushLock.lock()
        defer { flushLock.unlock() }
        return recorderFailure
    }

    /// The status folded from every delivered event.
    var status: WorkflowStatus {
        flushLock.lock()
        defer { flushLock.unlock() }
        return currentStatus
    }

    /// Every delivered event.
    var events: [WorkflowEvent] {
        flushLock.lock()
        defer { flushLock.unlock() }
        return history
    }

    /// Replays delivered events from `sequence`, then delivers new ones as they come.
    func subscribe(from sequence: Int64, _ handler: @escaping @Sendable (WorkflowEvent) -> Void) -> Int {
        flushLock.lock()
        defer { flushLock.unlock() }
        if let first = history.first {
            let start = max(0, Int(sequence - first.sequence))
            if start < history.count {
                for event in history[start...] { handler(event) }
            }
        }
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = handler
        return id
    }

    /// Stops delivering to subscriber `id`.
    func unsubscribe(_ id: Int) {
        flushLock.lock()
        subscribers[id] = nil
        flushLock.unlock()
    }

    /// Calls the recorder's heartbeat.
    func heartbeat() -> String? {
        guard let recorder else { return nil }
        do {
            try recorder.heartbeat(workflowId: workflowId, timestamp: clock.now())
            return nil
        } catch {
            flushLock.lock()
            if recorderFailure == nil { recorderFailure = "\(error)" }
            let failure = recorderFailure
            flushLock.unlock()
            turn.lock()
            failedWith = failure
            turn.unlock()
            return "\(error)"
        }
    }
}
