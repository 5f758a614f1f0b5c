import AgentCatalog
import Foundation
import TestSupport
import Testing
import WorkflowStore

/// A folder of TestExecAgent manifests (Tests/Plugins/ExecTestAgent), one per hostile agent,
/// with a request for them and its own store.
struct HostileAgents {
    let folder: String
    var manifests: String { folder + "/manifests" }
    var database: String { folder + "/state.sqlite" }

    init() throws { folder = try makeTemporaryFolder() }

    /// Writes the manifest of exec agent `name` (entry `exec_entry_<name>`) with `config`.
    func add(
        _ name: String, config: JSONObject, isolation: String, timeout: Double = 30, parallelSafe: Bool = true
    ) throws {
        try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
        let manifest: JSONValue = [
            "manifest_version": 1, "name": .string(name), "version": "1.0.0", "description": "hostile test agent",
            "library": "libTestExecAgent.so", "entry": .string("exec_entry_\(name)"), "kind": "agent-v1",
            "capabilities": [], "dependencies": [], "resources": [:], "alternatives": [],
            "outputs": .array([.string(name + "_out")]), "estimate_seconds": 1, "parallel_safe": .bool(parallelSafe),
            "max_retries": 0, "timeout_seconds": .number(timeout), "isolation": .string(isolation),
            "config": .object(config),
        ]
        try manifest.compactText.write(toFile: manifests + "/\(name).json", atomically: true, encoding: .utf8)
    }

    /// Writes a request whose goal is `agents` and returns its path.
    func request(_ agents: [String]) throws -> String {
        let path = folder + "/request.json"
        let request: JSONValue = ["goal": ["agents": .array(agents.map { .string($0) })], "campaign": ["title": "t"]]
        try request.compactText.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    var options: [String] {
        ["--manifests", manifests, "--plugins", buildFolder]
    }

    /// `agenthost invoke NAME` against these manifests.
    func invoke(_ name: String, input: String = "{}", extra: [String] = []) throws -> AgentHostProcess.Result {
        try AgentHostProcess.run(
            ["invoke", name, "--input", input, "--out", folder + "/invoke"] + options + extra, in: folder)
    }

    /// `agenthost run REQUEST` (or another command taking the manifests) against these manifests and the store.
    func agenthost(_ arguments: [String]) throws -> AgentHostProcess.Result {
        try AgentHostProcess.run(arguments + options + ["--db", database, "--out", folder + "/runs"], in: folder)
    }

    /// Starts `agenthost run REQUEST --id ID --json` in the background, its output discarded.
    func startRun(_ request: String, id: String) throws -> Process {
        try AgentHostProcess.start(
            ["run", request, "--id", id, "--json", "--db", database, "--out", folder + "/runs"] + options, in: folder)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// Lines of a file the exec agent appends to (nil entries for a missing file).
func recordedLines(_ path: String) -> [[Substring]] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map { $0.split(separator: " ") }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// Whether process `pid` exists and is not a zombie (read from /proc/PID/stat).
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

/// Faults of process-isolated agents as users meet them through the real binary: workers that
/// outlive a killed host, crashes mistaken for timeouts, oversized output, library resolution.
@Suite struct IsolationFaultTests {
    @Test func aWorkerDiesWithItsHostAfterKill9() throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        let started = agents.folder + "/started.txt"
        try agents.add("lonely", config: ["hang_ms": 60_000, "started": .string(started)], isolation: "process")
        let host = try agents.startRun(try agents.request(["lonely"]), id: "wf-orphan")
        let sawStart = eventually(within: 30) { !recordedLines(started).isEmpty || !host.isRunning }
        #expect(sawStart && host.isRunning, "the agent never started")
        let worker = try #require(recordedLines(started).first.flatMap { Int32($0[2]) })
        #expect(worker != host.processIdentifier)
        #expect(isAlive(worker))
        killHard(host)
        // The agent hangs for a minute; a worker that outlived its host would still be running.
        let died = eventually(within: 10) { !isAlive(worker) }
        if !died { kill(worker, SIGKILL) }
        #expect(died, "worker \(worker) outlived its killed host")
    }

    @Test func resumeWaitsForAnEarlierWorkerStillRunningTheSameAgent() throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        let started = agents.folder + "/started.txt"
        let record = agents.folder + "/record.txt"
        let config: JSONObject = ["sleep_ms": 300, "started": .string(started), "record": .string(record)]
        try agents.add("lonely", config: config, isolation: "process", parallelSafe: false)
        let host = try agents.startRun(try agents.request(["lonely"]), id: "wf-twice")
        #expect(eventually(within: 30) { !recordedLines(started).isEmpty || !host.isRunning })
        killHard(host)

        // A worker of "an earlier host" that is still running lonely in wf-twice (as one that
        // survived its host would be): the test starts it itself and keeps it busy until told.
        let earlier = try EarlierWorker(
            manifest: agents.manifests + "/lonely.json", workflowId: "wf-twice",
            config: ["sleep_ms": 120_000, "started": .string(started), "record": .string(record)])
        defer { earlier.stop() }
        #expect(eventually(within: 30) { recordedLines(started).count >= 2 }, "the earlier worker never started")

        // The resumed attempt says it waits for that process (an agent.log event), and only then
        // is the earlier call told to stop; the resumed one runs after it.
        let events = agents.folder + "/resume-events.jsonl"
        let resume = try AgentHostProcess.start(
            ["resume", "wf-twice", "--json", "--db", agents.database, "--out", agents.folder + "/runs"]
                + agents.options, in: agents.folder, standardOutput: events)
        let waited = eventually(within: 60) {
            let text = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }.contains {
                $0["type"] == "agent.log"
                    && $0["message"]?.stringValue?.contains("waiting for process \(earlier.pid)") == true
            }
        }
        #expect(waited, "the resumed attempt did not wait for the earlier worker")
        earlier.cancel()
        resume.waitUntilExit()
        #expect(resume.terminationStatus == 0)
        // Both calls ran to completion, one after the other: never twice at once.
        let spans = recordedLines(record).compactMap { fields -> (start: UInt64, end: UInt64, pid: Int32)? in
            guard fields.count == 5, let start = UInt64(fields[2]), let end = UInt64(fields[3]),
                let pid = Int32(fields[4])
            else { return nil }
            return (start, end, pid)
        }
        let first = try #require(spans.first { $0.pid == earlier.pid })
        let second = try #require(spans.first { $0.pid != earlier.pid })
        #expect(first.end <= second.start, "the resumed attempt overlapped the earlier worker's")
    }

    @Test func aWorkerWhosePipeFromTheHostClosesMidCallExits() throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        let started = agents.folder + "/started.txt"
        try agents.add("lonely", config: [:], isolation: "process")
        let worker = try EarlierWorker(
            manifest: agents.manifests + "/lonely.json", workflowId: "wf-pipe",
            config: ["hang_ms": 60_000, "started": .string(started)])
        #expect(eventually(within: 30) { !recordedLines(started).isEmpty }, "the worker never started the agent")
        // The test (its host) closes the pipe, as a host's death would; the agent hangs for a minute.
        worker.closeInput()
        let exited = eventually(within: 10) { !worker.isRunning }
        if !exited { kill(worker.pid, SIGKILL) }
        #expect(exited, "the worker kept running its call after its input closed")
        worker.stop()
    }

    @Test func aCrashInAWorkerIsReportedWithItsSignalWithoutSwiftsBacktracer() throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        try agents.add("crashy", config: ["segv_until": 99], isolation: "process")
        let result = try agents.agenthost(["run", try agents.request(["crashy"]), "--id", "wf-crash", "--json"])
        #expect(result.status == 1)
        let failed = result.stdout.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
            .first { $0["type"] == "agent.failed" }
        #expect(failed?["data"]?["signal"] == "SIGSEGV", "\(result.stdout)")
        #expect(failed?["data"]?["timed_out"] == false)
        // Swift's backtracer would have run in the worker for 0.5-1.8 s first, and said so.
        #expect(!result.stderr.contains("Program crashed"), "\(result.stderr)")
    }

    @Test func cbrtByItsSonameRunsInAWorker() throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        let shipped = try JSONValue(
            parsing: Array(
                try Data(
                    contentsOf: URL(fileURLWithPath: repositoryRoot + "/AgentManifests/cbrt.json"))))
        var manifest = try #require(shipped.objectValue)
        manifest["isolation"] = "process"
        try FileManager.default.createDirectory(atPath: agents.manifests, withIntermediateDirectories: true)
        try JSONValue.object(manifest).compactText.write(
            toFile: agents.manifests + "/cbrt.json", atomically: true, encoding: .utf8)
        let result = try agents.invoke("cbrt", input: #"{"x": 27}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let root = try JSONValue(parsing: result.stdout)["cube_root"]?.doubleValue ?? 0
        #expect(abs(root - 3) < 1e-9)
    }
}

/// An `agenthost worker` the test starts itself, running one call of a manifest's agent for
/// `workflowId` (the worker protocol of WorkerFraming: 4-byte little-endian length + JSON).
final class EarlierWorker {
    private let process = Process()
    private let input = Pipe()
    var pid: Int32 { process.processIdentifier }

    init(manifest path: String, workflowId: String, config: JSONObject) throws {
        var manifest = try #require(
            try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path)))).objectValue)
        manifest["config"] = .object(config)
        let frame: JSONValue = [
            "type": "run", "id": 1, "manifest": .object(manifest), "source_file": .string(path),
            "search": ["plugin_folders": [.string(buildFolder)]],
            "input": [
                "workflow_id": .string(workflowId), "agent": manifest["name"] ?? "", "attempt": 1, "campaign": [:],
                "inputs": [:],
            ],
        ]
        process.executableURL = URL(fileURLWithPath: buildFolder + "/agenthost")
        process.arguments = ["worker"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let body = frame.compactBytes
        var length = UInt32(body.count).littleEndian
        let header = withUnsafeBytes(of: &length) { Data($0) }
        input.fileHandleForWriting.write(header + Data(body))
    }

    var isRunning: Bool { process.isRunning }

    /// Sends the cancel frame for its call (the exec agent's `sleep_ms` then returns at once).
    func cancel() {
        let body = JSONValue.object(["type": "cancel", "id": 1]).compactBytes
        var length = UInt32(body.count).littleEndian
        input.fileHandleForWriting.write(withUnsafeBytes(of: &length) { Data($0) } + Data(body))
    }

    /// Closes its input, as a host that dies does.
    func closeInput() { try? input.fileHandleForWriting.close() }

    /// Closes its input and reaps it.
    func stop() {
        closeInput()
        process.waitUntilExit()
    }
}
