import Foundation
import WorkflowPlanning

/// One thread per workflow run that fires timed actions: retry timers, attempt deadlines,
/// grace periods and heartbeats. It sleeps on a condition until the earliest entry is due
/// (no polling); adding an entry wakes it only when that entry is the new earliest.
final class RunTimer: @unchecked Sendable {
    private struct Entry: Comparable {
        var due: Double
        var order: Int
        var action: @Sendable () -> Void
        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.due != rhs.due ? lhs.due < rhs.due : lhs.order < rhs.order
        }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.due == rhs.due && lhs.order == rhs.order }
    }

    /// Not a Mutex: the timer thread waits on it until the earliest entry is due.
    private let condition = NSCondition()
    private var entries = BinaryHeap<Entry>()
    private var counter = 0
    private var stopped = false
    private let clock: any ExecutorClock

    init(clock: any ExecutorClock, name: String) {
        self.clock = clock
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `action` on the timer thread at `due` (seconds since 1970 on the clock).
    func schedule(at due: Double, _ action: @escaping @Sendable () -> Void) {
        condition.lock()
        let wake = entries.min.map { due < $0.due } ?? true
        counter += 1
        entries.insert(Entry(due: due, order: counter, action: action))
        if wake { condition.signal() }
        condition.unlock()
    }

    /// Ends the thread; pending entries are dropped.
    func stop() {
        condition.lock()
        stopped = true
        entries = BinaryHeap()
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while !stopped {
            guard let first = entries.min else {
                condition.wait()
                continue
            }
            let wait = first.due - clock.now()
            if wait > 0 {
                _ = condition.wait(until: Date(timeIntervalSinceNow: wait))
                continue
            }
            _ = entries.popMin()
            condition.unlock()
            first.action()
            condition.lock()
        }
        condition.unlock()
    }
}
