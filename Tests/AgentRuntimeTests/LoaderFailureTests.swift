import AgentCatalog
import AgentRuntime
import Foundation
import TestSupport
import Testing

/// Every way loading a plugin can fail, each with a real broken library and its message.
@Suite struct LoaderFailureTests {
    private func failure(_ manifest: Manifest, runtime: AgentRuntime = makeRuntime()) -> AgentRuntimeError? {
        loadError { () throws(AgentRuntimeError) in _ = try runtime.load(manifest) }
    }

    @Test func textFileNamedSoIsNotLoadable() throws {
        let folder = try makeTemporaryFolder()
        try Data("this is not a shared library\n".utf8).write(to: URL(fileURLWithPath: folder + "/libText.so"))
        let error = failure(try manifest("text", library: "libText.so", in: folder))
        #expect(error?.code == .notLoadable)
        let message = error?.message ?? ""
        #expect(message.contains("'\(folder)/libText.so' is not a loadable library"))
        #expect(message.contains("libText.so:"), "carries dlerror's text, which names the file: \(message)")
    }

    @Test func worldWritableLibraryIsRefused() throws {
        let folder = try makeTemporaryFolder()
        let path = try copyPlugin("libTestEchoAgent.so", into: folder)
        chmod(path, 0o666)
        let error = failure(try manifest("echo", library: "libTestEchoAgent.so", in: folder))
        #expect(error?.code == .insecurePermissions)
        #expect(error?.message.contains("'\(path)' has mode 666, writable by group and others") == true)
        #expect(error?.message.contains("chmod go-w '\(path)'") == true)
    }

    @Test func groupWritableLibraryIsRefused() throws {
        let folder = try makeTemporaryFolder()
        let path = try copyPlugin("libTestEchoAgent.so", into: folder)
        chmod(path, 0o775)
        let error = failure(try manifest("echo", library: "libTestEchoAgent.so", in: folder))
        #expect(error?.code == .insecurePermissions)
        #expect(error?.message.contains("mode 775, writable by group;") == true)
    }

    @Test func libraryWithoutEntrySymbol() throws {
        let error = failure(try manifest("noentry", library: "libTestNoEntryAgent.so"))
        #expect(error?.code == .entryMissing)
        #expect(error?.message.contains("does not export the entry symbol 'agent_plugin_entry'") == true)
    }

    @Test func customEntrySymbolThatIsMissing() throws {
        var agent = try manifest("echo", library: "libTestEchoAgent.so")
        agent.entry = "echo_entry_v7"
        let error = failure(agent)
        #expect(error?.code == .entryMissing)
        #expect(error?.message.contains("entry symbol 'echo_entry_v7'") == true)
    }

    @Test func futureAbiMajorIsRefusedNamingBothVersions() throws {
        let error = failure(try manifest("future", library: "libTestFutureAbiAgent.so"))
        #expect(error?.code == .abiUnsupported)
        #expect(error?.message.contains(
            "plugin speaks ABI 99.0, this host speaks 1.0: major versions must match and the plugin's minor may "
                + "not be above the host's") == true)
    }

    @Test func tooSmallDescriptorIsRefusedNamingTheSizes() throws {
        let error = failure(try manifest("tiny", library: "libTestTinyDescriptorAgent.so"))
        #expect(error?.code == .descriptorTooSmall)
        #expect(error?.message.contains("struct_size is 16 bytes, an ABI 1.0 descriptor needs at least 72") == true)
    }

    @Test func entryReturningNullIsADecline() throws {
        let error = failure(try manifest("declining", library: "libTestDecliningAgent.so"))
        #expect(error?.code == .pluginDeclined)
        #expect(error?.message.contains("agent_plugin_entry(1, 0) returned NULL") == true)
    }

    @Test func descriptorWithoutRunIsRefused() throws {
        let error = failure(try manifest("no_run", library: "libTestNoRunAgent.so"))
        #expect(error?.code == .missingFunction)
        #expect(error?.message.contains("descriptor has no run function") == true)
    }

    @Test func descriptorNameMustMatchManifestName() throws {
        let error = failure(try manifest("parrot", library: "libTestEchoAgent.so"))
        #expect(error?.code == .nameMismatch)
        #expect(error?.description.contains("agent 'parrot': ") == true)
        let message = error?.message ?? ""
        #expect(message.contains("the descriptor its entry 'agent_plugin_entry' returns is named 'echo'"), "\(message)")
        #expect(message.contains("names the agent 'parrot'; they must be equal"), "\(message)")
        #expect(message.contains("One library serves several agents through one entry symbol per agent"))
        #expect(message.contains("or through one descriptor named \"*\" (AGENT_PLUGIN_ANY_NAME)"), "\(message)")
    }

    @Test func descriptorNamedAnyServesManifestsOfEveryName() throws {
        let folder = try makeTemporaryFolder()
        let runtime = makeRuntime()
        var agents: [LoadedAgent] = []
        for name in ["alpha", "beta", "gamma_2"] {
            var agent = try manifest(name, library: "libTestExecAgent.so", in: folder)
            agent.entry = "exec_entry_any"
            agents.append(try runtime.load(agent))
        }
        #expect(Set(agents.map { ObjectIdentifier($0) }).count == 3, "one LoadedAgent per manifest")
        for (index, agent) in agents.enumerated() {
            let outcome = agent.run(
                input: ["agent": .string(agent.manifest.name), "attempt": .integer(Int64(index + 1))],
                context: RecordingContext())
            guard case .succeeded(let object) = outcome else {
                Issue.record("\(agent.manifest.name): \(outcome)")
                continue
            }
            #expect(object["agent"] == .string(agent.manifest.name), "the plugin read its name from the input")
            #expect(object["attempt"] == .integer(Int64(index + 1)))
        }
    }

    @Test func manifestsSharingALibraryGetTheirOwnInitAndConfig() throws {
        let folder = try makeTemporaryFolder()
        let runtime = makeRuntime()
        var quick = try manifest("quick", library: "libTestExecAgent.so", in: folder, config: ["noop": true])
        quick.entry = "exec_entry_any"
        var failing = try manifest("failing", library: "libTestExecAgent.so", in: folder, config: ["fail": "always"])
        failing.entry = "exec_entry_any"
        let first = try runtime.load(quick)
        let second = try runtime.load(failing)
        #expect(first.libraryPath == second.libraryPath)
        guard case .succeeded(let object) = first.run(input: ["agent": "quick"], context: RecordingContext()) else {
            Issue.record("quick (noop) did not succeed")
            return
        }
        #expect(object.isEmpty, "noop answers {}")
        guard case .failed(let message, let retryable) = second.run(input: ["agent": "failing"], context: RecordingContext())
        else {
            Issue.record("failing (fail: always) did not fail")
            return
        }
        #expect(message == "exec agent failed on request" && !retryable)
    }

    @Test func initFailureCarriesThePluginsLoggedReason() throws {
        let error = failure(try manifest("echo", library: "libTestEchoAgent.so", config: ["fail_init": true]))
        #expect(error?.code == .initFailed)
        #expect(error?.message.contains("init returned status 1: echo init refused: fail_init is set") == true)
    }

    @Test func matchingSha256Loads() throws {
        let digest = try #require(LibraryDigest.sha256Hex(ofFile: buildFolder + "/libTestEchoAgent.so"))
        let agent = try makeRuntime().load(
            try manifest("echo", library: "libTestEchoAgent.so", sha256: digest.uppercased()))
        #expect(agent.pluginVersion == "1.2.3")
    }

    @Test func sha256MismatchNamesBothDigests() throws {
        let expected = String(repeating: "ab", count: 32)
        let actual = try #require(LibraryDigest.sha256Hex(ofFile: buildFolder + "/libTestEchoAgent.so"))
        let error = failure(try manifest("echo", library: "libTestEchoAgent.so", sha256: expected))
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.contains("has sha256 \(actual), the manifest expects \(expected)") == true)
    }

    @Test func failedLoadIsNotCachedAndSuccessIs() throws {
        let folder = try makeTemporaryFolder()
        let runtime = makeRuntime(pluginFolders: [folder])
        let agent = try manifest("echo", library: "libEchoCopy.so")
        #expect(failure(agent, runtime: runtime)?.code == .libraryNotFound)
        try copyPlugin("libTestEchoAgent.so", into: folder, as: "libEchoCopy.so")
        let first = try runtime.load(agent)
        #expect(first.libraryPath == folder + "/libEchoCopy.so")
        #expect(try runtime.load(agent) === first)
    }
}
