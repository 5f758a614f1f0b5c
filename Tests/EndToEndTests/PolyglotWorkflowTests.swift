import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Agents in four languages in one workflow through the real binary: the C planner, the
/// Swift researcher and writer, the Rust digest (Plugins/RustDigest, built with cargo) and
/// the Python keywords command agent (Plugins/Python), plus the c-function word count.
@Suite(.serialized) struct PolyglotWorkflowTests {
    static let root = repositoryRoot
    /// Where cargo puts the Rust plugin (the folder .ci/run builds into).
    static let cargoFolder = root + "/.build/cargo/debug"

    /// The path of `cargo`, if installed.
    static let cargo: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let home = ProcessInfo.processInfo.environment["HOME"].map { ["\($0)/.cargo/bin"] } ?? []
        for folder in path.split(separator: ":").map(String.init) + home {
            if FileManager.default.isExecutableFile(atPath: folder + "/cargo") { return folder + "/cargo" }
        }
        return nil
    }()

    /// Builds the Rust plugin offline (a no-op when .ci/run built it already).
    static func buildRustPlugin() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(cargo))
        process.arguments = [
            "build", "--offline", "--quiet", "--manifest-path", root + "/Plugins/RustDigest/Cargo.toml",
            "--target-dir", root + "/.build/cargo",
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "cargo build of Plugins/RustDigest failed")
    }

    private func events(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    private func output(of agent: String, in events: [[String: Any]]) -> [String: Any]? {
        let done = events.first { $0["type"] as? String == "agent.completed" && $0["agent"] as? String == agent }
        return (done?["data"] as? [String: Any])?["output"] as? [String: Any]
    }

    @Test(
        .enabled(
            if: cargo != nil,
            "cargo is not installed, so the Rust plugin cannot be built; install cargo to run this test"))
    func rustPythonCAndSwiftAgentsRunInOneWorkflow() throws {
        try Self.buildRustPlugin()
        let out = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try AgentHostProcess.run([
            "run", "Examples/polyglot-campaign.json", "--json", "--out", out,
            "--manifests", "AgentManifests", "--manifests", "Examples/polyglot",
            "--plugins", "Plugins/Python", "--plugins", Self.cargoFolder,
        ])
        #expect(result.status == 0, "\(result.stdout.suffix(2000))\(result.stderr)")
        let stream = events(result.stdout)
        let completed = Set(
            stream.filter { $0["type"] as? String == "agent.completed" }.compactMap { $0["agent"] as? String })
        #expect(completed == ["planner", "researcher", "writer", "rust_digest", "keywords", "word_count"])
        let digest = try #require(output(of: "rust_digest", in: stream)?["digest"] as? [String: Any])
        #expect(digest["language"] as? String == "rust")
        #expect(digest["title"] as? String == "Solar power for schools")
        #expect(((digest["words"] as? NSNumber)?.intValue ?? 0) > 300)
        let keywords = try #require(output(of: "keywords", in: stream)?["keywords"] as? [String: Any])
        #expect(keywords["language"] as? String == "python")
        // The Python agent read the Rust agent's output: the data flowed across all four.
        #expect(keywords["lead"] as? String == digest["lead"] as? String)
        let top = (keywords["top"] as? [[String: Any]])?.compactMap { $0["word"] as? String } ?? []
        #expect(top.contains("solar") && top.contains("schools"), "\(top)")
        let logs = stream.filter { $0["type"] as? String == "agent.log" && $0["agent"] as? String == "keywords" }
        #expect(logs.contains { ($0["message"] as? String)?.contains("distinct content words") == true })
    }

    // MARK: - Command agents' failures as a user sees them

    /// A folder holding `script` as the executable `<name>.sh` and a command manifest for it.
    private func commandAgent(
        _ name: String, script: String, extra: String = "", mode: mode_t = 0o755
    ) throws -> String {
        let folder = try makeTemporaryFolder()
        let manifest = """
            {"manifest_version": 1, "name": "\(name)", "version": "1.0.0", "kind": "command",
             "command": "\(name).sh", "capabilities": ["testing"], "outputs": ["\(name)"]\(extra)}
            """
        try manifest.write(toFile: folder + "/\(name).json", atomically: true, encoding: .utf8)
        chmod(folder + "/\(name).json", 0o644)
        try ("#!/bin/sh\n" + script).write(toFile: folder + "/\(name).sh", atomically: true, encoding: .utf8)
        chmod(folder + "/\(name).sh", mode)
        let request = #"{"campaign": {"title": "t"}, "goal": {"agents": ["\#(name)"]}}"#
        // Not beside the manifests: every *.json there is read as one.
        try FileManager.default.createDirectory(atPath: folder + "/requests", withIntermediateDirectories: true)
        try request.write(toFile: folder + "/requests/request.json", atomically: true, encoding: .utf8)
        return folder
    }

    private func run(_ folder: String) throws -> (AgentHostProcess.Result, [[String: Any]]) {
        let result = try AgentHostProcess.run([
            "run", folder + "/requests/request.json", "--json", "--manifests", folder, "--out", folder + "/out",
        ])
        return (result, events(result.stdout))
    }

    private func failures(_ stream: [[String: Any]]) -> [[String: Any]] {
        stream.filter { $0["type"] as? String == "agent.failed" }
    }

    @Test func validateLoadNamesAMissingCommand() throws {
        let folder = try commandAgent("ghost", script: "exit 0\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.removeItem(atPath: folder + "/ghost.sh")
        let result = try AgentHostProcess.run(["agents", "validate", "--load", "--manifests", folder])
        #expect(result.status == 2)
        #expect(
            result.stdout.contains("ghost.json: command: command 'ghost.sh' not found; searched: \(folder)"),
            "\(result.stdout)")
    }

    @Test func validateLoadNamesACommandThatIsNotExecutable() throws {
        let folder = try commandAgent("plain", script: "exit 0\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try AgentHostProcess.run(["agents", "validate", "--load", "--manifests", folder])
        #expect(result.status == 2)
        #expect(result.stdout.contains("plain.json: command: command '"), "\(result.stdout)")
        #expect(result.stdout.contains("is not executable (mode 644); fix it with: chmod +x"), "\(result.stdout)")
        chmod(folder + "/plain.sh", 0o755)
        let fixed = try AgentHostProcess.run(["agents", "validate", "--load", "--manifests", folder])
        #expect(fixed.status == 0, "\(fixed.stdout)")
    }

    @Test func aTimeoutKillsTheCommandAndFailsTheWorkflow() throws {
        let folder = try commandAgent(
            "slow", script: "cat >/dev/null\necho $$ > \"$0.pid\"\nsleep 300\n", extra: #", "timeout_seconds": 0.5"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (result, stream) = try run(folder)
        #expect(result.status == 1)
        let failed = try #require(failures(stream).last)
        #expect((failed["message"] as? String)?.contains("timed out after") == true, "\(failed)")
        let pid = try #require(
            Int32(
                try String(contentsOfFile: folder + "/slow.sh.pid", encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        #expect(processDiesSoon(pid), "the timed-out command \(pid) is still running")
    }

    @Test func aCrashIsRetriedAndTheRetrySucceeds() throws {
        // Attempt 1 dies of SIGSEGV; attempt 2 answers.
        let folder = try commandAgent(
            "wobbly",
            script: """
                input=$(cat)
                case "$input" in *'"attempt":1'*) kill -SEGV $$ ;; esac
                echo '{"wobbly": "steady now"}'
                """, extra: #", "max_retries": 1"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (result, stream) = try run(folder)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let failed = try #require(failures(stream).first)
        #expect((failed["message"] as? String)?.contains("was killed by SIGSEGV") == true, "\(failed)")
        #expect((failed["data"] as? [String: Any])?["signal"] as? String == "SIGSEGV")
        #expect(output(of: "wobbly", in: stream)?["wobbly"] as? String == "steady now")
    }

    @Test func aNonZeroExitFailsWithItsStatusAndStderr() throws {
        let folder = try commandAgent("broken", script: "cat >/dev/null\necho 'API key missing' >&2\nexit 4\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (result, stream) = try run(folder)
        #expect(result.status == 1)
        let message = try #require(failures(stream).last?["message"] as? String)
        #expect(message.contains("exited with status 4") && message.contains("API key missing"), "\(message)")
    }

    @Test func anOversizedAnswerFailsWithTheSizeAndTheLimit() throws {
        let folder = try commandAgent(
            "chatty", script: "cat >/dev/null\nhead -c 5000 /dev/zero | tr '\\\\0' x\n",
            extra: #", "max_output_bytes": 1024"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (result, stream) = try run(folder)
        #expect(result.status == 1)
        let message = try #require(failures(stream).last?["message"] as? String)
        #expect(message.contains("wrote more than max_output_bytes (1024 bytes) on stdout"), "\(message)")
    }

    @Test func theHostsDeathKillsItsCommandProcesses() throws {
        let folder = try commandAgent("orphan", script: "cat >/dev/null\necho $$ > \"$0.pid\"\nexec sleep 300\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let host = Process()
        host.executableURL = URL(fileURLWithPath: buildFolder + "/agenthost")
        host.arguments = [
            "run", folder + "/requests/request.json", "--json", "--manifests", folder, "--out", folder + "/out",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["AGENTHOST_DB"] = AgentHostProcess.scratchDatabase
        host.environment = environment
        host.standardOutput = FileHandle.nullDevice
        host.standardError = FileHandle.nullDevice
        try host.run()
        let pidFile = folder + "/orphan.sh.pid"
        var pid: Int32?
        for _ in 0..<3000 where pid == nil {
            pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if pid == nil { usleep(10_000) }
        }
        kill(host.processIdentifier, SIGKILL)
        host.waitUntilExit()
        let command = try #require(pid, "the command agent never started")
        #expect(processDiesSoon(command), "command \(command) outlived the host")
    }
}

/// Whether `pid` stops being a live process within a few seconds (signals are delivered
/// asynchronously; the bound only keeps a survivor from hanging the test).
func processDiesSoon(_ pid: Int32) -> Bool {
    for _ in 0..<500 {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard kill(pid, 0) == 0, let close = stat.lastIndex(of: ")") else { return true }
        if stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") { return true }
        usleep(10_000)
    }
    return false
}
