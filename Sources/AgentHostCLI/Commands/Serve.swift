import AgentCatalog
import AgentRuntime
import ArgumentParser
import Dispatch
import Foundation
import HostHTTP
import HostProtocol
import Logging
import Synchronization
import WorkflowHosting
import WorkflowExecution
import WorkflowStore

extension AgentHost {
    /// `agenthost serve`: JSON-RPC 2.0 on stdin/stdout for other programs (docs/PROTOCOL.md).
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Speak JSON-RPC 2.0 on stdin/stdout, or serve the dashboard and HTTP API (--http).",
            discussion: """
                With --http [HOST:]PORT: serves the live dashboard, the REST API under /api/v1, event \
                streams and JSON-RPC over a WebSocket (/rpc) on 127.0.0.1:8720 by default (docs/HTTP.md), \
                and prints the page's URL. Any address but loopback needs --token or AGENTHOST_TOKEN.

                Without --http: one JSON message per line. Responses and workflow/event notifications go to stdout, \
                logs to stderr; anything a plugin prints to stdout is sent to stderr. Exits 0 after \
                `shutdown` and the end of input; 1 when input ended while workflows were still running \
                (they stay resumable in the store).
                """)

        @OptionGroup var host: HostOptions

        @OptionGroup var store: StoreOptions
        @OptionGroup var cluster: ClusterOptions

        @Option(
            name: .customLong("max-line-bytes"),
            help: ArgumentHelp(
                "The longest accepted request line, in bytes.", valueName: "n"))
        var maximumLineBytes = LineReader.defaultMaximumLineBytes

        @Option(
            name: .customLong("http"),
            help: ArgumentHelp(
                "Serve the dashboard and HTTP API on [HOST:]PORT (default 127.0.0.1:8720; port 0 picks a free one).",
                valueName: "[host:]port"))
        var http: String?

        @Option(
            name: .customLong("token"),
            help: ArgumentHelp(
                "The token HTTP clients must present (default AGENTHOST_TOKEN); required off loopback.",
                valueName: "token"))
        var token: String?

        @Flag(name: .customLong("read-only"), help: "With --http: refuse every route that starts or changes a workflow.")
        var readOnly = false

        @Option(
            name: .customLong("allow-host"),
            help: ArgumentHelp("With --http: another name the Host header may carry (repeatable).", valueName: "name"))
        var allowedHosts: [String] = []

        func validate() throws {
            guard maximumLineBytes >= 1024 else { throw ValidationError("--max-line-bytes must be at least 1024") }
            if http == nil && (token != nil || readOnly || !allowedHosts.isEmpty) {
                throw ValidationError("--token, --read-only and --allow-host only apply with --http [HOST:]PORT")
            }
        }

        func run() throws {
            if let http { return try serveHTTP(http) }
            // Before anything can load a plugin: protocol frames get a private copy of fd 1.
            let channel: ProtocolChannel
            do {
                channel = try ProtocolChannel.takeOverStandardOutput()
            } catch {
                reportError(error.message)
                throw HostExit.inputError
            }
            let (logger, _, backend, directory) = try makeBackend("agenthost.serve")
            let server = ProtocolServer(
                channel: channel, directory: directory, backend: backend,
                configuration: .init(
                    maximumLineBytes: maximumLineBytes, serverVersion: AgentHost.configuration.version),
                logger: logger)
            let code = HostExit.code(for: server.run())
            if code != .success { throw code }
        }

        /// The store, the plugin-backed backend and the catalog both servers run on.
        private func makeBackend(_ label: String) throws -> (Logger, SQLiteStore?, ExecutorBackend, AgentDirectory) {
            let logger = host.makeLogger(label)
            let store = try self.store.openForWriting()
            let runner = try HostRunner(cluster: cluster, host: host, logger: logger).runner
            let backend = ExecutorBackend(
                store: store, runner: runner, agentFolders: host.agentFolders(), logger: logger)
            let options = host
            return (logger, store, backend, AgentDirectory { options.discover() })
        }

        /// `--http`: the dashboard, REST, SSE and WebSocket server until SIGINT/SIGTERM.
        private func serveHTTP(_ address: String) throws {
            let configuration: DashboardConfiguration
            do {
                let (bindHost, port) = try DashboardConfiguration.parseAddress(address)
                let environmentToken = ProcessInfo.processInfo.environment["AGENTHOST_TOKEN"]
                configuration = DashboardConfiguration(
                    host: bindHost, port: port, token: token ?? (environmentToken?.isEmpty == false ? environmentToken : nil),
                    readOnly: readOnly, allowedHosts: allowedHosts, version: AgentHost.configuration.version)
                try configuration.validate()
            } catch {
                reportError("\(error)")
                throw HostExit.inputError
            }
            let (logger, store, backend, directory) = try makeBackend("agenthost.http")
            let server = DashboardServer(
                configuration: configuration, directory: directory, backend: backend, store: store, logger: logger)
            let done = DispatchSemaphore(value: 0)
            let failure = FailureBox()
            Task.detached {
                do {
                    try await server.run { port in
                        let line = "agenthost: dashboard at \(server.url(port: port))\n"
                        FileHandle.standardOutput.write(Data(line.utf8))
                    }
                } catch {
                    failure.set("\(error)")
                }
                done.signal()
            }
            done.wait()
            if let message = failure.get() {
                reportError("the HTTP server stopped: \(message)")
                throw HostExit.inputError
            }
            let interrupted = backend.interruptAll()
            if !interrupted.isEmpty { logger.info("interrupted workflows: \(interrupted.joined(separator: ", "))") }
        }
    }
}

/// The HTTP server's error, handed from its task to the command.
private final class FailureBox: Sendable {
    private let message = Mutex<String?>(nil)
    func set(_ text: String) { message.withLock { $0 = text } }
    func get() -> String? { message.withLock { $0 } }
}
