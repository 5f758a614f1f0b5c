import Foundation
import TestSupport
import Testing

@testable import AgentCatalog

/// `kind: "command"` manifests: the fields they read and every problem, naming file and field.
@Suite struct CommandManifestTests {
    private func parse(_ members: String, kind: String = "command") -> (manifest: Manifest?, problems: [String]) {
        let text = """
            {"manifest_version": 1, "name": "keywords", "version": "1.0.0", "kind": "\(kind)",
             "capabilities": ["keyword_research"]\(members.isEmpty ? "" : ", " + members)}
            """
        let (manifest, problems) = ManifestParser.parseManifest(Array(text.utf8), file: "keywords.json", order: 0)
        return (manifest, problems.map(\.description))
    }

    @Test func readsEveryCommandField() throws {
        let (manifest, problems) = parse(
            #""command": "agents/keywords.py", "args": ["--fast", ""], "env": {"MODEL": "small"}, "#
                + #""working_directory": "work", "persistent": true, "max_output_bytes": 4096"#)
        #expect(problems == [])
        let command = try #require(manifest?.command)
        #expect(
            command
                == CommandSpec(
                    command: "agents/keywords.py", arguments: ["--fast", ""], environment: ["MODEL": "small"],
                    workingDirectory: "work", persistent: true, maxOutputBytes: 4096))
        #expect(manifest?.kind == .command)
        #expect(manifest?.isolation == .process, "a command agent always runs in its own process")
        #expect(manifest?.library == "")
    }

    @Test func defaultsAreOneShotWithTheDefaultLimit() throws {
        let command = try #require(parse(#""command": "python3""#).manifest?.command)
        #expect(command == CommandSpec(command: "python3"))
        #expect(command.maxOutputBytes == 16 << 20 && !command.persistent)
    }

    @Test(arguments: [
        ("", "keywords.json: command: missing required field; expected a string"),
        (
            #""command": "/usr/bin/python3""#,
            "keywords.json: command: expected a path relative to the manifest's folder"
        ),
        (
            #""command": "../bin/agent""#,
            "keywords.json: command: expected a path that stays inside its folders, found a '..' component"
        ),
        (
            #""command": "a.py", "library": "libA.so""#,
            "keywords.json: library: not used by kind \"command\"; name the executable in `command`"
        ),
        (#""command": "a.py", "entry": "main""#, "keywords.json: entry: not used by kind \"command\""),
        (
            #""command": "a.py", "isolation": "in-process""#,
            "keywords.json: isolation: a command agent always runs in its own process"
        ),
        (#""command": "a.py", "args": "--fast""#, "keywords.json: args: expected an array of strings, found a string"),
        (#""command": "a.py", "args": ["ok", 3]"#, "keywords.json: args[1]: expected a string, found"),
        (#""command": "a.py", "env": {"MODEL": 1}"#, "keywords.json: env.MODEL: expected a string, found"),
        (
            #""command": "a.py", "working_directory": "../elsewhere""#,
            "keywords.json: working_directory: expected a path that stays inside"
        ),
        (#""command": "a.py", "persistent": "yes""#, "keywords.json: persistent: expected a boolean"),
        (
            #""command": "a.py", "max_output_bytes": 0"#,
            "keywords.json: max_output_bytes: expected an integer >= 1, found 0"
        ),
    ])
    func refusesABadCommandManifestNamingTheField(members: String, expected: String) {
        let (manifest, problems) = parse(members)
        #expect(manifest == nil)
        #expect(problems.contains { $0.hasPrefix(expected) }, "\(problems)")
    }

    @Test func commandFieldsAreErrorsInOtherKinds() {
        let (manifest, problems) = parse(
            #""library": "libA.so", "command": "a.py", "persistent": true"#, kind: "agent-v1")
        #expect(manifest == nil)
        #expect(
            problems.contains("keywords.json: command: only for kind \"command\"; this manifest's kind is \"agent-v1\"")
        )
        #expect(
            problems.contains(
                "keywords.json: persistent: only for kind \"command\"; this manifest's kind is \"agent-v1\""))
    }

    @Test func otherKindsStillRequireALibrary() {
        let (_, problems) = parse("", kind: "agent-v1")
        #expect(problems.contains { $0.hasPrefix("keywords.json: library: missing required field") }, "\(problems)")
    }

    @Test func theSchemaAgreesWithTheParserOnCommandManifests() throws {
        let schemaBytes = Array(
            try Data(contentsOf: URL(fileURLWithPath: "\(repositoryRoot)/docs/agent-manifest.schema.json")))
        let schema = try JSONValue(parsing: schemaBytes)
        let shipped = "\(repositoryRoot)/Examples/polyglot"
        for name in ["keywords.json", "rust_digest.json"] {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(shipped)/\(name)")))
            #expect(SchemaValidator.errors(try JSONValue(parsing: bytes), against: schema) == [], "\(name)")
            #expect(ManifestParser.parseManifest(bytes, file: name, order: 0).problems == [], "\(name)")
        }
        // Neither `library` nor `command`: both refuse it.
        let neither: JSONValue = ["manifest_version": 1, "name": "x", "version": "1", "capabilities": []]
        #expect(!SchemaValidator.errors(neither, against: schema).isEmpty)
        #expect(!ManifestParser.parseManifest(Array(neither.compactBytes), file: "x.json", order: 0).problems.isEmpty)
        let escaping: JSONValue = [
            "manifest_version": 1, "name": "x", "version": "1", "capabilities": [], "kind": "command",
            "command": "../x.py",
        ]
        #expect(!SchemaValidator.errors(escaping, against: schema).isEmpty)
    }
}
