import AgentCatalog
import Foundation
import TestSupport
import Testing
import WorkflowStore

/// What a new user meets at the edges, through the real binary: no store yet, a store they may
/// not write, folders they cannot write, an id that would escape, no manifests, a missing
/// source file, help texts, and hostile values in diagnostics.
@Suite struct EdgeCommandTests {
    /// The uid of `nobody`, for running the binary as a user who may not write root's files.
    static let nobody: uid_t = 65534
    /// Whether the binary can be run as `nobody`: as root, with setpriv, and every folder above
    /// the build folder searchable by others (a clone under a private home folder is not).
    static let canRunAsNobody: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return false }
        var folder = buildFolder
        while !folder.isEmpty && folder != "/" {
            var info = stat()
            guard stat(folder, &info) == 0, info.st_mode & 0o001 != 0 else { return false }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return true
    }()

    @Test func withNoStoreYetStatusAndHistorySayThereAreNoRunsAndSucceed() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = folder + "/none/state.sqlite"
        for command in ["status", "history"] {
            let result = try AgentHostProcess.run([command, "--db", database], in: folder)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(result.stdout.contains("no runs yet"), "\(command): \(result.stdout)")
            let json = try AgentHostProcess.run([command, "--db", database, "--json"], in: folder)
            #expect(json.status == 0)
            #expect(try parseJSON(json.stdout)["workflows"] == [])
        }
        let one = try AgentHostProcess.run(["status", "wf-nope", "--db", database], in: folder)
        #expect(one.status == 2)
        #expect(one.stderr.contains("wf-nope") && one.stderr.contains(database))
        #expect(!FileManager.default.fileExists(atPath: database), "a reading command never creates the store")
    }

    @Test func readingCommandsWorkOnAStoreTheyMayNotWrite() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        #expect(try fixture.run(id: "wf-read").status == 0)
        var user: uid_t?
        if Self.canRunAsNobody {
            user = Self.nobody  // root's files and folder (0755/0644) are read-only to nobody
        } else {
            chmod(fixture.database, 0o444)
            chmod(fixture.folder, 0o555)
        }
        defer { chmod(fixture.folder, 0o755) }
        for arguments in [["status", "wf-read"], ["status"], ["history"], ["analytics", "wf-read"]] {
            let result = try AgentHostProcess.run(
                arguments + ["--db", fixture.database], in: fixture.folder, user: user)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("wf-read") || result.stdout.contains("completed"), "\(arguments)")
            #expect(!result.stderr.contains("readonly"), "\(arguments): \(result.stderr)")
        }
    }

    @Test(.enabled(if: EdgeCommandTests.canRunAsNobody, "needs root and setpriv to run the binary as another user"))
    func runIntoAFolderItCannotWriteNamesThePathAndWhy() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        let locked = fixture.folder + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o755)
        let out = fixture.folder + "/open-out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        chmod(out, 0o777)
        let result = try AgentHostProcess.run(
            ["run", fixture.request, "--db", locked + "/state.sqlite", "--out", out, "--manifests",
             fixture.folder + "/manifests", "--plugins", buildFolder],
            in: fixture.folder, user: Self.nobody)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(locked), "\(result.stderr)")
        #expect(result.stderr.contains("permission denied"), "\(result.stderr)")
        #expect(!result.stderr.contains("unable to open database file\n"), "\(result.stderr)")
    }

    @Test func runWithAStoreFolderThatCannotExistNamesThePath() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        let file = fixture.folder + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try AgentHostProcess.run(
            ["run", fixture.request, "--db", file + "/state.sqlite", "--out", fixture.folder + "/runs", "--manifests",
             fixture.folder + "/manifests", "--plugins", buildFolder],
            in: fixture.folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains(file), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.records), "no agent may start")
    }

    @Test func runWithAnOutFolderItCannotWriteStopsBeforeTheFirstAgent() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        let file = fixture.folder + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try fixture.agenthost(["run", fixture.request, "--id", "wf-out", "--out", file + "/runs"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--out \(file)/runs"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.records), "no agent may start")
        let status = try fixture.agenthost(["status", "wf-out"])
        #expect(status.status == 2, "nothing is recorded for a run that never started")
    }

    @Test func aWorkflowIdThatWouldEscapeTheOutFolderIsRefused() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        for id in ["../escaped", ".hidden", "a/b", "", "wf one"] {
            let result = try fixture.agenthost(["run", fixture.request, "--id", id, "--out", fixture.folder + "/runs"])
            #expect(result.status == 2, "\(id): \(result.stderr)")
            #expect(result.stderr.contains("--id"), "\(id): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.folder + "/escaped"))
        #expect(!FileManager.default.fileExists(atPath: fixture.records), "no agent may start")
    }

    @Test func runFromAFolderWithoutManifestsSaysWhereItLookedAndHowToPointAtThem() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{"goal": {"outputs": ["optimized_content"]}}"#.write(
            toFile: folder + "/request.json", atomically: true, encoding: .utf8)
        let result = try AgentHostProcess.run(["run", "request.json", "--no-store"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("no manifests found"), "\(result.stderr)")
        #expect(result.stderr.contains("--manifests"), "\(result.stderr)")
        #expect(!result.stderr.contains("no agent provides"), "\(result.stderr)")
    }

    @Test func aCampaignSourceThatDoesNotExistIsReportedWhilePlanning() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        try "notes".write(toFile: fixture.folder + "/present.md", atomically: true, encoding: .utf8)
        let request: JSONValue = [
            "goal": ["agents": ["first"]], "campaign": ["title": "t", "sources": ["present.md", "missing.md"]],
        ]
        try request.compactText.write(toFile: fixture.request, atomically: true, encoding: .utf8)
        for command in ["plan", "run"] {
            let result = try fixture.agenthost([command, fixture.request])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("campaign.sources[1]"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("missing.md"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("campaign.sources[0]"), "\(command): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.records), "no agent may start")
    }

    @Test func helpTextsShowNoStrayBackslashes() throws {
        for command in ["status", "history", "analytics", "report", "cancel", "resume", "run", "serve"] {
            let result = try AgentHostProcess.run([command, "--help"])
            #expect(result.status == 0)
            let bad = result.stdout.split(separator: "\n").filter {
                $0.trimmingCharacters(in: .whitespaces) == "\\" || $0.hasSuffix(" \\")
            }
            #expect(bad.isEmpty, "\(command) --help: \(bad)")
        }
    }

    @Test func validateShowsControlCharactersAndEscapeSequencesEscaped() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A name whose newline would start a forged problem line naming another file, and an
        // ESC sequence that would clear the terminal.
        let name = "evil\nAgentManifests/writer.json: name: forged problem\u{1B}[2J"
        let manifest: JSONValue = [
            "manifest_version": 1, "name": .string(name), "version": "1.0.0", "library": "libX.so",
            "kind": "agent-v1", "outputs": ["x"],
        ]
        try manifest.compactText.write(toFile: folder + "/evil.json", atomically: true, encoding: .utf8)
        let result = try AgentHostProcess.run(["agents", "validate", "--manifests", folder], in: folder)
        #expect(result.status == 2)
        #expect(!result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"))
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix(folder) || $0.contains("problem(s) in") }, "\(lines)")
        #expect(result.stdout.contains(#"evil\nAgentManifests/writer.json"#), "\(result.stdout)")
    }
}
