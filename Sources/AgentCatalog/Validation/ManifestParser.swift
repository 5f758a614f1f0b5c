/// Parses and validates manifest and template files, one file at a time (docs/MANIFEST.md).
///
/// Every check that needs only the file itself happens here; checks across files (unknown
/// dependencies, duplicate names) happen in `ManifestDiscovery`.
public enum ManifestParser {
    /// Every field a manifest may contain, in documentation order.
    public static let manifestFields: [String] = [
        "manifest_version", "name", "version", "description", "library", "entry", "kind",
        "capabilities", "dependencies", "outputs", "estimate_seconds", "parallel_safe", "max_retries",
        "timeout_seconds", "resources", "alternatives", "isolation", "sha256", "recovery", "config",
        "symbol", "signature", "free",
        "input_schema", "$schema",
    ] + commandFields

    /// The fields every manifest must contain; `library` is required too, except for
    /// `kind: "command"`, which requires `command` instead.
    public static let requiredManifestFields: [String] = [
        "manifest_version", "name", "version", "capabilities",
    ]

    /// The fields only `kind: "c-function"` manifests have (and must have, except `free`).
    public static let cFunctionFields: [String] = ["symbol", "signature", "free"]

    /// Parses and validates one manifest's bytes (the per-file checks).
    ///
    /// - Parameters:
    ///   - bytes: the file's UTF-8 content.
    ///   - file: the path used in problems and recorded in `Manifest.source`.
    ///   - order: the manifest's position in discovery order.
    /// - Returns: the manifest when it is valid, and every problem found (not just the first).
    public static func parseManifest(
        _ bytes: [UInt8], file: String, order: Int
    ) -> (manifest: Manifest?, problems: [ManifestProblem]) {
        readObjectFile(bytes, file: file) { reader in
            readManifest(&reader, source: ManifestSource(file: file, order: order))
        }
    }

    /// Reads `bytes` as one JSON object and hands a field reader over it to `read`.
    ///
    /// - Returns: what `read` built when no problem was found; otherwise nil and every problem
    ///   (bytes that are not JSON, or not an object, give exactly one).
    static func readObjectFile<Value>(
        _ bytes: [UInt8], file: String, _ read: (inout FieldReader) -> Value?
    ) -> (Value?, [ManifestProblem]) {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes)
        } catch {
            return (nil, [.malformedJSON(file, error)])
        }
        guard let object = root.objectValue else { return (nil, [.notAnObject(file, found: root)]) }
        var reader = FieldReader(file: file, object: object)
        let value = read(&reader)
        return reader.problems.isEmpty ? (value, []) : (nil, reader.problems)
    }
}

// MARK: - Manifest fields

extension ManifestParser {
    private static func readManifest(_ reader: inout FieldReader, source: ManifestSource) -> Manifest {
        reader.rejectUnknownFields(known: manifestFields)
        reader.requireVersion("manifest_version", supported: Manifest.supportedVersion)
        let name = reader.string("name", required: true) ?? ""
        if !name.isEmpty && !isValidName(name) {
            reader.problem("name", "expected lowercase letters, digits, '_', '.' or '-' ([a-z0-9_][a-z0-9_.-]*), found \"\(name)\"")
        }
        var manifest = Manifest(name: name, source: source)
        manifest.version = reader.string("version", required: true) ?? manifest.version
        manifest.description = reader.string("description", nonEmpty: false) ?? ""
        manifest.kind = reader.enumeration("kind", Manifest.Kind.self) ?? .agentV1
        if manifest.kind != .command, let library = reader.string("library", required: true) {
            manifest.library = library
            checkLibraryPath(library, &reader)
        }
        if let entry = reader.string("entry") {
            if manifest.kind == .cFunction {
                reader.problem("entry", "only for kind \"agent-v1\"; a c-function agent names its function in `symbol`")
            }
            manifest.entry = entry
        }
        manifest.capabilities = reader.strings("capabilities", required: true) ?? []
        manifest.dependencies = readDependencies(&reader, self: name)
        manifest.outputs = reader.strings("outputs") ?? []
        manifest.estimateSeconds = reader.positiveNumber("estimate_seconds") ?? manifest.estimateSeconds
        manifest.parallelSafe = reader.bool("parallel_safe") ?? manifest.parallelSafe
        manifest.maxRetries = reader.integer("max_retries", minimum: 0) ?? manifest.maxRetries
        manifest.timeoutSeconds = reader.positiveNumber("timeout_seconds") ?? manifest.timeoutSeconds
        manifest.resources = readResources(&reader)
        manifest.alternatives = reader.strings("alternatives") ?? []
        if manifest.alternatives.contains(name) {
            reader.problem("alternatives", "agent \"\(name)\" cannot be its own alternative")
        }
        manifest.isolation = reader.enumeration("isolation", Manifest.Isolation.self) ?? .inProcess
        manifest.sha256 = readSHA256(&reader)
        if reader.object["recovery"]?.isNull != true {
            manifest.recovery = reader.enumeration("recovery", Manifest.RecoveryStrategy.self)
        }
        manifest.config = reader.object["config"] ?? .null
        manifest.cFunction = readCFunction(&reader, kind: manifest.kind)
        manifest.inputSchema = readInputSchema(&reader)
        manifest.command = readCommand(&reader, kind: manifest.kind)
        if manifest.command != nil { manifest.isolation = .process }
        return manifest
    }

    /// `library` must stay inside the search folders: relative, without `..` components.
    private static func checkLibraryPath(_ library: String, _ reader: inout FieldReader) {
        if library.hasPrefix("/") {
            reader.problem(
                "library",
                "expected a path relative to the plugin folders (or a bare soname such as \"libm.so.6\" for "
                    + "c-function agents), found the absolute path \"\(library)\"")
        } else if library.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            reader.problem(
                "library", "expected a path that stays inside the plugin folders, found a '..' component in \"\(library)\"")
        }
    }

    private static func readDependencies(_ reader: inout FieldReader, self name: String) -> [Dependency] {
        let key = "dependencies"
        guard let value = reader.value(key, required: false, expected: "an array") else { return [] }
        guard let elements = value.arrayValue else {
            reader.wrongType(key, expected: "an array of agent names or dependency objects", found: value)
            return []
        }
        var result: [Dependency] = []
        for (index, element) in elements.enumerated() {
            let path = "\(key)[\(index)]"
            guard let dependency = readDependency(element, path: path, &reader) else { continue }
            if case .agent(let target) = dependency.target, target == name, !name.isEmpty {
                reader.problems.append(.invalid(reader.file, path, "agent \"\(name)\" cannot depend on itself"))
                continue
            }
            result.append(dependency)
        }
        return result
    }

    /// `"name"` or `{"agent": "name" | "capability": "cap", "type": "hard" | "soft" | "optional"}`.
    private static func readDependency(_ element: JSONValue, path: String, _ reader: inout FieldReader) -> Dependency? {
        if let name = element.stringValue {
            guard !name.isEmpty else {
                reader.problems.append(.invalid(reader.file, path, "expected a non-empty agent name"))
                return nil
            }
            return .agent(name)
        }
        let shape = "an agent name or an object {\"agent\" or \"capability\", \"type\": \"hard\" | \"soft\" | \"optional\"}"
        guard let members = element.objectValue else {
            reader.problems.append(.wrongType(reader.file, path, expected: shape, found: element))
            return nil
        }
        var inner = FieldReader(file: reader.file, path: path, object: members)
        inner.rejectUnknownFields(known: ["agent", "capability", "type"])
        let agent = inner.string("agent")
        let capability = inner.string("capability")
        let type = inner.enumeration("type", DependencyType.self) ?? .hard
        var target: Dependency.Target?
        switch (members["agent"], members["capability"]) {
        case (nil, nil):
            inner.problem(nil, "expected exactly one of \"agent\" or \"capability\", found neither")
        case (.some, .some):
            inner.problem(nil, "expected exactly one of \"agent\" or \"capability\", found both")
        default:
            target = agent.map(Dependency.Target.agent) ?? capability.map(Dependency.Target.capability)
        }
        reader.problems += inner.problems
        guard inner.problems.isEmpty, let target else { return nil }
        return Dependency(target, type: type)
    }

    private static func readResources(_ reader: inout FieldReader) -> [String: Int] {
        guard var inner = reader.object("resources", required: false) else { return [:] }
        var result: [String: Int] = [:]
        for key in inner.object.keys {
            if let units = inner.integer(key, minimum: 0) { result[key] = units }
        }
        reader.problems += inner.problems
        return result
    }

    private static func readSHA256(_ reader: inout FieldReader) -> String? {
        guard let value = reader.object["sha256"], !value.isNull else { return nil }
        guard let text = value.stringValue, isSHA256Hex(text) else {
            let found = value.stringValue.map { "\"\($0)\"" } ?? value.typeDescription
            reader.problem("sha256", "expected 64 hexadecimal digits or null, found \(found)")
            return nil
        }
        return text.lowercased()
    }
}
