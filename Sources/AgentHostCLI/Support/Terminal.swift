import Foundation
import WorkflowExecution

/// The terminal's size in character cells.
struct TerminalSize: Equatable {
    var columns: Int
    var rows: Int

    /// The size of the terminal on stdout; COLUMNS/LINES, then 80×24, when it cannot be read.
    static func current() -> TerminalSize {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return TerminalSize(columns: Int(size.ws_col), rows: Int(size.ws_row))
        }
        let environment = ProcessInfo.processInfo.environment
        return TerminalSize(
            columns: environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 80,
            rows: environment["LINES"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 24)
    }

    /// Calls `handler` on a background queue each time the terminal is resized (SIGWINCH).
    static func onChange(_ handler: @escaping @Sendable () -> Void) -> DispatchSourceSignal {
        let source = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        return source
    }
}

/// Colours for states: on when stdout is a terminal, off under NO_COLOR, TERM=dumb or a pipe.
struct TerminalStyle: Sendable {
    enum Color: String, Sendable {
        case red = "31", green = "32", yellow = "33", cyan = "36", dim = "2", bold = "1"
    }

    /// Whether escape sequences are written at all.
    let enabled: Bool

    static let plain = TerminalStyle(enabled: false)

    /// The style for stdout as it is now (https://no-color.org: a non-empty NO_COLOR turns colour off).
    static func forStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalStyle {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        return TerminalStyle(enabled: isatty(STDOUT_FILENO) == 1 && !noColor && environment["TERM"] != "dumb")
    }

    /// `text` in `color` when colour is on; `text` unchanged otherwise.
    func paint(_ text: String, _ color: Color?) -> String {
        guard enabled, let color, !text.isEmpty else { return text }
        return "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m"
    }

    func color(for state: WorkflowStatus.AgentState) -> Color? {
        switch state {
        case .completed: return .green
        case .failed, .cancelled: return .red
        case .skipped: return .yellow
        case .running: return .cyan
        case .waiting: return .dim
        }
    }

    func color(for state: WorkflowStatus.State) -> Color? {
        switch state {
        case .completed: return .green
        case .failed, .cancelled: return .red
        case .paused, .interrupted: return .yellow
        case .running: return .cyan
        case .pending: return nil
        }
    }
}

/// Text from agents and plugins made safe to print on one terminal line.
enum TerminalText {
    /// `text` with control characters (newlines, ESC sequences, ...) written as visible escapes.
    static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where isControl(scalar): result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` cut to `width` characters, the last one an ellipsis when something was cut.
    static func truncated(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
