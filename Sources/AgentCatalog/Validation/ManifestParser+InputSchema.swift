import OrderedCollections

extension ManifestParser {
    /// Reads `input_schema`: an object schema (type "object") in the subset `InputSchema` knows.
    static func readInputSchema(_ reader: inout FieldReader) -> InputSchema? {
        guard let value = reader.object["input_schema"], !value.isNull else { return nil }
        let schema = readSchema(value, path: "input_schema", &reader)
        if let schema, schema.types != [.object] {
            reader.problem("input_schema", "expected a schema with \"type\": \"object\" (the campaign is an object)")
        }
        return schema
    }

    private static func readSchema(_ value: JSONValue, path: String, _ reader: inout FieldReader) -> InputSchema? {
        guard let members = value.objectValue else {
            reader.problems.append(.wrongType(reader.file, path, expected: "a JSON Schema object", found: value))
            return nil
        }
        var inner = FieldReader(file: reader.file, path: path, object: members)
        inner.rejectUnknownFields(known: InputSchema.keywords)
        var schema = InputSchema(json: value)
        schema.types = readTypes(&inner)
        schema.description = inner.string("description", nonEmpty: false)
        if var properties = inner.object("properties", required: false) {
            for (name, member) in properties.object {
                if let property = readSchema(member, path: properties.fieldPath(name), &properties) {
                    schema.properties[name] = property
                }
            }
            inner.problems += properties.problems
        }
        schema.required = inner.strings("required") ?? []
        for (index, name) in schema.required.enumerated() where !schema.properties.keys.contains(name) {
            inner.problem(
                "required[\(index)]",
                "names \"\(name)\", which is not in properties"
                    + NameSuggestion.didYouMean(name, among: schema.properties.keys))
        }
        if let items = members["items"] {
            schema.items = readSchema(items, path: inner.fieldPath("items"), &inner)
        }
        if let allowed = members["enum"] {
            if let values = allowed.arrayValue, !values.isEmpty {
                schema.allowed = values
            } else {
                inner.wrongType("enum", expected: "a non-empty array of allowed values", found: allowed)
            }
        }
        schema.additionalProperties = inner.bool("additionalProperties") ?? true
        reader.problems += inner.problems
        return schema
    }

    /// `type`: one type name or an array of them.
    private static func readTypes(_ reader: inout FieldReader) -> [InputSchema.JSONType] {
        guard let value = reader.object["type"] else { return [] }
        let names = value.stringValue.map { [$0] } ?? value.arrayValue?.compactMap(\.stringValue)
        let allowed = InputSchema.JSONType.allCases.map(\.rawValue)
        guard let names, !names.isEmpty, names.count == (value.arrayValue?.count ?? 1) else {
            reader.wrongType("type", expected: "a type name or an array of them", found: value)
            return []
        }
        var types: [InputSchema.JSONType] = []
        for name in names {
            if let type = InputSchema.JSONType(rawValue: name) {
                types.append(type)
            } else {
                reader.problem(
                    "type",
                    "unknown type \"\(name)\"; expected one of \(allowed.joined(separator: ", "))"
                        + NameSuggestion.didYouMean(name, among: allowed))
            }
        }
        return types
    }
}
