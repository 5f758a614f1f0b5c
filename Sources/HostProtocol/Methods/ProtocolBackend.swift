import AgentCatalog
import WorkflowEvents
import WorkflowHosting
import WorkflowPlanning

/// The server's backend seen through the protocol: the same calls, with each `HostingError`
/// answered as the protocol error of the same meaning.
public struct ProtocolBackend: Sendable {
    public let backend: any WorkflowBackend

    public init(_ backend: any WorkflowBackend) { self.backend = backend }

    public func start(plan: ExecutionPlan, catalog: Catalog, baseDirectory: String?) throws(ProtocolError) -> String {
        try hosted { () throws(HostingError) in try backend.start(plan: plan, catalog: catalog, baseDirectory: baseDirectory) }
    }

    public func status(workflowId: String) throws(ProtocolError) -> WorkflowStatus {
        try hosted { () throws(HostingError) in try backend.status(workflowId: workflowId) }
    }

    public func plan(workflowId: String) throws(ProtocolError) -> ExecutionPlan {
        try hosted { () throws(HostingError) in try backend.plan(workflowId: workflowId) }
    }

    public func analytics(workflowId: String) throws(ProtocolError) -> JSONValue {
        try hosted { () throws(HostingError) in try backend.analytics(workflowId: workflowId) }
    }

    public func output(workflowId: String, agent: String) throws(ProtocolError) -> JSONValue? {
        try hosted { () throws(HostingError) in try backend.output(workflowId: workflowId, agent: agent) }
    }

    public func list(limit: Int) throws(ProtocolError) -> [WorkflowStatus] {
        try hosted { () throws(HostingError) in try backend.list(limit: limit) }
    }

    public func pause(workflowId: String) throws(ProtocolError) {
        try hosted { () throws(HostingError) in try backend.pause(workflowId: workflowId) }
    }

    public func resume(workflowId: String, catalog: Catalog) throws(ProtocolError) {
        try hosted { () throws(HostingError) in try backend.resume(workflowId: workflowId, catalog: catalog) }
    }

    public func retry(workflowId: String, agents: [String], reason: String?, catalog: Catalog) throws(ProtocolError) -> [String] {
        try hosted { () throws(HostingError) in
            try backend.retry(workflowId: workflowId, agents: agents, reason: reason, catalog: catalog)
        }
    }

    public func cancel(workflowId: String, reason: String?) throws(ProtocolError) {
        try hosted { () throws(HostingError) in try backend.cancel(workflowId: workflowId, reason: reason) }
    }

    public func subscribe(
        workflowId: String, from: Int64, handler: @escaping @Sendable (WorkflowEvent) -> Void
    ) throws(ProtocolError) -> any WorkflowEventSubscription {
        try hosted { () throws(HostingError) in try backend.subscribe(workflowId: workflowId, from: from, handler: handler) }
    }

    private func hosted<T>(_ body: () throws(HostingError) -> T) throws(ProtocolError) -> T {
        do { return try body() } catch { throw ProtocolError(error) }
    }
}

extension ProtocolServer {
    /// The backend, its errors rendered as protocol errors.
    var workflows: ProtocolBackend { ProtocolBackend(backend) }
}

extension ProtocolError {
    /// The JSON-RPC error for a backend's error: the application code of docs/PROTOCOL.md
    /// that matches its code, with its message and details.
    public init(_ error: HostingError) {
        let code: Int
        switch error.code {
        case .unknownWorkflow: code = Code.unknownWorkflow
        case .unknownAgent: code = Code.unknownAgent
        case .invalidState: code = Code.invalidState
        case .storeError: code = Code.storeError
        case .agentUnavailable: code = Code.agentUnavailable
        }
        self.init(code: code, message: error.message, data: error.data)
    }
}

extension ProtocolError.Code {
    /// An agent the workflow would run cannot be loaded (no manifest, or its library is
    /// missing): `workflow/resume` or `workflow/retry` refused and changed nothing.
    public static let agentUnavailable = 1012
}
