import AgentCatalog
import AgentRuntime
import Foundation
import TestSupport
import Testing

/// Loading c-function agents: sonames through the system loader, the shipped example
/// manifests (AgentManifests/), and every refusal at load time with its message.
@Suite struct CFunctionLoadTests {
    // MARK: - System libraries by soname

    @Test func cbrtFromLibmBySoname() throws {
        let agent = try makeRuntime().load(
            cFunctionManifest(
                "cbrt", symbol: "cbrt", [("x", .double)], returns: .double, output: "cube_root",
                library: "libm.so.6"))
        // libm's cbrt(27) is 3.0000000000000004 on this machine, in C as through libffi (MACHINE-NOTES).
        #expect(try output(agent.run(input: ["x": 27], context: RecordingContext())) == .number(3.0000000000000004))
        #expect(try output(agent.run(input: ["x": -8.0], context: RecordingContext())) == .number(-2))
        #expect(agent.libraryPath.hasPrefix("/"))
        #expect(agent.libraryPath.hasSuffix("/libm.so.6"))
    }

    @Test func unknownSonameSaysWhereItLooked() throws {
        let folder = try makeTemporaryFolder()
        let error = refusal(
            try cFunctionManifest("ghost", symbol: "ghost", [], library: "libagenthost-none.so.9", in: folder))
        #expect(error?.code == .libraryNotFound)
        #expect(
            error?.message.hasPrefix(
                "library 'libagenthost-none.so.9' is in none of \(folder), \(buildFolder), and the system loader "
                    + "cannot open it: libagenthost-none.so.9: cannot open shared object file") == true)
    }

    @Test func sonamePinnedBySha256IsRefused() throws {
        let folder = try makeTemporaryFolder()
        let error = refusal(
            try cFunctionManifest(
                "cbrt", symbol: "cbrt", [("x", .double)], returns: .double, library: "libm.so.6",
                in: folder, sha256: String(repeating: "0", count: 64)))
        #expect(error?.code == .checksumMismatch)
        #expect(
            error?.message == "library 'libm.so.6' is found by the system loader, so its sha256 cannot be checked "
                + "before it is loaded; copy the library into a plugin folder to pin it, or remove `sha256` from "
                + "\(folder)/cbrt.json")
    }

    @Test func aPathWithASlashIsNeverHandedToTheSystemLoader() throws {
        let error = refusal(try cFunctionManifest("m", symbol: "cbrt", [("x", .double)], library: "lib/libm.so.6"))
        #expect(error?.code == .libraryNotFound)
        #expect(error?.message.hasPrefix("library 'lib/libm.so.6' not found; searched: ") == true)
    }

    // MARK: - Files the host resolves itself are vetted like agent-v1 plugins

    @Test func groupWritableLibraryIsRefused() throws {
        let folder = try makeTemporaryFolder()
        let path = try copyPlugin("libTestCFunctionTypes.so", into: folder)
        chmod(path, 0o664)
        let error = refusal(try cFunctionManifest("cft_int32", symbol: "cft_int32", [("value", .int32)], in: folder))
        #expect(error?.code == .insecurePermissions)
    }

    @Test func sha256OfAResolvedLibraryIsChecked() throws {
        let folder = try makeTemporaryFolder()
        try copyPlugin("libTestCFunctionTypes.so", into: folder)
        let error = refusal(
            try cFunctionManifest(
                "cft_int32", symbol: "cft_int32", [("value", .int32)], in: folder,
                sha256: String(repeating: "a", count: 64)))
        #expect(error?.code == .checksumMismatch)
    }

    // MARK: - Signature and symbol checks

    @Test func missingSymbolIsNamed() throws {
        let error = refusal(try cFunctionManifest("nope", symbol: "cft_nope", []))
        #expect(error?.code == .symbolMissing)
        #expect(
            error?.message.hasPrefix(
                "library '\(buildFolder)/libTestCFunctionTypes.so' does not export 'cft_nope' (the manifest's `symbol`): "
            )
                == true)
    }

    @Test func missingFreeSymbolIsNamed() throws {
        let error = refusal(
            try cFunctionManifest(
                "echo", symbol: "cft_echo_string", [("text", .string)], returns: .string,
                free: "cft_release"))
        #expect(error?.code == .symbolMissing)
        #expect(error?.message.contains("does not export 'cft_release' (the manifest's `free`)") == true)
    }

    @Test func freeWithANonStringReturnIsRefused() throws {
        let folder = try makeTemporaryFolder()
        let error = refusal(
            try cFunctionManifest(
                "len", symbol: "cft_string_length", [("text", .string)], returns: .int64,
                free: "cft_free_string", in: folder))
        #expect(error?.code == .invalidSignature)
        #expect(
            error?.message == "\(folder)/len.json: `free` ('cft_free_string') is only meaningful when "
                + "`signature.returns.type` is string, not int64")
    }

    @Test func duplicateArgumentNamesAreRefused() throws {
        let error = refusal(try cFunctionManifest("add", symbol: "cft_add_int64", [("a", .int64), ("a", .int64)]))
        #expect(error?.code == .invalidSignature)
        #expect(
            error?.message.hasSuffix(
                "`signature.arguments[1].name` 'a' is used twice; expected a distinct name per argument") == true)
    }

    @Test func symbolMustBeACIdentifier() throws {
        let error = refusal(try cFunctionManifest("bad", symbol: "cft int32", []))
        #expect(error?.code == .invalidSignature)
        #expect(
            error?.message.hasSuffix(
                "`symbol` is 'cft int32', expected a C function name ([A-Za-z_][A-Za-z0-9_]*)") == true)
    }

    @Test func emptyOutputNameIsRefused() throws {
        let error = refusal(try cFunctionManifest("o", symbol: "cft_free_count", [], output: ""))
        #expect(
            error?.message.hasSuffix(
                "`signature.returns.output` is empty; expected the output member to write the result to") == true)
    }

    @Test func cFunctionKindWithoutSignatureIsRefused() throws {
        let folder = try makeTemporaryFolder()
        let bare = Manifest(
            name: "bare", library: "libm.so.6", kind: .cFunction,
            source: ManifestSource(file: folder + "/bare.json", order: 0))
        let error = refusal(bare)
        #expect(error?.code == .invalidSignature)
        #expect(
            error?.message == "\(folder)/bare.json: kind 'c-function' needs `symbol` and `signature` "
                + "(arguments and returns); found none")
    }

    // MARK: - The shipped examples (AgentManifests/)

    @Test func cbrtExample() throws {
        let agent = try makeRuntime().load(exampleManifest("cbrt"))
        #expect(try output(agent.run(input: ["x": 27], context: RecordingContext())) == .number(3.0000000000000004))
    }

    @Test func versionOrderExample() throws {
        let agent = try makeRuntime().load(exampleManifest("version_order"))
        let before = try output(agent.run(input: ["a": "1.9", "b": "1.10"], context: RecordingContext()))
        #expect((before?.integerValue ?? 0) < 0)
        #expect(try output(agent.run(input: ["a": "2.0.1", "b": "2.0.1"], context: RecordingContext())) == 0)
        let after = try output(agent.run(input: ["a": "10.0", "b": "9.7"], context: RecordingContext()))
        #expect((after?.integerValue ?? 0) > 0)
    }

    @Test func wordCountExampleReadsTheWritersOutput() throws {
        let agent = try makeRuntime().load(exampleManifest("word_count"))
        let input: JSONValue = [
            "workflow_id": "wf-1", "agent": "word_count", "attempt": 1, "campaign": ["title": "Solar"],
            "inputs": ["writer": ["blog_content": ["markdown": "# Solar\n\nSchools  save money.\tPanels last decades."]]],
        ]
        #expect(try output(agent.run(input: input, context: RecordingContext())) == 8)  // "#" is a word too
    }

    @Test func aFromPathThatDoesNotExistNamesTheMissingMember() throws {
        let agent = try makeRuntime().load(exampleManifest("word_count"))
        let input: JSONValue = ["inputs": ["writer": ["blog_content": ["html": "<p>Solar</p>"]]]]
        guard case .failed(let message, _) = agent.run(input: input, context: RecordingContext()) else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("inputs.writer.blog_content"), "\(message)")
        #expect(message.contains("has no member \"markdown\" (from \"blog_content.markdown\")"), "\(message)")
    }

    @Test func textSummaryExampleReturnsAFreedString() throws {
        let agent = try makeRuntime().load(exampleManifest("text_summary"))
        let input: JSONValue = ["inputs": ["writer": ["blog_content": ["markdown": "Solar works. Schools save! Ask why?"]]]]
        #expect(
            try output(agent.run(input: input, context: RecordingContext()))
                == "6 words, 3 sentences, 5.0 letters per word")
    }
}

/// The error loading `manifest` throws, failing the test when it loads.
func refusal(_ manifest: Manifest) -> AgentRuntimeError? {
    loadError { () throws(AgentRuntimeError) in _ = try makeRuntime().load(manifest) }
}

/// The shipped manifest AgentManifests/<name>.json, read by AgentCatalog's parser.
func exampleManifest(_ name: String) throws -> Manifest {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let file = root + "/AgentManifests/\(name).json"
    let parsed = ManifestParser.parseManifest(Array(try Data(contentsOf: URL(fileURLWithPath: file))), file: file, order: 0)
    #expect(parsed.problems.isEmpty, "\(parsed.problems)")
    return try #require(parsed.manifest)
}
