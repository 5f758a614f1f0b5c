import AgentCatalog
import HostProtocol
import Synchronization

/// One MCP request in flight: answered once, cancellable, and able to report progress when
/// the client sent a `_meta.progressToken`.
final class MCPRequest: Sendable {
    /// The request's id.
    let id: RequestID
    /// The method called.
    let method: String
    /// The params.
    let params: JSONObject
    /// `params._meta.progressToken`, when the client asked for progress.
    let progressToken: JSONValue?

    private struct State {
        var finished = false
        var cancelled = false
        var onCancel: [@Sendable () -> Void] = []
        var lastProgress = -Double.infinity
    }

    private let state = Mutex(State())
    private let deliver: @Sendable (MCPRequest, Result<JSONValue, ProtocolError>?) -> Void
    private let notify: @Sendable (String, JSONValue) -> Void

    /// - Parameters:
    ///   - deliver: sends the answer; nil for a request the client cancelled (MCP sends none).
    ///   - notify: sends a notification.
    init(
        id: RequestID, method: String, params: JSONObject,
        deliver: @escaping @Sendable (MCPRequest, Result<JSONValue, ProtocolError>?) -> Void,
        notify: @escaping @Sendable (String, JSONValue) -> Void
    ) {
        self.id = id
        self.method = method
        self.params = params
        let token = params["_meta"]?["progressToken"]
        self.progressToken = token.flatMap { $0.stringValue != nil || $0.integerValue != nil ? $0 : nil }
        self.deliver = deliver
        self.notify = notify
    }

    /// Whether the client cancelled this request.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Answers with a result; later answers are ignored.
    func respond(_ result: JSONValue) { finish(.success(result)) }

    /// Answers with an error; later answers are ignored.
    func fail(_ error: ProtocolError) { finish(.failure(error)) }

    /// Runs `action` when the client cancels the request (at once if it already did).
    func onCancel(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.cancelled { return true }
            if !state.finished { state.onCancel.append(action) }
            return false
        }
        if runNow { action() }
    }

    /// `notifications/progress` for this request, when it has a progress token; progress
    /// that would go backwards is dropped (MCP: progress increases with each notification).
    func progress(_ progress: Double, total: Double?, message: String?) {
        guard let progressToken else { return }
        let send = state.withLock { state -> Bool in
            guard !state.finished, progress > state.lastProgress else { return false }
            state.lastProgress = progress
            return true
        }
        guard send else { return }
        var params: JSONObject = ["progressToken": progressToken, "progress": .number(progress)]
        if let total { params["total"] = .number(total) }
        if let message { params["message"] = .string(message) }
        notify("notifications/progress", .object(params))
    }

    /// The client cancelled: runs the cancel actions; no answer is sent.
    /// - Returns: false when the request had already been answered.
    @discardableResult
    func cancel() -> Bool {
        let actions = state.withLock { state -> [@Sendable () -> Void]? in
            guard !state.finished else { return nil }
            state.finished = true
            state.cancelled = true
            defer { state.onCancel = [] }
            return state.onCancel
        }
        guard let actions else { return false }
        deliver(self, nil)
        for action in actions { action() }
        return true
    }

    private func finish(_ result: Result<JSONValue, ProtocolError>) {
        let first = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.finished = true
            state.onCancel = []
            return true
        }
        if first { deliver(self, result) }
    }
}
