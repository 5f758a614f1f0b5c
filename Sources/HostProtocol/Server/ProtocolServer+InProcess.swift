import WorkflowHosting
import AgentCatalog
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Implementation notes: the seam other transports (HostHTTP's REST routes) call the JSON-RPC
// methods through. A call runs the very handler the method table names, with the same params
// validation, so a REST route and its JSON-RPC method answer the same JSON by construction.
// An in-process session is always initialized; it has no wire of its own (its writer points
// at /dev/null), so `workflow/subscribe` is not for it: event streams use the backend.

extension ProtocolServer {
    /// Creates a server that is only called in process (`call(_:params:)`), never `run()`.
    ///
    /// Plans made by `workflow/plan` live as long as this server.
    public static func inProcess(
        directory: AgentDirectory, backend: any WorkflowBackend, configuration: Configuration = Configuration(),
        logger: Logger
    ) -> ProtocolServer {
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        let server = ProtocolServer(
            channel: ProtocolChannel(input: null, output: null), directory: directory, backend: backend,
            configuration: configuration, logger: logger)
        server.session.withLock { $0.initialized = true }
        return server
    }

    /// Runs JSON-RPC method `method` with `params` and returns its result or its error.
    ///
    /// Cancelling the calling task cancels the request as `$/cancel_request` would (a
    /// `workflow/wait` stops waiting).
    public func call(_ method: String, params: JSONObject) async -> Result<JSONValue, ProtocolError> {
        guard let spec = Self.methods[method], method != "workflow/subscribe", method != "workflow/unsubscribe" else {
            return .failure(.methodNotFound(method))
        }
        let box = CallBox()
        let context = RequestContext(id: .integer(0), method: method, params: params) { _, result in
            box.finish(result)
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                box.attach(continuation)
                work.async {
                    do throws(ProtocolError) {
                        if let result = try spec.handler(self)(context) { context.respond(result) }
                    } catch {
                        context.fail(error)
                    }
                }
            }
        } onCancel: {
            context.cancel()
        }
    }
}

/// Hands one answer to a continuation, whichever of the two arrives first.
private final class CallBox: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<JSONValue, ProtocolError>, Never>?
        var result: Result<JSONValue, ProtocolError>?
    }
    private let state = Mutex(State())

    func attach(_ continuation: CheckedContinuation<Result<JSONValue, ProtocolError>, Never>) {
        let ready = state.withLock { state -> Result<JSONValue, ProtocolError>? in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(returning: ready) }
    }

    func finish(_ result: Result<JSONValue, ProtocolError>) {
        let continuation = state.withLock { state -> CheckedContinuation<Result<JSONValue, ProtocolError>, Never>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: result)
    }
}
