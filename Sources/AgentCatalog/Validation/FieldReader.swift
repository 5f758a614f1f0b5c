// Implementation notes
// FieldReader reads the members of one JSON object and records a ManifestProblem for every
// field that is missing, of the wrong type or out of range, instead of stopping at the
// first: `agents validate` must list everything wrong with a file at once. Each accessor
// returns nil when the field is absent or bad, and the caller falls back to the default.

/// Reads typed fields from one JSON object, collecting problems.
struct FieldReader {
    let file: String
    /// JSON path of the object being read, e.g. `signature.returns`; empty at the top level.
    let path: String
    let object: JSONObject
    var problems: [ManifestProblem] = []

    init(file: String, path: String = "", object: JSONObject) {
        self.file = file
        self.path = path
        self.object = object
    }

    /// The JSON path of member `key`.
    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Records a problem for every member not in `known`.
    mutating func rejectUnknownFields(known: [String]) {
        for key in object.keys where !known.contains(key) {
            problems.append(.unknownField(file, fieldPath(key), known: known))
        }
    }

    mutating func problem(_ key: String?, _ message: String) {
        let field = key.map(fieldPath) ?? (path.isEmpty ? nil : path)
        problems.append(.invalid(file, field, message))
    }

    /// The member `key`, recording a problem when it is required and absent.
    mutating func value(_ key: String, required: Bool, expected: String) -> JSONValue? {
        guard let value = object[key] else {
            if required { problems.append(.missingField(file, fieldPath(key), expected: expected)) }
            return nil
        }
        return value
    }

    mutating func wrongType(_ key: String, expected: String, found: JSONValue) {
        problems.append(.wrongType(file, fieldPath(key), expected: expected, found: found))
    }

    mutating func string(_ key: String, required: Bool = false, nonEmpty: Bool = true) -> String? {
        let expected = "a string"
        guard let value = value(key, required: required, expected: expected) else { return nil }
        guard let text = value.stringValue else {
            wrongType(key, expected: expected, found: value)
            return nil
        }
        if nonEmpty && text.isEmpty {
            problem(key, "expected a non-empty string")
            return nil
        }
        return text
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = value(key, required: false, expected: "a boolean") else { return nil }
        guard let flag = value.boolValue else {
            wrongType(key, expected: "a boolean (true or false)", found: value)
            return nil
        }
        return flag
    }

    /// An integer `>= minimum`.
    mutating func integer(_ key: String, required: Bool = false, minimum: Int64) -> Int? {
        let expected = "an integer >= \(minimum)"
        guard let value = value(key, required: required, expected: expected) else { return nil }
        guard let number = value.integerValue, let exact = Int(exactly: number) else {
            wrongType(key, expected: expected, found: value)
            return nil
        }
        guard number >= minimum else {
            problem(key, "expected \(expected), found \(number)")
            return nil
        }
        return exact
    }

    /// Reads the required format version `key` (an integer >= 0) and records an
    /// unsupported-version problem when it is not `supported`.
    mutating func requireVersion(_ key: String, supported: Int) {
        if let version = integer(key, required: true, minimum: 0), version != supported {
            problems.append(.unsupportedVersion(file, key, found: Int64(version), supported: supported))
        }
    }

    /// A finite number `> 0`.
    mutating func positiveNumber(_ key: String) -> Double? {
        let expected = "a number > 0 (seconds)"
        guard let value = value(key, required: false, expected: expected) else { return nil }
        guard let number = value.doubleValue else {
            wrongType(key, expected: expected, found: value)
            return nil
        }
        guard number > 0, number.isFinite else {
            problem(key, "expected \(expected), found \(value.compactText)")
            return nil
        }
        return number
    }

    /// An array of non-empty strings.
    mutating func strings(_ key: String, required: Bool = false) -> [String]? {
        let expected = "an array of strings"
        guard let value = value(key, required: required, expected: expected) else { return nil }
        guard let elements = value.arrayValue else {
            wrongType(key, expected: expected, found: value)
            return nil
        }
        return stringElements(elements, at: fieldPath(key))
    }

    /// The elements of an array that must all be non-empty strings.
    mutating func stringElements(_ elements: [JSONValue], at elementPath: String) -> [String]? {
        var result: [String] = []
        var valid = true
        for (index, element) in elements.enumerated() {
            if let text = element.stringValue, !text.isEmpty {
                result.append(text)
            } else {
                valid = false
                problems.append(
                    .invalid(
                        file, "\(elementPath)[\(index)]",
                        "expected a non-empty string, found \(element.typeDescription)"))
            }
        }
        return valid ? result : nil
    }

    /// A string that must be the raw value of one of `E`'s cases.
    mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ key: String, _ type: E.Type
    ) -> E? where E.RawValue == String {
        let allowed = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let value = value(key, required: false, expected: "one of \(allowed)") else { return nil }
        guard let text = value.stringValue else {
            wrongType(key, expected: "one of \(allowed)", found: value)
            return nil
        }
        guard let result = E(rawValue: text) else {
            problem(key, "expected one of \(allowed), found \"\(text)\"")
            return nil
        }
        return result
    }

    /// A nested object, as a reader of its own.
    mutating func object(_ key: String, required: Bool) -> FieldReader? {
        guard let value = value(key, required: required, expected: "an object") else { return nil }
        guard let members = value.objectValue else {
            wrongType(key, expected: "an object", found: value)
            return nil
        }
        return FieldReader(file: file, path: fieldPath(key), object: members)
    }
}

// MARK: - Patterns

/// Whether `name` matches `[a-z0-9_][a-z0-9_.-]*`.
func isValidName(_ name: String) -> Bool {
    var first = true
    for byte in name.utf8 {
        let ok: Bool
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            ok = true
        case UInt8(ascii: "."), UInt8(ascii: "-"):
            ok = !first
        default:
            ok = false
        }
        if !ok { return false }
        first = false
    }
    return !first
}

/// Whether `text` is 64 hexadecimal digits.
func isSHA256Hex(_ text: String) -> Bool {
    text.utf8.count == 64
        && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
}
