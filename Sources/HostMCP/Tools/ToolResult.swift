import AgentCatalog
import HostProtocol

/// What a tool call answers: MCP's `CallToolResult`.
struct ToolResult: Sendable {
    /// The human text (first content block).
    var text: String
    /// `structuredContent`: the same answer as JSON, for programs.
    var structured: JSONObject?
    /// `resource_link` blocks for files and runs the call produced.
    var links: [ResourceLink] = []
    /// Whether the tool failed (the model sees the text; it is not a protocol error).
    var isError = false

    /// A failed call whose text names what is at fault.
    static func failure(_ message: String, details: JSONObject? = nil) -> ToolResult {
        var structured: JSONObject = ["error": .string(message)]
        if let details { structured.merge(details) { first, _ in first } }
        return ToolResult(text: message, structured: structured, isError: true)
    }

    /// The result object for a session speaking `structuredContent` (2025-06-18 and later) or not.
    func json(structuredContent: Bool) -> JSONValue {
        var content: [JSONValue] = [["type": "text", "text": .string(text)]]
        var result: JSONObject = [:]
        if structuredContent {
            content += links.map(\.json)
            result["content"] = .array(content)
            if let structured { result["structuredContent"] = .object(structured) }
        } else {
            if !links.isEmpty {
                let list = links.map { "- \($0.uri)" }.joined(separator: "\n")
                content.append(["type": "text", "text": .string("Resources:\n" + list)])
            }
            result["content"] = .array(content)
        }
        result["isError"] = .bool(isError)
        return .object(result)
    }
}

/// A `resource_link` content block.
struct ResourceLink: Sendable, Hashable {
    var uri: String
    var name: String
    var mimeType: String
    var description: String?

    var json: JSONValue {
        var object: JSONObject = [
            "type": "resource_link", "uri": .string(uri), "name": .string(name), "mimeType": .string(mimeType),
        ]
        if let description { object["description"] = .string(description) }
        return .object(object)
    }
}

/// A tool the server offers: its name, description, input schema and handler.
struct MCPTool: Sendable {
    /// Runs the call; nil when the answer comes later through the request. Throwing
    /// `ToolFailure` or `ProtocolError` gives an `isError` result with the message.
    typealias Handler = @Sendable (MCPServer, MCPRequest, ToolArguments) throws -> ToolResult?

    var name: String
    var title: String
    var description: String
    var inputSchema: JSONValue
    var handler: Handler

    /// The entry of `tools/list`.
    var json: JSONValue {
        .object([
            "name": .string(name), "title": .string(title), "description": .string(description),
            "inputSchema": inputSchema,
        ])
    }
}

/// A tool's `arguments`, read with errors that name the argument.
struct ToolArguments: Sendable {
    let tool: String
    let members: JSONObject

    /// Refuses arguments the tool does not take, suggesting the closest one.
    func allowOnly(_ allowed: [String]) throws(ToolFailure) {
        for key in members.keys where !allowed.contains(key) {
            throw ToolFailure(
                "\(tool): argument `\(key)` is unknown; expected \(allowed.isEmpty ? "no arguments" : allowed.joined(separator: ", "))"
                    + NameSuggestion.didYouMean(key, among: allowed))
        }
    }

    func string(_ name: String) throws(ToolFailure) -> String {
        guard let value = members[name] else { throw ToolFailure("\(tool): argument `\(name)` is missing; expected a string") }
        guard let text = value.stringValue, !text.isEmpty else {
            throw ToolFailure("\(tool): argument `\(name)` must be a non-empty string, not \(value.typeDescription)")
        }
        return text
    }

    func optionalString(_ name: String) throws(ToolFailure) -> String? {
        guard let value = members[name], !value.isNull else { return nil }
        return try string(name)
    }

    func optionalBool(_ name: String) throws(ToolFailure) -> Bool? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            throw ToolFailure("\(tool): argument `\(name)` must be true or false, not \(value.typeDescription)")
        }
        return flag
    }

    func optionalObject(_ name: String) throws(ToolFailure) -> JSONObject? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let object = value.objectValue else {
            throw ToolFailure("\(tool): argument `\(name)` must be an object, not \(value.typeDescription)")
        }
        return object
    }
}

/// A tool call that failed in a way the caller can fix: answered as an `isError` result.
struct ToolFailure: Error, Sendable {
    var message: String
    var details: JSONObject?

    init(_ message: String, details: JSONObject? = nil) {
        self.message = message
        self.details = details
    }
}
