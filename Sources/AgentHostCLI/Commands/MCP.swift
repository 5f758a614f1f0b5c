import AgentCatalog
import AgentRuntime
import ArgumentParser
import HostMCP
import HostProtocol
import WorkflowHosting
import WorkflowExecution
import WorkflowStore

extension AgentHost {
    /// `agenthost mcp`: a Model Context Protocol server on stdin/stdout (docs/MCP.md).
    struct MCP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve the Model Context Protocol on stdin/stdout, for LLM clients and IDEs (see docs/MCP.md).",
            discussion: """
                Tools plan and run workflows, follow and cancel them, and call single agents (each agent \
                is also a tool, its input schema taken from its manifest); runs and their files are \
                resources. Logs go to stderr; anything a plugin prints to stdout is sent to stderr. \
                Exits 0 at the end of input; workflows still running then stay resumable in the store.
                """)

        @OptionGroup var host: HostOptions

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp(
            "Folder under which each workflow's files go (default .agenthost/runs of the working folder).",
            valueName: "dir"))
        var out: String = ".agenthost/runs"

        func run() throws {
            // Before anything can load a plugin: MCP messages get a private copy of fd 1.
            let channel: ProtocolChannel
            do {
                channel = try ProtocolChannel.takeOverStandardOutput()
            } catch {
                reportError(error.message)
                throw HostExit.inputError
            }
            let logger = host.makeLogger("agenthost.mcp")
            let store = try self.store.openForWriting()
            let runner = PluginAgentRunner(runtime: host.makeRuntime(logger: logger), logger: logger)
            let executorOptions = ExecutorOptions(artifactsRoot: absolutePath(out))
            // The folders are recorded with each workflow, as `serve` and `run` do, so that
            // `resume` and `retry` load the same agents.
            let backend = ExecutorBackend(
                store: store, runner: runner, options: executorOptions, agentFolders: host.agentFolders(), logger: logger)
            let options = host
            let server = MCPServer(
                channel: channel, directory: AgentDirectory { options.discover() }, backend: backend, runner: runner,
                artifactsDirectory: { executorOptions.artifactsDirectory(for: $0) },
                configuration: .init(serverVersion: AgentHost.configuration.version), logger: logger)
            let interrupted = server.run()
            if !interrupted.isEmpty {
                logger.info("interrupted workflows (resume with agenthost resume): \(interrupted.joined(separator: ", "))")
            }
        }
    }
}
