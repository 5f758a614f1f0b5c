/// One problem in one manifest or template file.
///
/// Rendered as `<file>:<line>:<column>: <field>: <message>`, leaving out the parts that are
/// absent, so editors and terminals can jump to it. Problems are built by the factory
/// functions below so their wording stays consistent.
public struct ManifestProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or folder) at fault, as discovered.
    public var file: String
    /// The JSON path of the field at fault, e.g. `dependencies[1].type`; `nil` for the whole file.
    public var field: String?
    /// What is wrong and what was expected.
    public var message: String
    /// 1-based line, when known (malformed JSON).
    public var line: Int?
    /// 1-based column in bytes, when known (malformed JSON).
    public var column: Int?

    /// Creates a problem.
    public init(file: String, field: String? = nil, message: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.field = field
        self.message = message
        self.line = line
        self.column = column
    }

    /// `<file>:<line>:<column>: <field>: <message>`, without the absent parts, on one line: control
    /// characters and escape sequences in any part are shown escaped (`String.escapedForTerminal`).
    public var description: String {
        var text = file.escapedForTerminal
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let field { text += "\(field.escapedForTerminal): " }
        return text + message.escapedForTerminal
    }
}

// MARK: - Factories

extension ManifestProblem {
    static func malformedJSON(_ file: String, _ error: JSONParseError) -> ManifestProblem {
        ManifestProblem(
            file: file, message: "malformed JSON: \(error.message)", line: error.line, column: error.column)
    }

    static func notAnObject(_ file: String, found: JSONValue) -> ManifestProblem {
        ManifestProblem(file: file, message: "expected a JSON object at the top level, found \(found.typeDescription)")
    }

    static func unknownField(_ file: String, _ field: String, known: [String]) -> ManifestProblem {
        let lead =
            NameSuggestion.closest(to: lastComponent(field), among: known).map {
                "unknown field; did you mean `\($0)`? Expected one of: "
            } ?? "unknown field; expected one of: "
        return ManifestProblem(file: file, field: field, message: lead + known.joined(separator: ", "))
    }

    static func missingField(_ file: String, _ field: String, expected: String) -> ManifestProblem {
        ManifestProblem(file: file, field: field, message: "missing required field; expected \(expected)")
    }

    static func wrongType(_ file: String, _ field: String, expected: String, found: JSONValue) -> ManifestProblem {
        ManifestProblem(file: file, field: field, message: "expected \(expected), found \(found.typeDescription)")
    }

    static func invalid(_ file: String, _ field: String?, _ message: String) -> ManifestProblem {
        ManifestProblem(file: file, field: field, message: message)
    }

    static func unsupportedVersion(_ file: String, _ field: String, found: Int64, supported: Int) -> ManifestProblem {
        ManifestProblem(
            file: file, field: field,
            message: "unsupported version \(found); this host reads version \(supported) only")
    }

    static func looseFile(_ path: String, mode: UInt32, isFolder: Bool) -> ManifestProblem {
        let octal = String(mode & 0o777, radix: 8)
        let what = isFolder ? "folder" : "file"
        return ManifestProblem(
            file: path,
            message: "refused: this \(what) is writable by group or others (mode \(octal)), so anyone could "
                + "change what the host loads; run `chmod go-w \(path)`")
    }

    static func missingFolder(_ path: String) -> ManifestProblem {
        ManifestProblem(file: path, message: "manifest folder does not exist or is not a folder")
    }

    static func unreadable(_ path: String, errno code: Int32) -> ManifestProblem {
        ManifestProblem(file: path, message: "cannot read: \(systemErrorText(code))")
    }
}

/// The last member name of a JSON path: `signature.returns.typ` gives `typ`.
private func lastComponent(_ path: String) -> String {
    path.split(separator: ".").last.map(String.init) ?? path
}
