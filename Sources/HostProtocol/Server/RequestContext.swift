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
        var onEndOfInput: [@Sendable () -> Void] = []
        var inputEnded = false
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

    /// Runs `action` when the input ends while this request is still in flight, after running
    /// workflows were interrupted (at once if that already happened): a `workflow/wait` answers
    /// then with the interrupted status.
    public func onEndOfInput(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.finished { return false }
            if state.inputEnded { return true }
            state.onEndOfInput.append(action)
            return false
        }
        if runNow { action() }
    }

    /// Runs the end-of-input actions of a request still in flight, and later ones at once.
    func endOfInput() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            state.inputEnded = true
            defer { state.onEndOfInput = [] }
            return state.finished ? [] : state.onEndOfInput
        }
        for action in actions { action() }
    }

    /// Ends the request with the "cancelled" error and runs the cancel actions.
    /// - Returns: false when it had already been answered.
    @discardableResult
    func cancel() -> Bool {
        let actions = state.withLock { state -> [@Sendable () -> Void]? in
            guard !state.finished else { return nil }
            state.finished = true
            state.cancelled = true
            state.onEndOfInput = []
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
            state.onEndOfInput = []
            return true
        }
        if first { deliver(self, result) }
    }
}
