import Foundation
import TestSupport
import Testing

@testable import AgentCatalog

/// Checks docs/agent-manifest.schema.json against the parser: same fields, same required
/// fields, and the same verdict on every manifest we ship and on the per-file bad fixtures.
@Suite struct ManifestSchemaTests {
    let schema: JSONValue

    init() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(repositoryRoot)/docs/agent-manifest.schema.json")))
        schema = try JSONValue(parsing: bytes)
    }

    @Test func declaresExactlyTheFieldsTheParserAccepts() throws {
        let properties = try #require(schema["properties"]?.objectValue)
        #expect(Set(properties.keys) == Set(ManifestParser.manifestFields))
        let required = try #require(schema["required"]?.arrayValue).compactMap(\.stringValue)
        #expect(Set(required) == Set(ManifestParser.requiredManifestFields))
        #expect(schema["additionalProperties"] == false)
    }

    @Test func acceptsEveryShippedManifestAndTheGoodFixtures() throws {
        var files = ["\(fixturesFolder)/good-full.json", "\(fixturesFolder)/good-cfunction.json"]
        let shipped = "\(repositoryRoot)/AgentManifests"
        if let names = try? FileManager.default.contentsOfDirectory(atPath: shipped) {
            files += names.filter { $0.hasSuffix(".json") }.sorted().map { "\(shipped)/\($0)" }
        }
        for file in files {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            let errors = SchemaValidator.errors(try JSONValue(parsing: bytes), against: schema)
            #expect(errors == [], "\(file) does not match the schema")
            #expect(ManifestParser.parseManifest(bytes, file: file, order: 0).problems == [], "\(file) is refused by the parser")
        }
    }

    @Test(arguments: [
        "missing-required.json", "wrong-type.json", "unknown-field.json", "unsupported-version.json",
        "library-dotdot.json", "bad-values.json",
    ])
    func rejectsWhatTheParserRejects(_ name: String) throws {
        let value = try JSONValue(parsing: try fixture(name))
        #expect(!SchemaValidator.errors(value, against: schema).isEmpty)
        #expect(!(try parseFixture(name)).problems.isEmpty)
    }

    @Test func validatorItselfRejectsAnUnsupportedKeyword() {
        #expect(SchemaValidator.errors(1, against: ["if": [:]]) == ["$: unsupported schema keyword 'if'"])
    }
}

/// A validator for the subset of JSON Schema 2020-12 the manifest schema uses. A keyword it
/// does not know is an error, so the schema cannot silently grow beyond what is checked.
enum SchemaValidator {
    static let annotations: Set<String> = ["$schema", "$id", "title", "description", "default", "$defs"]

    /// The `$defs` of docs/agent-manifest.schema.json, which `"$ref": "#/$defs/NAME"` points into.
    static let definitions: JSONObject = {
        let url = URL(fileURLWithPath: "\(repositoryRoot)/docs/agent-manifest.schema.json")
        let schema = (try? Data(contentsOf: url)).flatMap { try? JSONValue(parsing: Array($0)) }
        return schema?["$defs"]?.objectValue ?? [:]
    }()

    static func errors(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        if case .bool(let allowed) = schema { return allowed ? [] : ["\(path): not allowed"] }
        guard let keywords = schema.objectValue else { return ["\(path): schema is not an object"] }
        var errors: [String] = []
        for (keyword, argument) in keywords where !annotations.contains(keyword) {
            switch keyword {
            case "type":
                if !matches(value, type: argument.stringValue ?? "") { errors.append("\(path): expected \(argument.compactText)") }
            case "enum":
                if !(argument.arrayValue ?? []).contains(where: { equal($0, value) }) { errors.append("\(path): not in enum") }
            case "minimum":
                if let number = value.doubleValue, number < argument.doubleValue! { errors.append("\(path): below minimum") }
            case "exclusiveMinimum":
                if let number = value.doubleValue, number <= argument.doubleValue! { errors.append("\(path): not above minimum") }
            case "minLength":
                if let text = value.stringValue, text.count < Int(argument.integerValue!) { errors.append("\(path): too short") }
            case "pattern":
                if let text = value.stringValue, !matches(text, pattern: argument.stringValue!) {
                    errors.append("\(path): does not match \(argument.stringValue!)")
                }
            case "required":
                for name in (argument.arrayValue ?? []).compactMap(\.stringValue) where value.objectValue?[name] == nil {
                    if value.objectValue != nil { errors.append("\(path): missing \(name)") }
                }
            case "properties":
                for (name, member) in value.objectValue ?? [:] {
                    if let subschema = argument[name] { errors += self.errors(member, against: subschema, at: "\(path).\(name)") }
                }
            case "additionalProperties":
                let declared = keywords["properties"]?.objectValue ?? [:]
                for (name, member) in value.objectValue ?? [:] where declared[name] == nil {
                    errors += self.errors(member, against: argument, at: "\(path).\(name)")
                }
            case "items":
                for (index, element) in (value.arrayValue ?? []).enumerated() {
                    errors += self.errors(element, against: argument, at: "\(path)[\(index)]")
                }
            case "oneOf":
                let passing = (argument.arrayValue ?? []).filter { self.errors(value, against: $0, at: path).isEmpty }
                if passing.count != 1 { errors.append("\(path): matches \(passing.count) of oneOf, expected exactly 1") }
            case "allOf":
                for subschema in argument.arrayValue ?? [] { errors += self.errors(value, against: subschema, at: path) }
            case "$ref":
                let name = argument.stringValue?.replacingOccurrences(of: "#/$defs/", with: "") ?? ""
                if let target = definitions[name] {
                    errors += self.errors(value, against: target, at: path)
                } else {
                    errors.append("\(path): unresolved $ref \(argument.compactText)")
                }
            case "const":
                if !equal(argument, value) { errors.append("\(path): expected \(argument.compactText)") }
            case "minItems":
                if let elements = value.arrayValue, elements.count < Int(argument.integerValue!) {
                    errors.append("\(path): fewer than \(argument.compactText) items")
                }
            case "anyOf":
                if !(argument.arrayValue ?? []).contains(where: { self.errors(value, against: $0, at: path).isEmpty }) {
                    errors.append("\(path): matches none of anyOf")
                }
            default:
                errors.append("\(path): unsupported schema keyword '\(keyword)'")
            }
        }
        return errors
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("number", .integer), ("number", .number), ("integer", .integer): return true
        case ("integer", .number): return value.integerValue != nil
        default: return false
        }
    }

    /// JSON equality, where 1 and 1.0 are the same number.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }

    static func matches(_ text: String, pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
