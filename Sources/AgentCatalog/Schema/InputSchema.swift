import OrderedCollections

// Implementation notes: a small subset of JSON Schema (draft 2020-12 keywords `type`,
// `properties`, `required`, `items`, `enum`, `additionalProperties`, plus the annotations
// `description`, `title`, `default` and `examples`), enough to say which campaign fields an
// agent reads and what they hold. Anything else is refused when the manifest is read, so a
// schema never silently checks less than its author thinks. `json` keeps the schema exactly
// as written, for the MCP tool schemas.

/// `input_schema` of a manifest: the campaign fields the agent reads (docs/MANIFEST.md).
public struct InputSchema: Sendable, Hashable {
    /// The JSON types a value may have (`type`); empty for any type.
    public var types: [JSONType]
    /// `properties`: the schema of each named member of an object, in the order written.
    public var properties: OrderedDictionary<String, InputSchema>
    /// `required`: members an object must have.
    public var required: [String]
    /// `additionalProperties`: whether an object may have members not in `properties`
    /// (JSON Schema's default: true).
    public var additionalProperties: Bool
    /// `enum`: the only values allowed, when given.
    public var allowed: [JSONValue]?
    /// `description`, for people and MCP clients.
    public var description: String?
    /// The schema as written in the manifest.
    public var json: JSONValue
    private var itemStorage: [InputSchema]

    /// `items`: the schema of every element of an array.
    public var items: InputSchema? {
        get { itemStorage.first }
        set { itemStorage = newValue.map { [$0] } ?? [] }
    }

    /// Creates a schema; prefer reading one with `ManifestParser`.
    public init(
        types: [JSONType] = [], properties: OrderedDictionary<String, InputSchema> = [:], required: [String] = [],
        additionalProperties: Bool = true, allowed: [JSONValue]? = nil, items: InputSchema? = nil,
        description: String? = nil, json: JSONValue = .object([:])
    ) {
        self.types = types
        self.properties = properties
        self.required = required
        self.additionalProperties = additionalProperties
        self.allowed = allowed
        self.description = description
        self.json = json
        self.itemStorage = items.map { [$0] } ?? []
    }

    /// JSON Schema's type names.
    public enum JSONType: String, Sendable, Hashable, CaseIterable {
        case object, array, string, number, integer, boolean, null

        /// Whether `value` is of this type (an integer is also a number).
        public func matches(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.object, .object), (.array, .array), (.string, .string), (.boolean, .bool), (.null, .null):
                return true
            case (.number, .integer), (.number, .number), (.integer, .integer):
                return true
            case (.integer, .number(let number)):
                return number.rounded() == number && number.isFinite
            default:
                return false
            }
        }
    }

    /// The keywords a schema may contain.
    public static let keywords: [String] = [
        "type", "properties", "required", "items", "enum", "additionalProperties",
        "description", "title", "default", "examples",
    ]
}

// MARK: - Checking values

/// One way a value breaks a schema, at a JSON path such as `campaign.keywords[2]`.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// What broke the schema.
    public enum Kind: Sendable, Hashable {
        /// A member no schema declares, with the closest declared name if one is close.
        case unknownField(suggestion: String?)
        /// A required member is absent.
        case missingField
        /// A value of the wrong type.
        case wrongType(expected: String, found: String)
        /// A value outside `enum`.
        case notAllowed(allowed: [JSONValue])
    }

    /// The JSON path at fault.
    public var path: String
    /// What is wrong there.
    public var kind: Kind

    /// Creates a violation.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// A sentence naming the path and what was expected.
    public var description: String {
        switch kind {
        case .unknownField(let suggestion):
            return "`\(path)` is unknown" + (suggestion.map { "; did you mean `\($0)`?" } ?? "")
        case .missingField:
            return "`\(path)` is required but missing"
        case .wrongType(let expected, let found):
            return "`\(path)` must be \(expected), not \(found)"
        case .notAllowed(let allowed):
            return "`\(path)` must be one of \(allowed.map(\.compactText).joined(separator: ", "))"
        }
    }
}

extension InputSchema {
    /// Every way `value` breaks this schema; `path` names `value` in the messages.
    public func violations(of value: JSONValue, at path: String) -> [SchemaViolation] {
        if !types.isEmpty && !types.contains(where: { $0.matches(value) }) {
            let expected = types.map(\.rawValue).joined(separator: " or ")
            return [SchemaViolation(path: path, kind: .wrongType(expected: expected, found: value.typeDescription))]
        }
        if let allowed, !allowed.contains(value) {
            return [SchemaViolation(path: path, kind: .notAllowed(allowed: allowed))]
        }
        var result: [SchemaViolation] = []
        if case .object(let members) = value {
            for name in required where members[name] == nil {
                result.append(SchemaViolation(path: "\(path).\(name)", kind: .missingField))
            }
            for (name, member) in members {
                if let schema = properties[name] {
                    result += schema.violations(of: member, at: "\(path).\(name)")
                } else if !additionalProperties {
                    let suggestion = NameSuggestion.closest(to: name, among: properties.keys)
                    result.append(SchemaViolation(path: "\(path).\(name)", kind: .unknownField(suggestion: suggestion)))
                }
            }
        }
        if case .array(let elements) = value, let items {
            for (index, element) in elements.enumerated() {
                result += items.violations(of: element, at: "\(path)[\(index)]")
            }
        }
        return result
    }
}
