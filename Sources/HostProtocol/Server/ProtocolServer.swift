import AgentCatalog
import Dispatch
import Logging
import OrderedCollections
import Synchronization
import WorkflowHosting
import WorkflowPlanning

// Implementation notes: one thread reads lines (blocking read(2)). Lines up to
// `inlineParseBytes` are parsed and admitted on it, in input order; a longer line is parsed on
// the concurrent queue, so one huge line cannot hold up the lines after it. Until the session
// is initialized every line is parsed inline and `initialize` and `shutdown` run on the reader
// itself, so messages sent in the same write as `initialize` see its effect, in order. Every
// other request runs on a concurrent dispatch queue, never on the reader thread or Swift's
// cooperative pool, so a slow method never holds up the next line. Each request is answered
// exactly once through its RequestContext: by the handler, by `$/cancel_request`, or at the
// end of input by its end-of-input action, whichever comes first. All output goes through one
// FrameWriter, so frames never interleave.

/// A JSON-RPC 2.0 session over a pair of file descriptors: the `agenthost serve` protocol.
public final class ProtocolServer: Sendable {
    /// The protocol version this server speaks.
    public static let protocolVersion = "1.0"
    /// Every version `initialize` accepts.
    public static let supportedVersions = [protocolVersion]

    /// Settings of a server.
    public struct Configuration: Sendable {
        /// The longest accepted line in bytes (without its newline).
        public var maximumLineBytes: Int
        /// `server_info.name`.
        public var serverName: String
        /// `server_info.version`.
        public var serverVersion: String
        /// How many plans from `workflow/plan` are kept for `workflow/execute {plan_id}`.
        public var retainedPlans: Int

        /// Creates a configuration.
        public init(
            maximumLineBytes: Int = LineReader.defaultMaximumLineBytes, serverName: String = "agenthost",
            serverVersion: String = "0.1.0", retainedPlans: Int = 256
        ) {
            self.maximumLineBytes = maximumLineBytes
            self.serverName = serverName
            self.serverVersion = serverVersion
            self.retainedPlans = retainedPlans
        }
    }

    /// How a session ended.
    public enum Exit: Sendable, Equatable {
        /// `shutdown` came before the end of input.
        case shutdown
        /// Input ended without `shutdown`; running workflows were interrupted.
        case endOfInput(interrupted: [String])
    }

    struct SessionState {
        var initialized = false
        var shuttingDown = false
        var inFlight: [RequestID: RequestContext] = [:]
        var subscriptions: [String: SessionSubscription] = [:]
        var plans: OrderedDictionary<String, ExecutionPlan> = [:]
        var nextPlan = 1
    }

    struct Method: Sendable {
        typealias Handler = @Sendable (ProtocolServer) -> (RequestContext) throws(ProtocolError) -> JSONValue?
        var needsInitialize = true
        /// Runs on the reader thread, before the next line is read (for session-state changes).
        var runsInline = false
        var handler: Handler

        init(needsInitialize: Bool = true, runsInline: Bool = false, _ handler: @escaping Handler) {
            self.needsInitialize = needsInitialize
            self.runsInline = runsInline
            self.handler = handler
        }
    }

    /// Lines longer than this (in bytes) are parsed off the reader thread once the session is initialized.
    static let inlineParseBytes = 64 * 1024

    let channel: ProtocolChannel
    let writer: FrameWriter
    let directory: AgentDirectory
    let backend: any WorkflowBackend
    let configuration: Configuration
    let logger: Logger
    let session = Mutex(SessionState())
    let work = DispatchQueue(label: "agenthost.protocol.requests", attributes: .concurrent)
    let running = DispatchGroup()
    let parsing = DispatchGroup()

    /// Creates a server.
    /// - Parameters:
    ///   - channel: where requests come from and frames go.
    ///   - directory: the agent catalog, rediscovered on `agents/reload`.
    ///   - backend: runs and keeps workflows.
    ///   - configuration: limits and names.
    ///   - logger: diagnostics (to stderr, never to the protocol channel).
    public init(
        channel: ProtocolChannel, directory: AgentDirectory, backend: any WorkflowBackend,
        configuration: Configuration = Configuration(), logger: Logger
    ) {
        self.channel = channel
        self.writer = FrameWriter(fileDescriptor: channel.output)
        self.directory = directory
        self.backend = backend
        self.configuration = configuration
        self.logger = logger
    }

    /// Reads and answers requests until the end of input; blocks the calling thread.
    public func run() -> Exit {
        channel.readLines(maximumLineBytes: configuration.maximumLineBytes, writer: writer) { bytes in
            // Before `initialize` every line is handled in order on this thread; after it, a
            // large line is parsed off the reader so that it holds up no other request.
            if bytes.count <= Self.inlineParseBytes || !session.withLock({ $0.initialized }) {
                handle(IncomingMessage(line: bytes))
            } else {
                parsing.enter()
                work.async {
                    defer { self.parsing.leave() }
                    self.handle(IncomingMessage(line: bytes))
                }
            }
        }
        parsing.wait()
        return finishSession()
    }

    // MARK: - Dispatch

    func handle(_ message: IncomingMessage) {
        switch message {
        case .invalid(let id, let error):
            send(error: error, id: id)
        case .response:
            logger.warning("ignored a response message from the client: this server sends no requests")
        case .invalidNotification(let method, let problem):
            logger.warning("ignored notification \(method.escapedForTerminal): \(problem.escapedForTerminal)")
        case .notification(let method, let params):
            handleNotification(method, params: params)
        case .request(let id, let method, let params):
            handleRequest(id: id, method: method, params: params)
        }
    }

    private func handleNotification(_ method: String, params: JSONObject) {
        guard method == "$/cancel_request" else {
            logger.debug("ignored notification \(method.escapedForTerminal)")
            return
        }
        guard let raw = params["id"], let id = RequestID(json: raw) else {
            logger.warning("$/cancel_request without a string or integer id")
            return
        }
        let context = session.withLock { $0.inFlight[id] }
        context?.cancel()
    }

    private func handleRequest(id: RequestID, method: String, params: JSONObject) {
        guard let spec = Self.methods[method] else {
            send(error: .methodNotFound(method), id: id)
            return
        }
        let context = RequestContext(id: id, method: method, params: params) { [weak self] context, result in
            self?.deliver(context, result)
        }
        enum Admission { case ok, duplicate, notInitialized, shuttingDown }
        let admission = session.withLock { state -> Admission in
            if state.inFlight[id] != nil { return .duplicate }
            if state.shuttingDown { return .shuttingDown }
            if spec.needsInitialize && !state.initialized { return .notInitialized }
            state.inFlight[id] = context
            return .ok
        }
        switch admission {
        case .duplicate:
            send(
                error: .invalidRequest("id \(id) is already used by a request in flight", data: ["id": id.json]),
                id: nil)
            return
        case .notInitialized:
            send(error: .notInitialized(method), id: id)
            return
        case .shuttingDown:
            send(error: .shuttingDown(method), id: id)
            return
        case .ok:
            break
        }
        if spec.runsInline {
            run(spec, context)
            return
        }
        running.enter()
        work.async {
            defer { self.running.leave() }
            self.run(spec, context)
        }
    }

    private func run(_ spec: Method, _ context: RequestContext) {
        do throws(ProtocolError) {
            if let result = try spec.handler(self)(context) { context.respond(result) }
        } catch {
            context.fail(error)
        }
    }

    private func deliver(_ context: RequestContext, _ result: Result<JSONValue, ProtocolError>) {
        session.withLock { state in
            if state.inFlight[context.id] === context { state.inFlight[context.id] = nil }
        }
        switch result {
        case .success(let value): send(result: value, id: context.id)
        case .failure(let error): send(error: error, id: context.id)
        }
    }

    // MARK: - Output

    func send(result: JSONValue, id: RequestID) { writer.send(result: result, id: id) }

    func send(error: ProtocolError, id: RequestID?) { writer.send(error: error, id: id) }

    func notify(_ method: String, params: JSONValue) { writer.notify(method, params: params) }

    // MARK: - End of session

    /// Ends the session after the end of input: every request read before it gets its real
    /// answer (running workflows are interrupted first, so a `workflow/wait` answers with the
    /// interrupted status), subscriptions write every event they queued, then the session ends.
    private func finishSession() -> Exit {
        let wasShutdown = session.withLock { state in
            defer { state.shuttingDown = true }
            return state.shuttingDown
        }
        var interrupted = wasShutdown ? [] : backend.interruptAll()
        let pending = session.withLock { Array($0.inFlight.values) }
        for context in pending { context.endOfInput() }
        if running.wait(timeout: .now() + 30) == .timedOut {
            let late = session.withLock { Array($0.inFlight.values) }
            logger.warning(
                "\(late.count) request(s) still running 30 s after the end of input were cancelled: \(late.map(\.method).joined(separator: ", "))")
            for context in late { context.cancel() }
        }
        // A workflow/execute or resume that was in flight may have started one after the first interruption.
        let mayHaveStarted = pending.contains { ["workflow/execute", "workflow/resume"].contains($0.method) }
        if !wasShutdown && mayHaveStarted { interrupted = Array(Set(interrupted + backend.interruptAll())).sorted() }
        let subscriptions = session.withLock { state in
            defer { state.subscriptions = [:] }
            return Array(state.subscriptions.values)
        }
        for subscription in subscriptions { subscription.finish() }
        if !interrupted.isEmpty { logger.info("interrupted workflows: \(interrupted.joined(separator: ", "))") }
        return wasShutdown ? .shutdown : .endOfInput(interrupted: interrupted)
    }
}
