import AgentCatalog
import WorkflowStore

/// An error of a `WorkflowBackend` call, with a stable code, a message and details.
///
/// Each front end renders it its own way: the stdio protocol as a JSON-RPC error with the
/// matching application code (docs/PROTOCOL.md), an HTTP server as a status code. Every
/// error is built by a factory below so messages stay consistent.
public struct HostingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, in a front end's terms.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No workflow has this id.
        case unknownWorkflow = "unknown_workflow"
        /// No agent has this name (in the catalog or in the workflow).
        case unknownAgent = "unknown_agent"
        /// The workflow is not in a state that allows this (pause a finished one, ...).
        case invalidState = "invalid_state"
        /// The workflow store failed, or holds something unreadable.
        case storeError = "store_error"
        /// An agent the workflow would run cannot be loaded: no manifest, or its library missing.
        case agentUnavailable = "agent_unavailable"
    }

    /// The stable code.
    public var code: Code
    /// A sentence naming what is at fault and what was expected.
    public var message: String
    /// Details for programs (the workflow id, the state, ...).
    public var data: JSONValue?

    /// Creates an error; prefer the factories.
    public init(code: Code, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// The message.
    public var description: String { message }
}

// MARK: - Factories

extension HostingError {
    /// No workflow has the id `id`.
    public static func unknownWorkflow(_ id: String) -> HostingError {
        HostingError(code: .unknownWorkflow, message: "Unknown workflow \(id)", data: ["workflow_id": .string(id)])
    }

    /// No agent `name` in `workflowId` (or in the catalog when nil).
    public static func unknownAgent(_ name: String, workflowId: String? = nil) -> HostingError {
        guard let workflowId else {
            return HostingError(code: .unknownAgent, message: "Agent not found: \(name)", data: ["agent": .string(name)])
        }
        return HostingError(
            code: .unknownAgent, message: "Agent \(name) is not part of workflow \(workflowId)",
            data: ["agent": .string(name), "workflow_id": .string(workflowId)])
    }

    /// The workflow is `state`, which does not allow what was asked; `explanation` says what would.
    public static func invalidState(workflowId: String, state: String, _ explanation: String) -> HostingError {
        HostingError(
            code: .invalidState, message: "Workflow \(workflowId) is \(state): \(explanation)",
            data: ["workflow_id": .string(workflowId), "state": .string(state)])
    }

    /// `agent` of `workflowId` cannot be loaded, so the workflow was not `action` (nothing changed).
    public static func agentUnavailable(
        workflowId: String, agent: String, action: String, _ explanation: String
    ) -> HostingError {
        HostingError(
            code: .agentUnavailable,
            message: "Workflow \(workflowId) was not \(action): \(explanation)",
            data: ["workflow_id": .string(workflowId), "agent": .string(agent)])
    }

    /// The store failed with `message`.
    public static func storeError(_ message: String) -> HostingError {
        HostingError(code: .storeError, message: "Store error: \(message)")
    }

    /// The hosting error for a store error about `workflowId`.
    public static func store(_ error: StoreError, workflowId: String?) -> HostingError {
        switch (error.code, workflowId) {
        case (.unknownWorkflow, .some(let id)): return unknownWorkflow(id)
        case (.finished, .some(let id)):
            return HostingError(
                code: .invalidState, message: "Workflow \(id): \(error.message)", data: ["workflow_id": .string(id)])
        default: return storeError(error.message)
        }
    }
}
