import AgentCatalog

/// A command's stderr, read as lines: JSON log and progress lines go to the call's context,
/// other lines are logged as they are, and the last few are kept for failure messages.
///
/// Line formats (docs/PLUGIN_ABI.md, "Command agents"):
/// `{"level": "info", "message": "..."}` logs (levels debug, info, warning, error);
/// `{"progress": 0.5, "message": "..."}` reports progress; anything else is logged at info.
struct CommandStderr {
    /// How many lines `tail` keeps.
    static let tailLines = 8
    /// The longest line kept in `tail` or logged, in bytes; the rest is cut.
    static let maxLineBytes = 4096

    private var partial: [UInt8] = []
    private(set) var tail: [String] = []

    /// Takes `bytes` read from stderr and handles every complete line in them.
    mutating func feed(_ bytes: ArraySlice<UInt8>, context: (any AgentCallContext)?) {
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            partial += bytes[start..<newline]
            handle(partial, context: context)
            partial.removeAll(keepingCapacity: true)
            start = newline + 1
        }
        partial += bytes[start...].prefix(max(0, Self.maxLineBytes - partial.count))
    }

    /// Handles a last line without a newline (the process ended).
    mutating func finish(context: (any AgentCallContext)?) {
        guard !partial.isEmpty else { return }
        handle(partial, context: context)
        partial.removeAll()
    }

    /// The kept lines as one text for a failure message: `; stderr: "a" | "b"`, or "".
    var tailText: String {
        tail.isEmpty ? "" : "; last stderr lines: " + tail.joined(separator: " | ")
    }

    private mutating func handle(_ line: [UInt8], context: (any AgentCallContext)?) {
        let text = String(decoding: line.prefix(Self.maxLineBytes), as: UTF8.self)
        guard !text.allSatisfy(\.isWhitespace) else { return }
        if let object = try? JSONValue(parsing: line).objectValue {
            if let fraction = object["progress"]?.doubleValue {
                context?.progress(fraction, object["message"]?.stringValue)
                return
            }
            if let message = object["message"]?.stringValue {
                let level = Self.levels[object["level"]?.stringValue ?? "info"] ?? .info
                context?.log(level, message)
                remember(message)
                return
            }
        }
        context?.log(.info, text)
        remember(text)
    }

    private mutating func remember(_ line: String) {
        tail.append(line)
        if tail.count > Self.tailLines { tail.removeFirst() }
    }

    private static let levels: [String: AgentLogLevel] = [
        "debug": .debug, "info": .info, "warning": .warning, "error": .error,
    ]
}
