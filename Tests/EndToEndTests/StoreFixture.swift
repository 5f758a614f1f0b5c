import AgentCatalog
import Foundation
import TestSupport
import WorkflowExecution
import WorkflowStore

/// A temporary folder with six sleeping test agents in a diamond and a chain
/// (first -> second, busy -> after -> steady -> crashy), a request for them, its own store
/// and the file every invocation is recorded to.
///
/// The agents are the TestExecAgent plugin with `echo_inputs`: each output is its name and
/// its dependencies' outputs, so outputs are equal across runs exactly when data flowed the same.
struct StoreFixture {
    /// The agents, in a valid order, with their hard dependencies.
    static let graph: [(name: String, dependencies: [String])] = [
        ("first", []), ("second", ["first"]), ("busy", ["first"]), ("after", ["second", "busy"]),
        ("steady", ["after"]), ("crashy", ["steady"]),
    ]
    static var agents: [String] { graph.map(\.name) }

    let folder: String
    var database: String { folder + "/state.sqlite" }
    var records: String { folder + "/invocations.txt" }
    var request: String { folder + "/request.json" }

    /// The file that, while it exists, holds `agent` at the start of its run (`gated` fixtures).
    func gate(_ agent: String) -> String { folder + "/gate-\(agent)" }

    /// Writes the manifests (each agent sleeping `sleepMilliseconds`; with `gated`, each held
    /// at its start while its `gate` file exists) and the request.
    init(sleepMilliseconds: Int, title: String = "Store test", gated: Bool = false) throws {
        folder = try makeTemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/manifests", withIntermediateDirectories: true)
        for (name, dependencies) in Self.graph {
            var config: JSONObject = [
                "sleep_ms": .integer(Int64(sleepMilliseconds)), "record": .string(records), "echo_inputs": true,
            ]
            if gated { config["gate"] = .string(folder + "/gate-\(name)") }
            let manifest: JSONValue = [
                "manifest_version": 1, "name": .string(name), "version": "1.0.0", "description": "sleeping test agent",
                "library": "libTestExecAgent.so", "entry": .string("exec_entry_\(name)"), "kind": "agent-v1",
                "capabilities": [], "dependencies": .array(dependencies.map { .string($0) }),
                "outputs": .array([.string(name + "_out")]), "estimate_seconds": 5, "parallel_safe": true,
                "max_retries": 1, "timeout_seconds": 30, "resources": [:], "alternatives": [],
                "isolation": "in-process", "config": .object(config),
            ]
            try manifest.compactText.write(
                toFile: folder + "/manifests/\(name).json", atomically: true, encoding: .utf8)
        }
        let requestJSON: JSONValue = ["goal": ["agents": ["crashy"]], "campaign": ["title": .string(title)]]
        try requestJSON.compactText.write(toFile: request, atomically: true, encoding: .utf8)
    }

    /// `--manifests`, `--plugins` and `--db` for this fixture.
    var options: [String] {
        ["--manifests", folder + "/manifests", "--plugins", buildFolder, "--db", database]
    }

    /// Runs `agenthost arguments...` in the fixture's folder with `--db`, and for commands that
    /// read manifests (run, resume, plan) the fixture's `--manifests` and `--plugins`.
    func agenthost(_ arguments: [String]) throws -> AgentHostProcess.Result {
        let readsManifests = ["run", "resume", "plan"].contains(arguments.first ?? "")
        return try AgentHostProcess.run(arguments + (readsManifests ? options : ["--db", database]), in: folder)
    }

    /// `agenthost run` with `id` to completion.
    func run(id: String, extra: [String] = []) throws -> AgentHostProcess.Result {
        try agenthost(["run", request, "--id", id, "--out", folder + "/runs"] + extra)
    }

    /// Starts `agenthost run` with `id` in the background, its output discarded.
    func startRun(id: String) throws -> Process {
        try AgentHostProcess.start(
            ["run", request, "--id", id, "--out", folder + "/runs", "--json"] + options, in: folder)
    }

    /// The store, opened from the test process (a second connection, as `status` would be).
    func openStore() throws -> SQLiteStore { try SQLiteStore(path: database) }

    /// Waits until `condition` holds for the stored events of `id` (polling every ms), or
    /// `process` ends, or 20 s pass; returns whether the condition held.
    func waitForEvents(
        _ id: String, while process: Process, _ condition: ([WorkflowEvent]) -> Bool
    ) throws -> Bool {
        let store = try openStore()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline {
            if let events = try? store.events(workflowId: id), condition(events) {
                return true
            }
            usleep(1000)
        }
        return false
    }

    /// The recorded invocations: (agent, attempt, host pid), one per complete line.
    func invocations() -> [(agent: String, attempt: Int, pid: Int)] {
        let text = (try? String(contentsOfFile: records, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 5, let attempt = Int(fields[1]), let pid = Int(fields[4]) else { return nil }
            return (String(fields[0]), attempt, pid)
        }
    }

    /// Ends the record file with a newline, so a line cut short by a kill stays apart from the next.
    func closeCutLine() throws {
        guard let data = FileManager.default.contents(atPath: records), let last = data.last, last != 10 else { return }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: records))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n".utf8))
        try handle.close()
    }

    /// Removes the folder.
    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// SIGKILLs `process` and reaps it.
func killHard(_ process: Process) {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
}

/// Parses a command's JSON output.
func parseJSON(_ text: String) throws -> JSONValue { try JSONValue(parsing: text) }
