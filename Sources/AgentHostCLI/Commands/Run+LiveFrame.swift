import AgentCatalog
import Foundation
import WorkflowExecution

/// One redraw of `agenthost run`'s live area, and what it must erase of the previous one.
///
/// The area is a header and a line per running agent, each cut to the terminal's width less
/// one (so no line wraps) and at most the terminal's height less one (so the area never
/// scrolls). Agents that finished since the last frame are printed once above it.
struct LiveFrame {
    /// The visible length of each line of the area drawn last.
    private var drawnLengths: [Int] = []
    /// Agents already printed as finished.
    private var reported: Set<String> = []

    private static let spinner = ["|", "/", "-", "\\"]

    /// The text that replaces the previous frame with this one. `final` erases the area and
    /// prints only the finished agents, for the summary to follow.
    mutating func render(
        _ status: WorkflowStatus, now: Double, tick: Int, size: TerminalSize, resized: Bool, style: TerminalStyle,
        final: Bool
    ) -> String {
        let width = max(10, size.columns - 1)
        var text = erase(columns: size.columns, resized: resized)
        for name in status.order where !reported.contains(name) {
            guard let record = status.agents[name], record.state.isFinal else { continue }
            reported.insert(name)
            text += finishedLine(name, record, width: width, style: style) + "\n"
        }
        guard !final else {
            drawnLengths = []
            return text
        }
        let lines = areaLines(status, now: now, tick: tick, maxLines: max(1, size.rows - 1))
        drawnLengths = []
        for (line, color) in lines {
            let cut = TerminalText.truncated(line, to: width)
            drawnLengths.append(cut.count)
            text += style.paint(cut, color) + "\n"
        }
        return text
    }

    // MARK: - Lines

    private func areaLines(
        _ status: WorkflowStatus, now: Double, tick: Int, maxLines: Int
    ) -> [(String, TerminalStyle.Color?)] {
        let total = status.order.count
        let eta = Self.eta(status, now: now).map { " · ETA \(DurationText.describe($0))" } ?? ""
        let elapsed = status.startedAt.map { " · \(DurationText.describe(max(0, now - $0)))" } ?? ""
        let cancelled = status.count(.cancelled) > 0 ? " · \(status.count(.cancelled)) cancelled" : ""
        let skipped = status.count(.skipped) > 0 ? " · \(status.count(.skipped)) skipped" : ""
        var lines: [(String, TerminalStyle.Color?)] = [(
            "\(status.workflowId) · \(status.state.rawValue) · \(status.count(.completed))/\(total) completed · "
                + "\(status.count(.running)) running · \(status.count(.failed)) failed\(cancelled)\(skipped)"
                + "\(elapsed)\(eta)",
            .bold
        )]
        let running = status.order.filter { status.agents[$0]?.state == .running }
        let room = maxLines - 1
        let shown = running.count > room ? max(0, room - 1) : running.count
        for name in running.prefix(shown) {
            guard let record = status.agents[name] else { continue }
            lines.append((runningLine(name, record, now: now, tick: tick), .cyan))
        }
        if shown < running.count { lines.append(("  … and \(running.count - shown) more running", .dim)) }
        return Array(lines.prefix(maxLines))
    }

    private func runningLine(_ name: String, _ record: WorkflowStatus.AgentRecord, now: Double, tick: Int) -> String {
        let elapsed = record.startedAt.map { DurationText.describe(max(0, now - $0)) } ?? ""
        let attempt = record.attempts > 1 ? " (attempt \(record.attempts))" : ""
        let label = "  \(name.padding(toLength: max(20, name.count), withPad: " ", startingAt: 0))"
        guard let fraction = record.reportedProgress else {
            // No progress reported: a spinner and the time it has run, never a bar stuck at 0 %.
            return "\(label) \(Self.spinner[tick % Self.spinner.count]) \(elapsed)\(attempt)"
        }
        let filled = Int((min(1, max(0, fraction)) * 20).rounded())
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled)
        return "\(label) [\(bar)] \(String(format: "%3.0f", fraction * 100))%  \(elapsed)\(attempt)"
    }

    private func finishedLine(
        _ name: String, _ record: WorkflowStatus.AgentRecord, width: Int, style: TerminalStyle
    ) -> String {
        let duration = record.startedAt.flatMap { start in record.finishedAt.map { DurationText.describe($0 - start) } }
        var detail = duration.map { " · \($0)" } ?? ""
        if record.attempts > 1 { detail += " · \(record.attempts) attempts" }
        if record.state != .completed, let message = record.message {
            detail += ": " + TerminalText.sanitized(message)
        }
        let word = record.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
        let line = TerminalText.truncated("  \(word) \(name)\(detail)", to: width)
        // Colour only the state word, so the cut is made on visible characters.
        let prefix = "  \(word)"
        guard line.hasPrefix(prefix) else { return line }
        return "  " + style.paint(word, style.color(for: record.state)) + line.dropFirst(prefix.count)
    }

    // MARK: - Erasing and the ETA

    /// Moves the cursor back to the area's first row and clears to the end of the screen.
    private func erase(columns: Int, resized: Bool) -> String {
        guard !drawnLengths.isEmpty else { return "" }
        let rows = resized
            ? drawnLengths.reduce(0) { $0 + max(1, ($1 + columns - 1) / max(1, columns)) }
            : drawnLengths.count
        // CUU (cursor up) and ED (erase below): understood by every terminal emulator.
        return "\r\u{1B}[\(rows)A\u{1B}[J"
    }

    /// Seconds left, counting down between progress reports: a running agent that reports no
    /// progress has its estimate less the time it has run left; scaled like `etaSeconds`.
    static func eta(_ status: WorkflowStatus, now: Double) -> Double? {
        guard !status.state.isFinished else { return nil }
        let estimates = status.order.compactMap { status.agents[$0]?.estimateSeconds }
        guard !estimates.isEmpty else { return nil }
        let total = estimates.reduce(0, +)
        let remaining = status.order.reduce(0.0) { sum, name in
            guard let record = status.agents[name], let estimate = record.estimateSeconds else { return sum }
            switch record.state {
            case .waiting: return sum + estimate
            case .running:
                if let progress = record.reportedProgress { return sum + estimate * (1 - progress) }
                return sum + max(0, estimate - (record.startedAt.map { now - $0 } ?? 0))
            default: return sum
            }
        }
        let parallelism = total > 0 ? (status.estimatedSeconds ?? total) / total : 1
        return remaining * min(1, parallelism)
    }
}

extension WorkflowStatus.AgentRecord {
    /// The progress the agent reported, nil while it has reported none (a start records 0).
    var reportedProgress: Double? { (progress ?? 0) > 0 ? progress : nil }
}
