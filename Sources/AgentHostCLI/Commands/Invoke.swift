import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation

extension AgentHost {
    /// `agenthost invoke AGENT --input JSON|@FILE`: run one agent once, print its output.
    struct Invoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one agent once and print its JSON output (the plugin author's everyday tool).",
            discussion: """
                The input is merged into the standard agent input {"workflow_id", "agent", "attempt", \
                "campaign", "inputs", "artifacts_dir", "base_dir"}: pass {"campaign": {...}, "inputs": \
                {...}} to fill those, or plain fields such as {"x": 27} for a c-function agent. \
                Logs and progress go to stderr; the output goes to stdout. Exit 1 when the agent fails.
                """
        )

        @OptionGroup var host: HostOptions
        @Argument(help: "The agent to run.") var agent: String
        @Option(help: ArgumentHelp("The input: a JSON object, or @FILE to read one.", valueName: "json|@file"))
        var input: String = "{}"
        @Option(help: ArgumentHelp("Folder for the agent's files (default .agenthost/invoke/AGENT).", valueName: "dir"))
        var out: String?

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
            let logger = host.makeLogger()
            let runtime = host.makeRuntime(logger: logger)
            defer { runtime.shutdownAll() }
            let loaded: LoadedAgent
            do throws(AgentRuntimeError) {
                loaded = try runtime.load(manifest)
            } catch {
                reportError(error.description)
                throw HostExit.inputError
            }
            let folder = out ?? ".agenthost/invoke/\(manifest.name)"
            var envelope: JSONObject = [
                "workflow_id": .string("invoke-\(manifest.name)-\(getpid())"), "agent": .string(manifest.name),
                "attempt": 1, "campaign": .object([:]), "inputs": .object([:]),
                "artifacts_dir": .string(absolutePath(folder)),
                "base_dir": .string(FileManager.default.currentDirectoryPath),
            ]
            envelope.merge(fields) { _, given in given }
            switch loaded.run(input: .object(envelope), context: StandardErrorCallContext(agent: manifest.name)) {
            case .succeeded(let output):
                print(JSONValue.object(output).prettyText)
            case .failed(let message, let retryable):
                reportError("agent '\(manifest.name)' failed\(retryable ? " (retryable)" : ""): \(message)")
                throw HostExit.workflowFailed
            case .cancelled(let message):
                reportError("agent '\(manifest.name)' cancelled\(message.map { ": \($0)" } ?? "")")
                throw HostExit.workflowFailed
            }
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
