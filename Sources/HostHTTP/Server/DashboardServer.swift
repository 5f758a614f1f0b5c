import AgentCatalog
import Foundation
import HTTPTypes
import HostProtocol
import WorkflowHosting
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore

// Implementation notes: one process serves the page, the REST API, the event streams and
// JSON-RPC over WebSocket, on the same backend (and store) as the CLI. REST calls go through
// one in-process protocol session (`rpc`), so plan ids from `POST /plans` live as long as the
// server; each WebSocket gets a session of its own (RPCWebSocket).

/// `agenthost serve --http`: the dashboard and the HTTP API.
public final class DashboardServer: Sendable {
    /// Listening address, token, read-only mode.
    public let configuration: DashboardConfiguration
    let directory: AgentDirectory
    let backend: any WorkflowBackend
    let store: SQLiteStore?
    let logger: Logger
    /// The in-process JSON-RPC session every REST route calls.
    let rpc: ProtocolServer
    let artifacts: ArtifactFiles

    /// Creates a server.
    /// - Parameters:
    ///   - configuration: where to listen and who may talk to it.
    ///   - directory: the agent catalog.
    ///   - backend: runs and keeps workflows (the CLI's ExecutorBackend).
    ///   - store: the backend's store, tailed for runs other processes record; nil without one.
    ///   - logger: diagnostics.
    public init(
        configuration: DashboardConfiguration, directory: AgentDirectory, backend: any WorkflowBackend,
        store: SQLiteStore?, logger: Logger
    ) {
        self.configuration = configuration
        self.directory = directory
        self.backend = backend
        self.store = store
        self.logger = logger
        self.rpc = ProtocolServer.inProcess(
            directory: directory, backend: SessionBackend(backend),
            configuration: .init(serverName: "agenthost", serverVersion: configuration.version), logger: logger)
        self.artifacts = ArtifactFiles(root: configuration.artifactsRoot)
    }

    /// Calls JSON-RPC method `method`; a protocol error becomes the envelope.
    func call(_ method: String, params: JSONObject) async throws -> JSONValue {
        switch await rpc.call(method, params: params) {
        case .success(let value): return value
        case .failure(let error): throw APIError(error)
        }
    }

    // MARK: - Application

    /// The routes of the page and the API, behind the security checks.
    public func makeRouter() -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.add(middleware: SecurityMiddleware(configuration: configuration))
        APIRoutes(dashboard: self).register(on: router)
        DashboardPages(dashboard: self).register(on: router)
        return router
    }

    /// The router that answers WebSocket upgrades (`GET /rpc`, `GET /api/v1/rpc`).
    public func makeWebSocketRouter() -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.add(middleware: SecurityMiddleware(configuration: configuration))
        for path in ["rpc", "api/v1/rpc"] {
            router.ws(RouterPath(path)) { _, _ in .upgrade([:]) } onUpgrade: { inbound, outbound, _ in
                try await RPCWebSocket(dashboard: self).serve(inbound: inbound, outbound: outbound)
            }
        }
        return router
    }

    /// The application (for `run` and for tests).
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        return Application(
            router: makeRouter(),
            server: .http1WebSocketUpgrade(webSocketRouter: makeWebSocketRouter()),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: quiet)
    }

    /// Serves until SIGINT or SIGTERM; `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        try await makeApplication(onListening: onListening).runService()
    }

    /// The page's URL for the bound port, with the token when there is one.
    public func url(port: Int) -> String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let shown = host == "0.0.0.0" || host == "[::]" ? (ProcessInfo.processInfo.hostName) : host
        let token = configuration.token.map { "?token=\($0)" } ?? ""
        return "http://\(shown):\(port)/\(token)"
    }

    // MARK: - Routes' helpers

    /// `GET /api/v1/health`.
    func health() -> Response {
        json(
            .object([
                "status": "ok", "version": .string(configuration.version),
                "protocol_version": .string(ProtocolServer.protocolVersion),
                "persistent": .bool(backend.isPersistent), "read_only": .bool(configuration.readOnly),
            ]))
    }

    /// `workflow/wait` for at most `seconds`, then `workflow/status`.
    func waitOrStatus(_ id: String, seconds: Double) async throws -> JSONValue {
        let rpc = self.rpc
        let waited = await withTaskGroup(of: Result<JSONValue, ProtocolError>?.self) { group in
            group.addTask { await rpc.call("workflow/wait", params: ["workflow_id": .string(id)]) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch waited {
        case .success(let status): return status
        case .failure(let error): throw APIError(error)
        case nil: return try await call("workflow/status", params: ["workflow_id": .string(id)])
        }
    }
}

/// The shared backend as one session sees it: a session that ends (a WebSocket closing)
/// never interrupts the server's workflows.
struct SessionBackend: WorkflowBackend {
    let base: any WorkflowBackend
    init(_ base: any WorkflowBackend) { self.base = base }

    var isPersistent: Bool { base.isPersistent }
    func estimates() -> any EstimatesProvider { base.estimates() }
    func start(plan: ExecutionPlan, catalog: Catalog, baseDirectory: String?) throws(HostingError) -> String {
        try base.start(plan: plan, catalog: catalog, baseDirectory: baseDirectory)
    }
    func status(workflowId: String) throws(HostingError) -> WorkflowStatus { try base.status(workflowId: workflowId) }
    func plan(workflowId: String) throws(HostingError) -> ExecutionPlan { try base.plan(workflowId: workflowId) }
    func analytics(workflowId: String) throws(HostingError) -> JSONValue { try base.analytics(workflowId: workflowId) }
    func output(workflowId: String, agent: String) throws(HostingError) -> JSONValue? {
        try base.output(workflowId: workflowId, agent: agent)
    }
    func list(limit: Int) throws(HostingError) -> [WorkflowStatus] { try base.list(limit: limit) }
    func pause(workflowId: String) throws(HostingError) { try base.pause(workflowId: workflowId) }
    func resume(workflowId: String, catalog: Catalog) throws(HostingError) {
        try base.resume(workflowId: workflowId, catalog: catalog)
    }
    func retry(
        workflowId: String, agents: [String], reason: String?, catalog: Catalog
    ) throws(HostingError) -> [String] {
        try base.retry(workflowId: workflowId, agents: agents, reason: reason, catalog: catalog)
    }
    func cancel(workflowId: String, reason: String?) throws(HostingError) {
        try base.cancel(workflowId: workflowId, reason: reason)
    }
    func subscribe(
        workflowId: String, from: Int64, handler: @escaping @Sendable (WorkflowEvent) -> Void
    ) throws(HostingError) -> any WorkflowEventSubscription {
        try base.subscribe(workflowId: workflowId, from: from, handler: handler)
    }
    func interruptAll() -> [String] { [] }
}

/// Turns Hummingbird's own errors (no route, wrong method) into the envelope.
struct ErrorEnvelopeMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError where error.status == .notFound {
            throw APIError.noRoute(request.uri.path)
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            throw APIError(
                ProtocolError(
                    code: APIError.Code.methodNotAllowed,
                    message: "\(request.method) is not allowed on \(request.uri.path)"))
        }
    }
}
