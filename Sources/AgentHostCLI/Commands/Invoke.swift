import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation
import WorkflowExecution

extension AgentHost {
    /// `agenthost invoke AGENT --input JSON|@FILE`: run one agent once, print its output.
    struct Invoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one agent once and print its JSON output (the plugin author's everyday tool).",
            discussion: """
                The input is merged into the standard agent input {"workflow_id", "agent", "attempt", \
                "campaign", "inputs", "artifacts_dir", "base_dir"}: pass {"campaign": {...}, "inputs": \
                {...}} to fill those, or plain fields such as {"x": 27} for a c-function agent. \
                The agent runs as a workflow would run it: in a worker process when its manifest says \
                "isolation": "process", under its timeout_seconds (a crash is reported with its signal, \
                a timeout as a timeout), with no retries unless --retries asks for them. Logs, progress \
                and anything the plugin prints go to stderr; only the output goes to stdout. Exit 1 when \
                the agent fails, crashes or times out (a process-isolated agent that cannot be loaded \
                fails in its worker); 2 when the agent is unknown or an in-process one cannot be loaded.
                """
        )

        @OptionGroup var host: HostOptions
        @Argument(help: "The agent to run.") var agent: String
        @Option(help: ArgumentHelp("The input: a JSON object, or @FILE to read one.", valueName: "json|@file"))
        var input: String = "{}"
        @Option(help: ArgumentHelp("Folder for the agent's files (default .agenthost/invoke/AGENT).", valueName: "dir"))
        var out: String?
        @Option(
            help: ArgumentHelp(
                "Retry a retryable failure (or a crash, or a timeout) up to N times with the executor's backoff.",
                valueName: "n"))
        var retries: Int = 0

        func validate() throws {
            guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        }

        func run() throws {
            let discovery = host.discover()
            guard let manifest = discovery.catalog.agent(named: agent) else {
                warnAboutProblems(discovery)
                let known = discovery.catalog.agents.map(\.name).joined(separator: ", ")
                let suggestion = NameSuggestion.didYouMean(agent, among: discovery.catalog.agents.map(\.name))
                reportError("no agent named '\(agent)'; known agents: \(known.isEmpty ? "none" : known)\(suggestion)")
                throw HostExit.inputError
            }
            let fields = try readInput()
            // Before any plugin can load: the output goes to a private copy of fd 1.
            try CommandOutput.protect()
            let logger = host.makeLogger()
            let runner = PluginAgentRunner(runtime: host.makeRuntime(logger: logger), logger: logger)
            if manifest.isolation == .inProcess {
                // Loading in this process says what is wrong (exit 2); a process-isolated agent
                // is loaded in its worker only, so a crashing `init` cannot take invoke down.
                do throws(AgentRuntimeError) {
                    _ = try runner.runtime.load(manifest)
                } catch {
                    reportError(error.description)
                    throw HostExit.inputError
                }
            }
            let folder = out ?? ".agenthost/invoke/\(manifest.name)"
            var envelope: JSONObject = [
                "workflow_id": .string("invoke-\(manifest.name)-\(getpid())"), "agent": .string(manifest.name),
                "campaign": .object([:]), "inputs": .object([:]),
                "artifacts_dir": .string(absolutePath(folder)),
                "base_dir": .string(FileManager.default.currentDirectoryPath),
            ]
            envelope.merge(fields) { _, given in given }
            let first = Int(fields["attempt"]?.integerValue ?? 1)
            let invocation = AgentInvocation(manifest: manifest, input: envelope, firstAttempt: first, retries: retries)
            let result = invocation.run(with: runner, context: StandardErrorCallContext(agent: manifest.name))
            // An abandoned in-process call still runs: leave it behind rather than wait for it.
            if !result.abandoned { runner.shutdown() }
            switch result.outcome {
            case .succeeded(let output):
                CommandOutput.write(JSONValue.object(output).prettyText + "\n")
            case .failed(let message, _):
                reportError("agent '\(manifest.name)' failed\(Self.describe(result)): \(message)")
                throw HostExit.workflowFailed
            case .cancelled(let message):
                reportError("agent '\(manifest.name)' cancelled\(message.map { ": \($0)" } ?? "")")
                throw HostExit.workflowFailed
            }
        }

        /// ` (timed out, crashed with SIGSEGV, after 3 attempts)`, or nothing for a plain failure.
        private static func describe(_ result: AgentInvocation.Result) -> String {
            var notes: [String] = []
            if result.timedOut { notes.append("timed out") }
            if let signal = result.signal, !result.timedOut { notes.append("crashed with \(signal)") }
            if result.attempts > 1 { notes.append("after \(result.attempts) attempts") }
            return notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")"
        }

        /// The `--input` object, from the argument or from the file after `@`.
        private func readInput() throws -> JSONObject {
            let source: String
            let bytes: [UInt8]
            if input.hasPrefix("@") {
                source = String(input.dropFirst())
                guard let data = FileManager.default.contents(atPath: source) else {
                    reportError("cannot read input file '\(source)'")
                    throw HostExit.inputError
                }
                bytes = Array(data)
            } else {
                source = "--input"
                bytes = Array(input.utf8)
            }
            let value: JSONValue
            do throws(JSONParseError) {
                value = try JSONValue(parsing: bytes)
            } catch {
                reportError("\(source): not valid JSON: \(error)")
                throw HostExit.inputError
            }
            guard let object = value.objectValue else {
                reportError("\(source): expected a JSON object, found \(value.typeDescription)")
                throw HostExit.inputError
            }
            return object
        }
    }
}

/// Resolves `path` against the current directory.
func absolutePath(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
}

/// Host services for a single call outside a workflow: logs and progress go to stderr.
struct StandardErrorCallContext: AgentCallContext {
    let agent: String

    func log(_ level: AgentLogLevel, _ message: String) {
        var standardError = StandardError()
        print("[\(agent)] \(level): \(message)", to: &standardError)
    }

    func progress(_ fraction: Double, _ message: String?) {
        var standardError = StandardError()
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded())
        print("[\(agent)] \(percent)%\(message.map { " \($0)" } ?? "")", to: &standardError)
    }

    var isCancelled: Bool { false }
}
