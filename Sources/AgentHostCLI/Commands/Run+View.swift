import AgentCatalog
import Foundation
import Synchronization
import WorkflowExecution

/// What `agenthost run` shows while a workflow runs, and the summary at the end.
///
/// Implementation notes: the live view redraws a small area at the bottom of the terminal at
/// most ten times a second: a header, then one line per running agent. Every line is cut to
/// the terminal's width (re-read on SIGWINCH) so that none wraps, and the area is at most the
/// terminal's height less one, so it never scrolls; the cursor goes back up by exactly the
/// rows it drew. An agent that finishes is printed once above the area as a compact line and
/// stays in the scrollback (as Ninja and Docker buildx do).
/// Plain and JSON lines are formatted and written by an `EventPrinter` thread: a subscriber is
/// called inside the executor's flush, on the thread that would start the next agent, so it
/// only queues the event.
///
/// `@unchecked Sendable`: `frame` belongs to the drawing thread; `subscription`, `resize` and `printer`
/// are set in `init` and only read after it.
final class RunView: @unchecked Sendable {
    enum Mode { case live, plain, json, quiet }

    private let mode: Mode
    private let handle: WorkflowHandle
    private let style: TerminalStyle
    /// What other threads tell the drawing thread: stop, or redraw for a new terminal size.
    private struct Signals {
        var done = false
        /// Set when SIGWINCH arrived: the previous lines may now wrap, so erase by rows, not lines.
        var terminalResized = false
    }
    private let signals = Mutex(Signals())
    private var subscription: EventSubscription?
    private let finishedDrawing = DispatchSemaphore(value: 0)
    private var frame = LiveFrame()
    private var resize: DispatchSourceSignal?
    private var printer: EventPrinter?

    init(mode: Mode, handle: WorkflowHandle, style: TerminalStyle) {
        self.mode = mode
        self.handle = handle
        self.style = style
        switch mode {
        case .json:
            let printer = EventPrinter { $0.json.compactText }
            self.printer = printer
            subscription = handle.subscribe { event in printer.enqueue(event) }
        case .plain:
            let printer = EventPrinter { RunView.plainLine($0) }
            self.printer = printer
            subscription = handle.subscribe { event in printer.enqueue(event) }
        case .quiet:
            break
        case .live:
            resize = TerminalSize.onChange { [self] in
                signals.withLock { $0.terminalResized = true }
            }
            let thread = Thread { [self] in drawLoop() }
            thread.name = "agenthost-live-view"
            thread.start()
        }
    }

    /// Stops the live view and prints the summary table (not in JSON mode).
    func finish(_ status: WorkflowStatus) {
        signals.withLock { $0.done = true }
        if mode == .live { finishedDrawing.wait() }
        resize?.cancel()
        subscription?.cancel()
        printer?.close()  // every event line is out before the summary
        guard mode != .json else { return }
        write(RunView.summary(status, style: style))
    }

    // MARK: - Live view

    private func drawLoop() {
        var tick = 0
        while true {
            let (stop, resized) = signals.withLock { signals in
                defer { signals.terminalResized = false }
                return (signals.done, signals.terminalResized)
            }
            let size = TerminalSize.current()
            let status = handle.status()
            let now = Date().timeIntervalSince1970
            write(frame.render(status, now: now, tick: tick, size: size, resized: resized, style: style, final: stop))
            if stop { break }
            tick += 1
            usleep(100_000)
        }
        finishedDrawing.signal()
    }

    // MARK: - Plain lines

    /// One line for an event (time, type, agent, attempt, message); nil for progress unless asked.
    static func plainLine(_ event: WorkflowEvent, includeProgress: Bool = false) -> String? {
        let stamp = clockTime(event.timestamp)
        let agent = event.agent.map { " \($0)" } ?? ""
        let attempt = event.attempt.map { " #\($0)" } ?? ""
        switch event.type {
        case .agentProgress:
            guard includeProgress else { return nil }
            let percent = event.progress.map { " \(Int(($0 * 100).rounded())) %" } ?? ""
            let message = event.message.map { ": \(TerminalText.sanitized($0))" } ?? ""
            return "\(stamp) \(event.type.rawValue)\(agent)\(attempt)\(percent)\(message)"
        case .agentCompleted:
            let duration = event.data?["duration_seconds"]?.doubleValue.map { " in \(seconds($0))" } ?? ""
            return "\(stamp) \(event.type.rawValue)\(agent)\(attempt)\(duration)"
        default:
            let message = event.message.map { ": \(TerminalText.sanitized($0))" } ?? ""
            return "\(stamp) \(event.type.rawValue)\(agent)\(attempt)\(message)"
        }
    }

    static func summary(_ status: WorkflowStatus, style: TerminalStyle = .plain) -> String {
        var table = TextTable("AGENT", "STATE", "ATTEMPTS", "DURATION", "NOTE")
        for name in status.order {
            guard let record = status.agents[name] else { continue }
            let duration = record.startedAt.flatMap { start in record.finishedAt.map { seconds($0 - start) } } ?? "-"
            table.append([
                name, record.state.rawValue, "\(record.attempts)", duration,
                TerminalText.sanitized(record.message ?? ""),
            ])
        }
        let elapsed = status.startedAt.flatMap { start in status.finishedAt.map { seconds($0 - start) } } ?? "-"
        let outcome = style.paint(status.state.rawValue, style.color(for: status.state))
        return "\n" + table.render()
            + "\nworkflow \(status.workflowId) \(outcome) in \(elapsed)"
            + (status.message.map { ": \(TerminalText.sanitized($0))" } ?? "") + "\n"
    }

    static func seconds(_ value: Double) -> String { DurationText.describe(value) }

    /// `timestamp` (Unix seconds) as local HH:mm:ss.SSS, as `timeFormatter` writes it, without
    /// a DateFormatter call (several µs each, once per event line).
    static func clockTime(_ timestamp: Double) -> String {
        let whole = timestamp.rounded(.down)
        var seconds = time_t(whole)
        var parts = tm()
        localtime_r(&seconds, &parts)
        let milliseconds = min(999, max(0, Int((timestamp - whole) * 1000)))
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)"
    }

    static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss.SSS"
        return formatter
    }()
}

/// Writes to the command's output (stdout, or its private copy after `CommandOutput.protect()`)
/// without buffering surprises between threads.
private func write(_ text: String) {
    guard !text.isEmpty else { return }
    CommandOutput.write(text)
}

/// Formats and writes event lines on its own thread, in the order they came, a batch per
/// write. `enqueue` only appends under a lock and wakes no one: the thread looks every 20 ms,
/// so the executor thread that delivers an event never waits on formatting or on the terminal.
// Not a Mutex: the printer thread waits on the condition for events or the close.
final class EventPrinter: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [WorkflowEvent] = []
    private var closed = false
    private let finished = DispatchSemaphore(value: 0)
    private let format: @Sendable (WorkflowEvent) -> String?

    /// Starts the thread; `format` gives an event's line (without newline), nil to skip it.
    init(format: @escaping @Sendable (WorkflowEvent) -> String?) {
        self.format = format
        let thread = Thread { [self] in loop() }
        thread.name = "agenthost-events"
        thread.start()
    }

    func enqueue(_ event: WorkflowEvent) {
        condition.lock()
        queue.append(event)
        condition.unlock()
    }

    /// Writes what is queued and stops the thread; returns when everything is written.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
        finished.wait()
    }

    private func loop() {
        var batch: [WorkflowEvent] = []
        while true {
            condition.lock()
            if queue.isEmpty && !closed { _ = condition.wait(until: Date(timeIntervalSinceNow: 0.02)) }
            swap(&batch, &queue)
            let stop = closed && batch.isEmpty
            condition.unlock()
            if stop { break }
            var text = ""
            for event in batch {
                guard let line = format(event) else { continue }
                text += line
                text += "\n"
            }
            write(text)
            batch.removeAll(keepingCapacity: true)
        }
        finished.signal()
    }
}
