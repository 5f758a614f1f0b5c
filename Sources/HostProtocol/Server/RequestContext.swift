import AgentCatalog
import Synchronization

/// One request in flight: its id, method and params, and the way to answer it once.
public final class RequestContext: Sendable {
    /// The request's id.
    public let id: RequestID
    /// The method called.
    public let method: String
    /// The params, with readers that name the param at fault.
    public let params: Params

    private struct State {
        var finished = false
        var cancelled = false
        var onCancel: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())
    private let deliver: @Sendable (RequestContext, Result<JSONValue, ProtocolError>) -> Void

    init(
        id: RequestID, method: String, params: JSONObject,
        deliver: @escaping @Sendable (RequestContext, Result<JSONValue, ProtocolError>) -> Void
    ) {
        self.id = id
        self.method = method
        self.params = Params(method: method, members: params)
        self.deliver = deliver
    }

    /// Whether the client cancelled this request.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Answers the request with a result; later answers are ignored.
    public func respond(_ result: JSONValue) { finish(.success(result)) }

    /// Answers the request with an error; later answers are ignored.
    public func fail(_ error: ProtocolError) { finish(.failure(error)) }

    /// Runs `action` when the request is cancelled (at once if it already was).
    public func onCancel(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.cancelled { return true }
            if !state.finished { state.onCancel.append(action) }
            return false
        }
        if runNow { action() }
    }

    /// Ends the request with the "cancelled" error and runs the cancel actions.
    /// - Returns: false when it had already been answered.
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
        deliver(self, .failure(.requestCancelled(id)))
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
