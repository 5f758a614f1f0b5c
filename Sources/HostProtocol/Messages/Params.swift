import AgentCatalog

/// A method's params, read with errors that name the param and what was expected.
public struct Params: Sendable {
    /// The method the params belong to, for messages.
    public let method: String
    /// The params object.
    public let members: JSONObject

    /// Wraps `members` for `method`.
    public init(method: String, members: JSONObject) {
        self.method = method
        self.members = members
    }

    /// Rejects params not in `allowed`.
    /// - Throws: -32602 naming the unknown param and the allowed ones.
    public func allowOnly(_ allowed: [String]) throws(ProtocolError) {
        for key in members.keys where !allowed.contains(key) {
            let expected =
                allowed.isEmpty ? "this method takes no params" : "expected \(allowed.joined(separator: ", "))"
            throw ProtocolError.invalidParams(method: method, param: key, "is not a known param; \(expected)")
        }
    }

    /// A required string param.
    public func string(_ name: String) throws(ProtocolError) -> String {
        guard let value = members[name] else { throw missing(name, "a string") }
        guard let text = value.stringValue else { throw wrongType(name, "a string", value) }
        return text
    }

    /// A required non-empty string param.
    public func nonEmptyString(_ name: String) throws(ProtocolError) -> String {
        let text = try string(name)
        guard !text.isEmpty else {
            throw ProtocolError.invalidParams(method: method, param: name, "must be a non-empty string")
        }
        return text
    }

    /// An optional string param (absent or null gives nil).
    public func optionalString(_ name: String) throws(ProtocolError) -> String? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw wrongType(name, "a string", value) }
        return text
    }

    /// An optional integer param within `range`.
    public func optionalInteger(_ name: String, in range: ClosedRange<Int64>) throws(ProtocolError) -> Int64? {
        guard let value = members[name], !value.isNull else { return nil }
        guard case .integer(let number) = value else {
            throw wrongType(name, "an integer in \(range.lowerBound)...\(range.upperBound)", value)
        }
        guard range.contains(number) else {
            throw ProtocolError.invalidParams(
                method: method, param: name,
                "must be in \(range.lowerBound)...\(range.upperBound), got \(number)")
        }
        return number
    }

    /// An optional object param.
    public func optionalObject(_ name: String) throws(ProtocolError) -> JSONObject? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let object = value.objectValue else { throw wrongType(name, "an object", value) }
        return object
    }

    /// An optional boolean param.
    public func optionalBool(_ name: String) throws(ProtocolError) -> Bool? {
        guard let value = members[name], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw wrongType(name, "a boolean", value) }
        return flag
    }

    private func missing(_ name: String, _ expected: String) -> ProtocolError {
        ProtocolError.invalidParams(method: method, param: name, "is missing; expected \(expected)")
    }

    private func wrongType(_ name: String, _ expected: String, _ value: JSONValue) -> ProtocolError {
        ProtocolError.invalidParams(method: method, param: name, "must be \(expected), got \(value.typeDescription)")
    }
}
