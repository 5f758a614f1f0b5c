import AgentCatalog
import AgentRuntime
import ArgumentParser
import HostProtocol
import WorkflowHosting
import WorkflowExecution
import WorkflowStore

extension AgentHost {
    /// `agenthost serve`: JSON-RPC 2.0 on stdin/stdout for other programs (docs/PROTOCOL.md).
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Speak line-oriented JSON-RPC 2.0 on stdin/stdout (see docs/PROTOCOL.md).",
            discussion: """
                One JSON message per line. Responses and workflow/event notifications go to stdout, \
                logs to stderr; anything a plugin prints to stdout is sent to stderr. Exits 0 after \
                `shutdown` and the end of input; 1 when input ended while workflows were still running \
                (they stay resumable in the store).
                """)

        @OptionGroup var host: HostOptions

        @OptionGroup var store: StoreOptions

        @Option(
            name: .customLong("max-line-bytes"),
            help: ArgumentHelp(
                "The longest accepted request line, in bytes.", valueName: "n"))
        var maximumLineBytes = LineReader.defaultMaximumLineBytes

        func validate() throws {
            guard maximumLineBytes >= 1024 else { throw ValidationError("--max-line-bytes must be at least 1024") }
        }

        func run() throws {
            // Before anything can load a plugin: protocol frames get a private copy of fd 1.
            let channel: ProtocolChannel
            do {
                channel = try ProtocolChannel.takeOverStandardOutput()
            } catch {
                reportError(error.message)
                throw HostExit.inputError
            }
            let logger = host.makeLogger("agenthost.serve")
            let store = try self.store.openForWriting()
            let runner = PluginAgentRunner(runtime: host.makeRuntime(logger: logger), logger: logger)
            let backend = ExecutorBackend(
                store: store, runner: runner, agentFolders: host.agentFolders(), logger: logger)
            let options = host
            let directory = AgentDirectory { options.discover() }
            let server = ProtocolServer(
                channel: channel, directory: directory, backend: backend,
                configuration: .init(
                    maximumLineBytes: maximumLineBytes, serverVersion: AgentHost.configuration.version),
                logger: logger)
            let code = HostExit.code(for: server.run())
            if code != .success { throw code }
        }
    }
}
