import AgentCatalog

/// What one line of input turned out to be.
public enum IncomingMessage: Sendable, Equatable {
    /// A request: it gets exactly one response with its id.
    case request(id: RequestID, method: String, params: JSONObject)
    /// A notification: no response.
    case notification(method: String, params: JSONObject)
    /// A response from the client (the server sends no requests, so it is ignored and logged).
    case response
    /// A notification that is malformed: it is logged on stderr, never answered.
    case invalidNotification(method: String, problem: String)
    /// Something that gets an error response; `id` is the request's id when it could be read.
    case invalid(id: RequestID?, error: ProtocolError)

    /// Classifies one line of input.
    public init(line: [UInt8]) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: line)
        } catch {
            self = .invalid(id: nil, error: .parseError(error))
            return
        }
        self.init(json: value)
    }

    /// Classifies a parsed JSON value.
    ///
    /// A message with `result` or `error` and no `method` is a client's response (ignored, whatever
    /// its id, `null` included). A message with a string `method` and no `id` is a notification: it is
    /// never answered, so its other faults (bad `jsonrpc`, unknown members, non-object `params`) make
    /// it `.invalidNotification`, which the server logs and drops.
    public init(json value: JSONValue) {
        guard case .object(let members) = value else {
            if case .array = value {
                self = .invalid(
                    id: nil,
                    error: .invalidRequest("batches (JSON arrays) are not supported; send one message per line"))
            } else {
                self = .invalid(id: nil, error: .invalidRequest("expected a JSON object, got \(value.typeDescription)"))
            }
            return
        }
        if members["method"] == nil, members["result"] != nil || members["error"] != nil {
            self = .response
            return
        }
        if members["id"] == nil, let method = members["method"]?.stringValue {
            if let problem = Self.envelopeProblem(members, method: method) {
                self = .invalidNotification(method: method, problem: problem.message)
            } else {
                self = .notification(method: method, params: members["params"]?.objectValue ?? [:])
            }
            return
        }
        var id: RequestID?
        if let rawId = members["id"] {
            id = RequestID(json: rawId)
            if id == nil {
                self = .invalid(
                    id: nil, error: .invalidRequest("id must be a string or an integer, got \(rawId.typeDescription)"))
                return
            }
        }
        guard let rawMethod = members["method"] else {
            if let problem = Self.envelopeProblem(members, method: nil) {
                self = .invalid(id: id, error: problem)
            } else {
                self = .invalid(id: id, error: .invalidRequest("method is missing"))
            }
            return
        }
        guard let method = rawMethod.stringValue else {
            if let problem = Self.envelopeProblem(members, method: nil) {
                self = .invalid(id: id, error: problem)
            } else {
                self = .invalid(
                    id: id, error: .invalidRequest("method must be a string, got \(rawMethod.typeDescription)"))
            }
            return
        }
        if let problem = Self.envelopeProblem(members, method: method) {
            self = .invalid(id: id, error: problem)
            return
        }
        self = .request(id: id!, method: method, params: members["params"]?.objectValue ?? [:])
    }

    /// The first fault of a message's envelope other than its id and method: `jsonrpc`, unknown
    /// members, `params` that is not an object (checked only when `method` is known).
    private static func envelopeProblem(_ members: JSONObject, method: String?) -> ProtocolError? {
        guard members["jsonrpc"] == .string("2.0") else {
            let got = members["jsonrpc"].map { $0.compactText } ?? "nothing"
            return .invalidRequest("jsonrpc must be \"2.0\", got \(got)")
        }
        guard let method else { return nil }
        for key in members.keys where !["jsonrpc", "id", "method", "params"].contains(key) {
            return .invalidRequest("unknown member \(key); expected jsonrpc, id, method, params")
        }
        if let rawParams = members["params"], rawParams.objectValue == nil, rawParams != .null {
            return .invalidParams(method: method, param: "params", "must be an object, got \(rawParams.typeDescription)")
        }
        return nil
    }
}
