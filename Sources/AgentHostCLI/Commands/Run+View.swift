import AgentCatalog
import Foundation
import WorkflowExecution

/// What `agenthost run` shows while a workflow runs, and the summary at the end.
final class RunView: @unchecked Sendable {
    enum Mode { case live, plain, json }

    private let mode: Mode
    private let handle: WorkflowHandle
    private let lock = NSLock()
    private var drawnLines = 0
    private var done = false
    private var subscription: EventSubscription?
    private let finishedDrawing = DispatchSemaphore(value: 0)

    init(mode: Mode, handle: WorkflowHandle) {
        self.mode = mode
        self.handle = handle
        switch mode {
        case .json:
            subscription = handle.subscribe { event in write(event.json.compactText + "\n") }
        case .plain:
            subscription = handle.subscribe { event in
                if let line = RunView.plainLine(event) { write(line + "\n") }
            }
        case .live:
            let thread = Thread { [self] in drawLoop() }
            thread.name = "agenthost-live-view"
            thread.start()
        }
    }

    /// Stops the live view and prints the summary table (not in JSON mode).
    func finish(_ status: WorkflowStatus) {
        lock.lock()
        done = true
        lock.unlock()
        if mode == .live { finishedDrawing.wait() }
        subscription?.cancel()
        guard mode != .json else { return }
        write(RunView.summary(status))
    }

    // MARK: - Live view (redrawn at most 10 times a second)

    private func drawLoop() {
        while true {
            lock.lock()
            let stop = done
            lock.unlock()
            draw(handle.status())
            if stop { break }
            usleep(100_000)
        }
        finishedDrawing.signal()
    }

    private func draw(_ status: WorkflowStatus) {
        var lines: [String] = []
        let total = status.order.count
        let eta = status.etaSeconds.map { " · ETA \(RunView.seconds($0))" } ?? ""
        let cancelled = status.count(.cancelled) > 0 ? " · \(status.count(.cancelled)) cancelled" : ""
        lines.append(
            "\(status.workflowId) · \(status.state.rawValue) · \(status.count(.completed))/\(total) completed · "
                + "\(status.count(.running)) running · \(status.count(.failed)) failed\(cancelled) · "
                + "\(status.count(.skipped)) skipped\(eta)")
        let now = Date().timeIntervalSince1970
        for name in status.order {
            guard let record = status.agents[name], record.state == .running else { continue }
            let fraction = record.progress ?? 0
            let filled = Int((fraction * 20).rounded())
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled)
            let elapsed = record.startedAt.map { RunView.seconds(now - $0) } ?? ""
            let attempt = record.attempts > 1 ? " (attempt \(record.attempts))" : ""
            lines.append(
                "  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) [\(bar)] "
                    + "\(String(format: "%3.0f", fraction * 100))%  \(elapsed)\(attempt)")
        }
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)F\u{1B}[J" : ""
        text += lines.joined(separator: "\n") + "\n"
        drawnLines = lines.count
        write(text)
    }

    // MARK: - Plain lines

    static func plainLine(_ event: WorkflowEvent) -> String? {
        let time = Date(timeIntervalSince1970: event.timestamp)
        let stamp = timeFormatter.string(from: time)
        let agent = event.agent.map { " \($0)" } ?? ""
        let attempt = event.attempt.map { " #\($0)" } ?? ""
        switch event.type {
        case .agentProgress: return nil
        case .agentCompleted:
            let duration = event.data?["duration_seconds"]?.doubleValue.map { " in \(seconds($0))" } ?? ""
            return "\(stamp) \(event.type.rawValue)\(agent)\(attempt)\(duration)"
        default:
            let message = event.message.map { ": \($0)" } ?? ""
            return "\(stamp) \(event.type.rawValue)\(agent)\(attempt)\(message)"
        }
    }

    static func summary(_ status: WorkflowStatus) -> String {
        var table = TextTable("AGENT", "STATE", "ATTEMPTS", "DURATION", "NOTE")
        for name in status.order {
            guard let record = status.agents[name] else { continue }
            let duration = record.startedAt.flatMap { start in record.finishedAt.map { seconds($0 - start) } } ?? "-"
            table.append([name, record.state.rawValue, "\(record.attempts)", duration, record.message ?? ""])
        }
        let elapsed = status.startedAt.flatMap { start in status.finishedAt.map { seconds($0 - start) } } ?? "-"
        return "\n" + table.render()
            + "\nworkflow \(status.workflowId) \(status.state.rawValue) in \(elapsed)"
            + (status.message.map { ": \($0)" } ?? "") + "\n"
    }

    static func seconds(_ value: Double) -> String { DurationText.describe(value) }

    private static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss.SSS"
        return formatter
    }()
}

/// Writes to stdout without buffering surprises between threads.
private func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
