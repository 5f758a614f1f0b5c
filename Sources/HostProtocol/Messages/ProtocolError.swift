import AgentCatalog
import WorkflowPlanning

/// An error answered to a request: a JSON-RPC error object with a stable code.
///
/// Codes -32700...-32600 are JSON-RPC's own; application codes (1001 and up) are listed in
/// docs/PROTOCOL.md. Every error is built by a factory below so messages stay consistent.
public struct ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The numeric `code` member of the error object.
    public var code: Int
    /// A sentence naming what is at fault and what was expected.
    public var message: String
    /// Details for programs (the param, the limit, the supported versions, ...).
    public var data: JSONValue?

    /// Creates an error; prefer the factories.
    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// The JSON-RPC error object.
    public var json: JSONValue {
        var object: JSONObject = ["code": .integer(Int64(code)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }
}

// MARK: - Codes

extension ProtocolError {
    /// The stable codes, as named in docs/PROTOCOL.md.
    public enum Code {
        /// The line is not valid JSON (or not valid UTF-8).
        public static let parseError = -32700
        /// The JSON is not a valid request: not an object, a batch, a bad id or method, too long.
        public static let invalidRequest = -32600
        /// No such method.
        public static let methodNotFound = -32601
        /// A param is missing, unknown or of the wrong type or value.
        public static let invalidParams = -32602
        /// A fault in the server itself.
        public static let internalError = -32603
        /// No workflow has this id.
        public static let unknownWorkflow = 1001
        /// No agent has this name (in the catalog or in the workflow).
        public static let unknownAgent = 1002
        /// The planner rejected the request (cycle, unsatisfiable goal, ...).
        public static let planRejected = 1003
        /// The client cancelled the request with `$/cancel_request`.
        public static let requestCancelled = 1004
        /// A request other than `initialize` or `shutdown` came before `initialize`.
        public static let notInitialized = 1005
        /// The workflow store failed.
        public static let storeError = 1006
        /// The workflow is not in a state that allows this (pause a finished one, ...).
        public static let invalidState = 1007
        /// The server got `shutdown` and takes no more requests.
        public static let shuttingDown = 1008
        /// `initialize` asked for a protocol version this server does not speak.
        public static let unsupportedVersion = 1009
        /// `initialize` was sent twice.
        public static let alreadyInitialized = 1010
        /// No plan has this `plan_id` in this session.
        public static let unknownPlan = 1011
    }
}

// MARK: - Factories

extension ProtocolError {
    /// -32700 for a line that is not JSON.
    public static func parseError(_ error: JSONParseError) -> ProtocolError {
        ProtocolError(
            code: Code.parseError, message: "Parse error at column \(error.column): \(error.message)",
            data: ["column": .integer(Int64(error.column)), "offset": .integer(Int64(error.offset))])
    }

    /// -32600 with an explanation.
    public static func invalidRequest(_ message: String, data: JSONValue? = nil) -> ProtocolError {
        ProtocolError(code: Code.invalidRequest, message: "Invalid request: \(message)", data: data)
    }

    /// -32600 for a line over the limit.
    public static func lineTooLong(length: Int, limit: Int) -> ProtocolError {
        invalidRequest(
            "line of \(length) bytes exceeds the maximum of \(limit) bytes; it was discarded",
            data: ["length": .integer(Int64(length)), "limit": .integer(Int64(limit))])
    }

    /// -32601.
    public static func methodNotFound(_ method: String) -> ProtocolError {
        ProtocolError(
            code: Code.methodNotFound, message: "Method not found: \(method)", data: ["method": .string(method)])
    }

    /// -32602 naming the param and what was expected.
    public static func invalidParams(method: String, param: String, _ explanation: String) -> ProtocolError {
        ProtocolError(
            code: Code.invalidParams, message: "Invalid params for \(method): \(param) \(explanation)",
            data: ["param": .string(param)])
    }

    /// -32603.
    public static func internalError(_ message: String) -> ProtocolError {
        ProtocolError(code: Code.internalError, message: "Internal error: \(message)")
    }

    /// 1001.
    public static func unknownWorkflow(_ id: String) -> ProtocolError {
        ProtocolError(
            code: Code.unknownWorkflow, message: "Unknown workflow \(id)", data: ["workflow_id": .string(id)])
    }

    /// 1002.
    public static func unknownAgent(_ name: String, workflowId: String? = nil) -> ProtocolError {
        var data: JSONObject = ["agent": .string(name)]
        if let workflowId {
            data["workflow_id"] = .string(workflowId)
            return ProtocolError(
                code: Code.unknownAgent, message: "Agent \(name) is not part of workflow \(workflowId)",
                data: .object(data))
        }
        return ProtocolError(code: Code.unknownAgent, message: "Agent not found: \(name)", data: .object(data))
    }

    /// 1003, with the planning error's code, message and details in `data`.
    public static func planRejected(_ error: PlanningError) -> ProtocolError {
        ProtocolError(
            code: Code.planRejected, message: "Plan rejected: \(error.message)",
            data: ["code": .string(error.code.rawValue), "message": .string(error.message), "details": error.details])
    }

    /// 1004.
    public static func requestCancelled(_ id: RequestID) -> ProtocolError {
        ProtocolError(code: Code.requestCancelled, message: "Request \(id) was cancelled", data: ["id": id.json])
    }

    /// 1005.
    public static func notInitialized(_ method: String) -> ProtocolError {
        ProtocolError(
            code: Code.notInitialized, message: "Not initialized: send initialize before \(method)",
            data: ["method": .string(method)])
    }

    /// 1006.
    public static func storeError(_ message: String) -> ProtocolError {
        ProtocolError(code: Code.storeError, message: "Store error: \(message)")
    }

    /// 1007.
    public static func invalidState(workflowId: String, state: String, _ explanation: String) -> ProtocolError {
        ProtocolError(
            code: Code.invalidState, message: "Workflow \(workflowId) is \(state): \(explanation)",
            data: ["workflow_id": .string(workflowId), "state": .string(state)])
    }

    /// 1008.
    public static func shuttingDown(_ method: String) -> ProtocolError {
        ProtocolError(
            code: Code.shuttingDown, message: "The server is shutting down and refuses \(method)",
            data: ["method": .string(method)])
    }

    /// 1009, listing the supported versions.
    public static func unsupportedVersion(_ requested: String, supported: [String]) -> ProtocolError {
        ProtocolError(
            code: Code.unsupportedVersion,
            message: "Unsupported protocol version \(requested); supported: \(supported.joined(separator: ", "))",
            data: ["requested": .string(requested), "supported": .array(supported.map { .string($0) })])
    }

    /// 1010.
    public static func alreadyInitialized() -> ProtocolError {
        ProtocolError(code: Code.alreadyInitialized, message: "The session is already initialized")
    }

    /// 1011.
    public static func unknownPlan(_ id: String) -> ProtocolError {
        ProtocolError(
            code: Code.unknownPlan, message: "Unknown plan \(id): plan ids come from workflow/plan in this session",
            data: ["plan_id": .string(id)])
    }
}
