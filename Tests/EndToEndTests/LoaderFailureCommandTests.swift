import Foundation
import TestSupport
import Testing

/// Each loader failure as a user meets it: `agents validate --load` and `invoke` on a real
/// broken library, with the message and the exit code.
@Suite struct LoaderFailureCommandTests {
    /// Writes a manifest for `library` named `name` into a fresh folder and returns the folder.
    private func manifestFolder(name: String, library: String, extra: String = "") throws -> String {
        let folder = try makeTemporaryFolder()
        let manifest = """
            {"manifest_version": 1, "name": "\(name)", "version": "1.0.0", "library": "\(library)",
             "capabilities": ["testing"]\(extra)}
            """
        try manifest.write(toFile: folder + "/\(name).json", atomically: true, encoding: .utf8)
        chmod(folder + "/\(name).json", 0o644)
        return folder
    }

    private func validate(_ folder: String) throws -> AgentHostProcess.Result {
        try AgentHostProcess.run(
            ["agents", "validate", "--load", "--manifests", folder, "--plugins", buildFolder])
    }

    /// Runs `invoke <name>` (with `--input` when given) against a fresh manifest for `library`.
    private func invoke(_ name: String, library: String, input: String? = nil) throws -> AgentHostProcess.Result {
        let folder = try manifestFolder(name: name, library: library)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var arguments = ["invoke", name, "--manifests", folder, "--plugins", buildFolder]
        if let input { arguments += ["--input", input] }
        return try AgentHostProcess.run(arguments)
    }

    @Test(arguments: [
        ("noentry", "libTestNoEntryAgent.so", "does not export the entry symbol 'agent_plugin_entry'"),
        ("future", "libTestFutureAbiAgent.so", "ABI 99"),
        ("tiny", "libTestTinyDescriptorAgent.so", "struct_size is 16 bytes"),
        ("declining", "libTestDecliningAgent.so", "returned NULL"),
        ("missing", "libDoesNotExist.so", "searched"),
    ])
    func validateLoadNamesEachBrokenLibrary(name: String, library: String, expected: String) throws {
        let folder = try manifestFolder(name: name, library: library)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try validate(folder)
        #expect(result.status == 2)
        #expect(result.stdout.contains("\(name).json: library: "), "\(result.stdout)")
        #expect(result.stdout.contains(expected), "\(result.stdout)")
    }

    @Test func aTextFileNamedSoIsNotALoadableLibrary() throws {
        let folder = try manifestFolder(name: "text", library: "libText.so")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "not a library\n".write(toFile: folder + "/libText.so", atomically: true, encoding: .utf8)
        chmod(folder + "/libText.so", 0o644)
        let result = try validate(folder)
        #expect(result.status == 2)
        #expect(result.stdout.contains("is not a loadable library"), "\(result.stdout)")
    }

    @Test func aLibraryPathEscapingItsFolderIsRefused() throws {
        let folder = try manifestFolder(name: "escape", library: "../libTestEchoAgent.so")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try validate(folder)
        #expect(result.status == 2)
        #expect(result.stdout.contains("escape.json"), "\(result.stdout)")
        #expect(result.stdout.contains("library"), "\(result.stdout)")
    }

    @Test func aSha256MismatchIsRefusedBeforeLoading() throws {
        let digest = String(repeating: "0", count: 64)
        let folder = try manifestFolder(name: "echo", library: "libTestEchoAgent.so", extra: #", "sha256": "\#(digest)""#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try validate(folder)
        #expect(result.status == 2)
        #expect(result.stdout.contains("the manifest expects \(digest)"), "\(result.stdout)")
    }

    @Test func invokeOfABrokenLibraryExits2WithTheMessage() throws {
        let result = try invoke("future", library: "libTestFutureAbiAgent.so")
        #expect(result.status == 2)
        #expect(result.stderr.contains("agent 'future': "), "\(result.stderr)")
        #expect(result.stderr.contains("ABI 99"), "\(result.stderr)")
    }

    @Test func aFailingAgentMakesInvokeExit1() throws {
        let result = try invoke("echo", library: "libTestEchoAgent.so", input: #"{"mode": "fail"}"#)
        #expect(result.status == 1)
        #expect(result.stderr.contains("echo failed on request"), "\(result.stderr)")
    }

    @Test func malformedPluginOutputIsAClearFailure() throws {
        let result = try invoke("echo", library: "libTestEchoAgent.so", input: #"{"mode": "malformed"}"#)
        #expect(result.status == 1)
        #expect(result.stderr.contains("returned malformed JSON"), "\(result.stderr)")
    }
}
