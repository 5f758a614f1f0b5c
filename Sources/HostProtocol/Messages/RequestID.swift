import AgentCatalog

/// A JSON-RPC request id: a string or an integer, kept exactly as the client sent it.
public enum RequestID: Sendable, Hashable, CustomStringConvertible {
    /// An integer id, exact within 64 bits.
    case integer(Int64)
    /// A string id.
    case string(String)

    /// Reads an id; `nil` when `value` is neither a string nor an integer.
    public init?(json value: JSONValue) {
        switch value {
        case .integer(let number): self = .integer(number)
        case .string(let text): self = .string(text)
        default: return nil
        }
    }

    /// The id as JSON.
    public var json: JSONValue {
        switch self {
        case .integer(let number): return .integer(number)
        case .string(let text): return .string(text)
        }
    }

    /// The id as written in JSON (`7`, `"abc"`), for messages.
    public var description: String { json.compactText }
}
