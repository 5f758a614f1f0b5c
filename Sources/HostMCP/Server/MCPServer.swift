import AgentCatalog
import Dispatch
import HostProtocol
import WorkflowHosting
import Logging
import Synchronization
import WorkflowExecution

// Implementation notes: MCP's stdio transport is JSON-RPC 2.0, one message per line, so this
// server reuses the `agenthost serve` framing (LineReader, FrameWriter, IncomingMessage,
// ProtocolChannel) and differs in the methods it answers. As in ProtocolServer, one thread
// reads lines and every request runs on a concurrent dispatch queue, never on the reader
// thread or Swift's cooperative pool, since tools block on SQLite and plugin calls. A
// request is answered once through its MCPRequest; `notifications/cancelled` ends it without
// an answer (the MCP rule) and runs its cancel actions (cancelling the workflow or the agent
// call it started).

/// An MCP server on a pair of file descriptors: `agenthost mcp` (docs/MCP.md).
public final class MCPServer: Sendable {
    /// Settings of a server.
    public struct Configuration: Sendable {
        /// The longest accepted line in bytes (without its newline).
        public var maximumLineBytes: Int
        /// `serverInfo.name`.
        public var serverName: String
        /// `serverInfo.version`.
        public var serverVersion: String
        /// The folder an `invoke_agent` call's files go to, per agent.
        public var invokeDirectory: @Sendable (String) -> String

        /// Creates a configuration.
        public init(
            maximumLineBytes: Int = LineReader.defaultMaximumLineBytes, serverName: String = "agenthost",
            serverVersion: String = "0.1.0",
            invokeDirectory: @escaping @Sendable (String) -> String = { ".agenthost/invoke/\($0)" }
        ) {
            self.maximumLineBytes = maximumLineBytes
            self.serverName = serverName
            self.serverVersion = serverVersion
            self.invokeDirectory = invokeDirectory
        }
    }

    struct SessionState {
        var version: String?
        var inFlight: [RequestID: MCPRequest] = [:]
        var invocations = 0
    }

    typealias Handler = @Sendable (MCPServer, MCPRequest) throws(ProtocolError) -> JSONValue?

    let writer: FrameWriter
    let channel: ProtocolChannel
    let directory: AgentDirectory
    /// The backend with each `HostingError` answered as the protocol error of the same meaning.
    let backend: ProtocolBackend
    let runner: any AgentRunner
    let artifactsDirectory: @Sendable (String) -> String
    let configuration: Configuration
    let logger: Logger
    let session = Mutex(SessionState())
    let work = DispatchQueue(label: "agenthost.mcp.requests", attributes: .concurrent)
    let running = DispatchGroup()

    /// Creates a server.
    /// - Parameters:
    ///   - channel: where messages come from and go.
    ///   - directory: the agent catalog (each agent is also a tool).
    ///   - backend: runs and keeps workflows (the same one `agenthost serve` uses).
    ///   - runner: runs single agent calls (`invoke_agent` and the per-agent tools).
    ///   - artifactsDirectory: the folder a workflow's agents write their files to.
    ///   - configuration: limits and names.
    ///   - logger: diagnostics (to stderr, never to the channel).
    public init(
        channel: ProtocolChannel, directory: AgentDirectory, backend: any WorkflowBackend, runner: any AgentRunner,
        artifactsDirectory: @escaping @Sendable (String) -> String, configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.channel = channel
        self.writer = FrameWriter(fileDescriptor: channel.output)
        self.directory = directory
        self.backend = ProtocolBackend(backend)
        self.runner = runner
        self.artifactsDirectory = artifactsDirectory
        self.configuration = configuration
        self.logger = logger
    }

    /// Reads and answers messages until the end of input, then interrupts the workflows still
    /// running (they stay resumable in the store); blocks the calling thread.
    /// - Returns: the ids of the interrupted workflows.
    @discardableResult
    public func run() -> [String] {
        channel.readMessages(maximumLineBytes: configuration.maximumLineBytes, writer: writer) { handle($0) }
        let pending = session.withLock { state in Array(state.inFlight.values) }
        for request in pending { request.cancel() }
        let interrupted = backend.backend.interruptAll()
        if running.wait(timeout: .now() + 10) == .timedOut {
            logger.warning("requests still running 10 s after the end of input")
        }
        return interrupted
    }

    /// The negotiated protocol version, once `initialize` was answered.
    public var protocolVersion: String? { session.withLock { $0.version } }

    // MARK: - Dispatch

    func handle(_ message: IncomingMessage) {
        switch message {
        case .invalid(let id, let error):
            send(error: error, id: id)
        case .response:
            logger.debug("ignored a response from the client: this server sends no requests")
        case .invalidNotification(let method, let problem):
            // A notification is never answered, not even a malformed one (JSON-RPC 2.0).
            logger.warning("ignored notification \(method.escapedForTerminal): \(problem.escapedForTerminal)")
        case .notification(let method, let params):
            handleNotification(method, params: params)
        case .request(let id, let method, let params):
            handleRequest(id: id, method: method, params: params)
        }
    }

    private func handleNotification(_ method: String, params: JSONObject) {
        switch method {
        case "notifications/cancelled":
            guard let raw = params["requestId"], let id = RequestID(json: raw) else {
                logger.warning("notifications/cancelled without a string or integer requestId")
                return
            }
            let request = session.withLock { $0.inFlight[id] }
            request?.cancel()
        case "notifications/initialized":
            logger.debug("client initialized")
        default:
            logger.debug("ignored notification \(method)")
        }
    }

    private func handleRequest(id: RequestID, method: String, params: JSONObject) {
        guard let handler = Self.methods[method] else {
            send(error: .methodNotFound(method), id: id)
            return
        }
        let request = MCPRequest(
            id: id, method: method, params: params,
            deliver: { [weak self] request, result in self?.deliver(request, result) },
            notify: { [weak self] method, params in self?.notify(method, params: params) })
        enum Admission { case ok, duplicate, notInitialized }
        let admission = session.withLock { state -> Admission in
            if state.inFlight[id] != nil { return .duplicate }
            if state.version == nil && method != "initialize" && method != "ping" { return .notInitialized }
            state.inFlight[id] = request
            return .ok
        }
        switch admission {
        case .duplicate:
            send(error: .invalidRequest("id \(id) is already used by a request in flight", data: ["id": id.json]), id: nil)
        case .notInitialized:
            send(error: .invalidRequest("\(method) before initialize; send initialize first"), id: id)
        case .ok:
            running.enter()
            work.async {
                defer { self.running.leave() }
                do throws(ProtocolError) {
                    if let result = try handler(self, request) { request.respond(result) }
                } catch {
                    request.fail(error)
                }
            }
        }
    }

    private func deliver(_ request: MCPRequest, _ result: Result<JSONValue, ProtocolError>?) {
        session.withLock { state in
            if state.inFlight[request.id] === request { state.inFlight[request.id] = nil }
        }
        switch result {
        case .success(let value): send(result: value, id: request.id)
        case .failure(let error): send(error: error, id: request.id)
        case nil: break
        }
    }

    // MARK: - Methods

    static let methods: [String: Handler] = [
        "initialize": { server, request throws(ProtocolError) in try server.initialize(request) },
        "ping": { _, _ in .object([:]) },
        "tools/list": { server, request throws(ProtocolError) in try server.listTools(request) },
        "tools/call": { server, request throws(ProtocolError) in try server.callTool(request) },
        "resources/list": { server, request throws(ProtocolError) in try server.listResources(request) },
        "resources/templates/list": { server, _ in server.resourceTemplates() },
        "resources/read": { server, request throws(ProtocolError) in try server.readResource(request) },
    ]

    /// `initialize {protocolVersion, capabilities, clientInfo}`: version negotiation as the MCP
    /// specification says (the client's version when supported, else the latest).
    private func initialize(_ request: MCPRequest) throws(ProtocolError) -> JSONValue? {
        guard let requested = request.params["protocolVersion"]?.stringValue else {
            throw ProtocolError.invalidParams(
                method: request.method, param: "protocolVersion", "is missing; expected a string such as \"\(MCPVersion.latest)\"")
        }
        let version = MCPVersion.negotiate(requested)
        let already = session.withLock { state -> Bool in
            if state.version != nil { return true }
            state.version = version
            return false
        }
        if already { throw ProtocolError.alreadyInitialized() }
        if version != requested {
            logger.info("client asked for MCP \(requested); answering with \(version)")
        }
        return .object([
            "protocolVersion": .string(version),
            "capabilities": ["tools": ["listChanged": false], "resources": ["subscribe": false, "listChanged": false]],
            "serverInfo": ["name": .string(configuration.serverName), "version": .string(configuration.serverVersion)],
            "instructions": """
                AgentHost plans and runs workflows of agent plugins. plan_workflow shows what a request \
                would run; run_workflow runs it (progress comes as notifications/progress when you send a \
                progressToken); workflow_status, workflow_result and cancel_workflow follow a run; \
                invoke_agent or an agent_<name> tool calls one agent. Runs and their files are resources \
                under agenthost://workflows/.
                """,
        ])
    }

    // MARK: - Output

    func send(result: JSONValue, id: RequestID) { writer.send(result: result, id: id) }

    func send(error: ProtocolError, id: RequestID?) { writer.send(error: error, id: id) }

    func notify(_ method: String, params: JSONValue) { writer.notify(method, params: params) }

    /// Whether the session speaks a version with `structuredContent` in tool results.
    var structuredResults: Bool { protocolVersion.map(MCPVersion.hasStructuredContent) ?? true }
}
