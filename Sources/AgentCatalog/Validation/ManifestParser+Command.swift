extension ManifestParser {
    /// The fields only `kind: "command"` manifests have (`command` is required there).
    public static let commandFields: [String] = [
        "command", "args", "env", "working_directory", "persistent", "max_output_bytes",
    ]

    /// `command`, `args`, `env`, `working_directory`, `persistent` and `max_output_bytes`:
    /// read for command manifests, refused in the others.
    static func readCommand(_ reader: inout FieldReader, kind: Manifest.Kind) -> CommandSpec? {
        guard kind == .command else {
            for key in commandFields where reader.object[key] != nil {
                reader.problem(key, "only for kind \"command\"; this manifest's kind is \"\(kind.rawValue)\"")
            }
            return nil
        }
        for key in ["library", "entry", "sha256"] where reader.object[key] != nil && reader.object[key]?.isNull != true
        {
            reader.problem(key, "not used by kind \"command\"; name the executable in `command`")
        }
        if reader.object["isolation"]?.stringValue == Manifest.Isolation.inProcess.rawValue {
            reader.problem(
                "isolation", "a command agent always runs in its own process; remove `isolation` or set \"process\"")
        }
        let command = reader.string("command", required: true)
        if let command { checkConfinedPath(command, field: "command", &reader) }
        var arguments: [String]?
        if let value = reader.value("args", required: false, expected: "an array of strings") {
            if let elements = value.arrayValue {
                arguments = readArgumentStrings(elements, &reader)
            } else {
                reader.wrongType("args", expected: "an array of strings", found: value)
            }
        }
        var environment: [String: String] = [:]
        if let inner = reader.object("env", required: false) {
            for (key, value) in inner.object {
                if let text = value.stringValue {
                    environment[key] = text
                } else {
                    reader.problems.append(
                        .wrongType(reader.file, inner.fieldPath(key), expected: "a string", found: value))
                }
                if key.isEmpty || key.contains("=") {
                    reader.problem("env", "\"\(key)\" is not a variable name; expected a name without '='")
                }
            }
        }
        let directory = reader.string("working_directory")
        if let directory { checkConfinedPath(directory, field: "working_directory", &reader) }
        let persistent = reader.bool("persistent") ?? false
        let limit = reader.integer("max_output_bytes", minimum: 1) ?? CommandSpec.defaultMaxOutputBytes
        guard let command else { return nil }
        return CommandSpec(
            command: command, arguments: arguments ?? [], environment: environment, workingDirectory: directory,
            persistent: persistent, maxOutputBytes: limit)
    }

    /// `args` elements: any strings, empty ones included (a program may want `""`).
    private static func readArgumentStrings(_ elements: [JSONValue], _ reader: inout FieldReader) -> [String]? {
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard let text = element.stringValue else {
                reader.problems.append(
                    .wrongType(reader.file, reader.fieldPath("args[\(index)]"), expected: "a string", found: element))
                continue
            }
            result.append(text)
        }
        return result.count == elements.count ? result : nil
    }

    /// A path that must stay inside its folders, as `library` must: relative, no `..`.
    static func checkConfinedPath(_ path: String, field: String, _ reader: inout FieldReader) {
        if path.hasPrefix("/") {
            reader.problem(
                field,
                "expected a path relative to the manifest's folder or the plugin folders (or a bare program name "
                    + "such as \"python3\"), found the absolute path \"\(path)\"")
        } else if path.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            reader.problem(
                field, "expected a path that stays inside its folders, found a '..' component in \"\(path)\"")
        }
    }
}
