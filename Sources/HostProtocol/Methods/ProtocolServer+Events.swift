import AgentCatalog
import WorkflowEvents

extension ProtocolServer {
    /// `workflow/subscribe {workflow_id, from_sequence?}` -> `{workflow_id, from_sequence, last_sequence}`;
    /// then every event from `from_sequence` (default 1) on arrives as a `workflow/event` notification.
    func subscribe(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context, also: ["from_sequence"])
        let from = try context.params.optionalInteger("from_sequence", in: 1...Int64.max) ?? 1
        let lastSequence = try workflows.status(workflowId: id).lastSequence
        let subscription = SessionSubscription(workflowId: id) { [weak self] event in
            self?.notify("workflow/event", params: event.json)
        }
        let upstream = try workflows.subscribe(workflowId: id, from: from) { event in subscription.receive(event) }
        subscription.attach(upstream)
        let replaced = session.withLock { state -> SessionSubscription? in
            let old = state.subscriptions[id]
            state.subscriptions[id] = subscription
            return old
        }
        replaced?.close()
        context.respond(
            .object([
                "workflow_id": .string(id), "from_sequence": .integer(from), "last_sequence": .integer(lastSequence),
            ]))
        subscription.open()
        return nil
    }

    /// `workflow/unsubscribe {workflow_id}` -> `{workflow_id, was_subscribed}`.
    func unsubscribe(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context)
        let existing = session.withLock { $0.subscriptions.removeValue(forKey: id) }
        existing?.close()
        return .object(["workflow_id": .string(id), "was_subscribed": .bool(existing != nil)])
    }
}
