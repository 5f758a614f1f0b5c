import Dispatch
import Synchronization
import WorkflowEvents
import WorkflowHosting

/// One workflow's event stream to this session's client.
///
/// Events that arrive before the `workflow/subscribe` response is written are held back, so
/// the client always sees the response first and then every event in order. Frames are
/// written from a serial queue of the subscription's own, never on the executor thread that
/// delivered the event, so a client that reads slowly cannot stall a workflow.
final class SessionSubscription: Sendable {
    private struct State {
        var open = false
        var closed = false
        var held: [WorkflowEvent] = []
        var backend: (any WorkflowEventSubscription)?
    }

    let workflowId: String
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "agenthost.protocol.subscription")
    private let send: @Sendable (WorkflowEvent) -> Void

    init(workflowId: String, send: @escaping @Sendable (WorkflowEvent) -> Void) {
        self.workflowId = workflowId
        self.send = send
    }

    /// Attaches the backend's subscription, closed together with this one.
    func attach(_ subscription: any WorkflowEventSubscription) {
        let closed = state.withLock { state -> Bool in
            if state.closed { return true }
            state.backend = subscription
            return false
        }
        if closed { subscription.cancel() }
    }

    /// Takes one event from the backend.
    func receive(_ event: WorkflowEvent) {
        state.withLock { state in
            guard !state.closed else { return }
            if state.open {
                deliver(event)
            } else {
                state.held.append(event)
            }
        }
    }

    /// Sends what was held back and lets later events through.
    func open() {
        state.withLock { state in
            guard !state.closed, !state.open else { return }
            state.open = true
            for event in state.held { deliver(event) }
            state.held = []
        }
    }

    /// Sends `event` on the queue unless the subscription was closed meanwhile.
    private func deliver(_ event: WorkflowEvent) {
        queue.async { [self] in
            guard !state.withLock({ $0.closed }) else { return }
            send(event)
        }
    }

    /// Stops taking events and writes every event already taken (at the end of the session, so a
    /// client sees each workflow's last event), then closes.
    func finish() {
        let backend = state.withLock { state -> (any WorkflowEventSubscription)? in
            defer { state.backend = nil }
            return state.backend
        }
        backend?.cancel()
        open()
        queue.sync {}
        close()
    }

    /// Stops delivery; events queued and not yet written are dropped.
    func close() {
        let backend = state.withLock { state -> (any WorkflowEventSubscription)? in
            state.closed = true
            state.held = []
            defer { state.backend = nil }
            return state.backend
        }
        backend?.cancel()
    }
}
