import AgentCatalog
import ArgumentParser
import Foundation
import WorkflowExecution
import WorkflowStore

extension AgentHost {
    /// `agenthost events ID`: a workflow's events from the store, optionally as they happen.
    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a workflow's events from the store, from the first or from --from SEQ.",
            discussion: """
                One line per event (time, type, agent, attempt, message), or one JSON object per line \
                with --json. --follow keeps printing new events, also while another process runs the \
                workflow, until it ends or its host is gone.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var log: LogOptions
        @Argument(help: "The workflow id.") var id: String
        @Option(help: ArgumentHelp("Print events from this sequence number on.", valueName: "seq")) var from: Int64 = 1
        @Flag(help: "Keep printing new events until the workflow ends.") var follow = false
        @Flag(help: "Print one JSON event per line.") var json = false

        func validate() throws {
            guard from >= 1 else { throw ValidationError("--from must be at least 1 (sequences start at 1), got \(from)") }
        }

        func run() throws {
            let reader = try StoredEvents(store: store, workflowId: id)
            try reader.read(after: from - 1, follow: follow) { event in
                if json { return event.json.compactText }
                return RunView.plainLine(event, includeProgress: true)
            }
        }
    }

    /// `agenthost logs ID [AGENT]`: agents' log lines and their attempts' errors.
    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the log lines agents wrote and the errors of their attempts.",
            discussion: """
                Without AGENT, every agent's lines in the order they happened. Each line shows the \
                time, the agent, the attempt and the level (or `error`/`retry` for a failed attempt). \
                --follow keeps printing while the workflow runs; --json prints the events themselves.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var log: LogOptions
        @Argument(help: "The workflow id.") var id: String
        @Argument(help: "Only this agent's lines.") var agent: String?
        @Flag(help: "Keep printing new lines until the workflow ends.") var follow = false
        @Flag(help: "Print one JSON event per line.") var json = false

        func run() throws {
            let reader = try StoredEvents(store: store, workflowId: id)
            if let agent { try reader.requireAgent(agent) }
            try reader.read(after: 0, follow: follow) { event in
                guard agent == nil || event.agent == agent, let line = Self.logLine(event) else { return nil }
                return json ? event.json.compactText : line
            }
        }

        /// A log line, a failed attempt or a retry as one line; nil for other events.
        static func logLine(_ event: WorkflowEvent) -> String? {
            let level: String
            switch event.type {
            case .agentLog: level = event.data?["level"]?.stringValue ?? "info"
            case .agentFailed: level = "error"
            case .agentRetrying: level = "retry"
            default: return nil
            }
            let stamp = RunView.timeFormatter.string(from: Date(timeIntervalSince1970: event.timestamp))
            let attempt = event.attempt.map { " #\($0)" } ?? ""
            let message = TerminalText.sanitized(event.message ?? "")
            return "\(stamp) \(event.agent ?? "-")\(attempt) \(level): \(message)"
        }
    }

    /// `agenthost output ID AGENT [FIELD]`: an agent's committed output.
    struct Output: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an agent's committed output, or one field of it.",
            discussion: """
                FIELD is a dotted path into the output (`markdown`, `checks.0.name`). A string field \
                is printed as it is (so `agenthost output ID writer markdown > draft.md` writes the \
                text); anything else as JSON. --json always prints JSON. Exit 2 when the agent has no \
                committed output or the field is missing.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var log: LogOptions
        @Argument(help: "The workflow id.") var id: String
        @Argument(help: "The agent.") var agent: String
        @Argument(help: "A dotted path into the output.") var field: String?
        @Flag(help: "Print JSON, also for a string field.") var json = false

        func run() throws {
            let reader = try StoredEvents(store: store, workflowId: id)
            try reader.requireAgent(agent)
            let stored = try store.attempt { () throws(StoreError) in
                try reader.database.output(workflowId: id, agent: agent)
            }
            guard let output = stored else {
                let state = reader.status.agents[agent]?.state.rawValue ?? "waiting"
                reportError("\(agent) has no committed output in \(id) (it is \(state)); `agenthost logs \(id) \(agent)` shows why")
                throw HostExit.inputError
            }
            var value = JSONValue.object(output)
            if let field {
                guard let found = Self.lookup(field, in: value) else {
                    let keys = output.keys.sorted().joined(separator: ", ")
                    reportError("\(agent)'s output in \(id) has no field `\(field)`; its fields are \(keys)")
                    throw HostExit.inputError
                }
                value = found
            }
            if !json, let text = value.stringValue {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            } else {
                print(value.prettyText)
            }
        }

        /// The value at a dotted path: object keys, and array indices as numbers.
        static func lookup(_ path: String, in value: JSONValue) -> JSONValue? {
            var current = value
            for part in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
                if let object = current.objectValue, let next = object[part] {
                    current = next
                } else if let array = current.arrayValue, let index = Int(part), array.indices.contains(index) {
                    current = array[index]
                } else {
                    return nil
                }
            }
            return current
        }
    }
}

/// A workflow's events read from the store, once or followed while it runs.
struct StoredEvents {
    let database: SQLiteStore
    let status: WorkflowStatus
    private let options: StoreOptions
    private let workflowId: String

    /// Opens the store and reads the workflow's status; exits 2 for a missing store or an unknown id.
    init(store options: StoreOptions, workflowId: String) throws {
        self.options = options
        self.workflowId = workflowId
        database = try options.openExisting(for: "reading events")
        let database = self.database
        status = try options.attempt { () throws(StoreError) in try database.status(workflowId: workflowId) }
    }

    /// Exits 2 naming the workflow's agents when `agent` is not one of them.
    func requireAgent(_ agent: String) throws {
        guard status.agents[agent] == nil else { return }
        let suggestion = NameSuggestion.didYouMean(agent, among: status.order)
        reportError("\(workflowId) has no agent `\(agent)`\(suggestion) (its agents: \(status.order.joined(separator: ", ")))")
        throw HostExit.inputError
    }

    /// Prints `line(event)` for each event after `sequence` (skipping nil); with `follow`,
    /// polls for new ones every 200 ms until the workflow ends or its host is gone.
    func read(after sequence: Int64, follow: Bool, line: (WorkflowEvent) -> String?) throws {
        var last = sequence
        while true {
            let batch = try options.attempt { () throws(StoreError) in
                try database.events(workflowId: workflowId, after: last, limit: 10_000)
            }
            for event in batch {
                if let text = line(event) { print(text) }
                last = event.sequence
            }
            guard batch.isEmpty else { continue }
            guard follow else { return }
            fflush(nil)
            let state = try options.attempt { () throws(StoreError) in
                try database.status(workflowId: workflowId).state
            }
            if state.isFinished || state == .interrupted {
                // One more read: events written between the batch and the state check.
                let rest = try options.attempt { () throws(StoreError) in
                    try database.events(workflowId: workflowId, after: last)
                }
                for event in rest { if let text = line(event) { print(text) } }
                if state == .interrupted {
                    reportError("\(workflowId) is interrupted (its host is gone); `agenthost resume \(workflowId)` finishes it")
                }
                return
            }
            usleep(200_000)
        }
    }
}
