import AgentCatalog

/// What one line of input turned out to be.
public enum IncomingMessage: Sendable, Equatable {
    /// A request: it gets exactly one response with its id.
    case request(id: RequestID, method: String, params: JSONObject)
    /// A notification: no response.
    case notification(method: String, params: JSONObject)
    /// A response from the client (the server sends no requests, so it is ignored).
    case response
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
        var id: RequestID?
        let hasId = members["id"] != nil
        if let rawId = members["id"] {
            id = RequestID(json: rawId)
            if id == nil {
                self = .invalid(
                    id: nil, error: .invalidRequest("id must be a string or an integer, got \(rawId.typeDescription)"))
                return
            }
        }
        guard members["jsonrpc"] == .string("2.0") else {
            let got = members["jsonrpc"].map { $0.compactText } ?? "nothing"
            self = .invalid(id: id, error: .invalidRequest("jsonrpc must be \"2.0\", got \(got)"))
            return
        }
        guard let rawMethod = members["method"] else {
            if hasId, members["result"] != nil || members["error"] != nil {
                self = .response
            } else {
                self = .invalid(id: id, error: .invalidRequest("method is missing"))
            }
            return
        }
        guard let method = rawMethod.stringValue else {
            self = .invalid(id: id, error: .invalidRequest("method must be a string, got \(rawMethod.typeDescription)"))
            return
        }
        for key in members.keys where !["jsonrpc", "id", "method", "params"].contains(key) {
            self = .invalid(
                id: id, error: .invalidRequest("unknown member \(key); expected jsonrpc, id, method, params"))
            return
        }
        var params = JSONObject()
        if let rawParams = members["params"] {
            switch rawParams {
            case .object(let object): params = object
            case .null: break
            default:
                let error = ProtocolError.invalidParams(
                    method: method, param: "params", "must be an object, got \(rawParams.typeDescription)")
                self = .invalid(id: id, error: error)
                return
            }
        }
        if let id {
            self = .request(id: id, method: method, params: params)
        } else {
            self = .notification(method: method, params: params)
        }
    }
}
