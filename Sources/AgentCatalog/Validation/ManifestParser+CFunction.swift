extension ManifestParser {
    /// `symbol`, `signature` and `free`: required (except `free`) for c-function manifests,
    /// refused in agent-v1 manifests.
    static func readCFunction(_ reader: inout FieldReader, kind: Manifest.Kind) -> CFunctionSignature? {
        guard kind == .cFunction else {
            for key in cFunctionFields where reader.object[key] != nil {
                reader.problem(key, "only for kind \"c-function\"; this manifest's kind is \"\(kind.rawValue)\"")
            }
            return nil
        }
        let symbol = reader.string("symbol", required: true)
        let free = reader.string("free")
        guard var signature = reader.object("signature", required: true) else { return nil }
        signature.rejectUnknownFields(known: ["arguments", "returns"])
        let arguments = readArguments(&signature)
        var returns: CFunctionSignature.Return?
        if var inner = signature.object("returns", required: true) {
            inner.rejectUnknownFields(known: ["type", "output"])
            let type = readCType(&inner)
            let output = inner.string("output", required: true)
            if let type, let output { returns = CFunctionSignature.Return(type: type, output: output) }
            signature.problems += inner.problems
        }
        reader.problems += signature.problems
        guard let symbol, let arguments, let returns else { return nil }
        return CFunctionSignature(symbol: symbol, arguments: arguments, returns: returns, free: free)
    }

    private static func readArguments(_ signature: inout FieldReader) -> [CFunctionSignature.Argument]? {
        let key = "arguments"
        let expected = "an array of {\"name\", \"type\"} objects"
        guard let value = signature.value(key, required: true, expected: expected) else { return nil }
        guard let elements = value.arrayValue else {
            signature.wrongType(key, expected: expected, found: value)
            return nil
        }
        var result: [CFunctionSignature.Argument] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            let path = signature.fieldPath("\(key)[\(index)]")
            guard let members = element.objectValue else {
                signature.problems.append(
                    .wrongType(signature.file, path, expected: "an object {\"name\", \"type\"}", found: element))
                continue
            }
            var inner = FieldReader(file: signature.file, path: path, object: members)
            inner.rejectUnknownFields(known: ["name", "type", "from"])
            let name = inner.string("name", required: true)
            let type = readCType(&inner)
            let from = inner.string("from", required: false).flatMap { path -> [String]? in
                let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard !segments.contains(where: \.isEmpty) else {
                    inner.problem("from", "\"\(path)\" is not a dotted path; expected names separated by single dots, e.g. \"blog_content.markdown\"")
                    return nil
                }
                return segments
            }
            if let name, !names.insert(name).inserted {
                inner.problem("name", "argument \"\(name)\" is declared twice")
            }
            signature.problems += inner.problems
            if let name, let type { result.append(CFunctionSignature.Argument(name: name, type: type, from: from)) }
        }
        return result.count == elements.count ? result : nil
    }

    private static func readCType(_ reader: inout FieldReader) -> CFunctionSignature.CType? {
        if reader.object["type"] == nil {
            let allowed = CFunctionSignature.CType.allCases.map(\.rawValue).joined(separator: ", ")
            reader.problems.append(.missingField(reader.file, reader.fieldPath("type"), expected: "one of \(allowed)"))
            return nil
        }
        return reader.enumeration("type", CFunctionSignature.CType.self)
    }
}
