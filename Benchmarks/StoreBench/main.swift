// store-bench: what recording costs in the SQLite store.
//
//   swift run -c release store-bench [agents] [all|event|agent|one]
//
// Records a workflow of N agents (default 10,000): workflow.started, then for each agent
// agent.started and agent.completed (with a small output), then workflow.completed, in
// three ways: one record() call per event, one per agent (started+completed together), and
// all of an agent's events plus a heartbeat. Prints microseconds per agent and per call,
// then the file size and integrity check. Each run uses a fresh database in a temp folder.
import AgentCatalog
import Foundation
import GRDB
import WorkflowEvents
import WorkflowPlanning
import WorkflowStore

let agents = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 10_000 : 10_000

func events(workflowId: String, agents: Int) throws -> [[WorkflowEvent]] {
    var sequence: Int64 = 0
    func next(_ type: EventType, _ agent: String? = nil, data: JSONValue? = nil) -> WorkflowEvent {
        sequence += 1
        return WorkflowEvent(
            sequence: sequence, workflowId: workflowId, type: type, agent: agent, attempt: agent == nil ? nil : 1,
            timestamp: Date().timeIntervalSince1970, data: data)
    }
    let names = (0..<agents).map { "agent-\($0)" }
    let plan = try Planner(catalog: Catalog(agents: names.map { Manifest(name: $0) }))
        .plan(WorkflowRequest(goal: .agents(names)))
    var perAgent: [[WorkflowEvent]] = [[next(.workflowStarted, data: [
        "plan": plan.json, "agents": .array(names.map { .string($0) }), "strategy": "adaptive", "estimated_seconds": 1.0,
    ])]]
    for name in names {
        perAgent.append([
            next(.agentStarted, name),
            next(.agentCompleted, name, data: ["output": ["result": "ok", "agent": .string(name)], "duration_seconds": 0.001]),
        ])
    }
    perAgent.append([next(.workflowCompleted)])
    return perAgent
}

/// User + system CPU seconds of this process so far (wall time is inflated on a loaded machine).
func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func measure(_ label: String, batching: (([[WorkflowEvent]]) -> [[WorkflowEvent]])) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("state.sqlite").path
    let store = try SQLiteStore(path: path)
    let workflowId = "bench"
    let calls = batching(try events(workflowId: workflowId, agents: agents))
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = cpuSeconds()
    for call in calls { try store.record(call) }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let cpu = cpuSeconds() - cpuStart
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0)
        + (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0)
    let check = try store.integrityCheck().joined(separator: "; ")
    print(
        String(
            format: "%@: %d agents, %d record() calls in %.3f s = %.1f µs per agent, %.1f µs per call (CPU %.1f µs per agent); db+wal %.1f MB; integrity %@",
            label, agents, calls.count, seconds, seconds / Double(agents) * 1e6, seconds / Double(calls.count) * 1e6,
            cpu / Double(agents) * 1e6, Double(size) / 1e6, check))
}

print("store-bench (release build recommended: swift run -c release store-bench \(agents))")
/// The floor on this machine: one small INSERT per transaction through GRDB, same settings.
func measureFloor(_ count: Int) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    let pool = try DatabasePool(path: folder.appendingPathComponent("floor.sqlite").path, configuration: configuration)
    try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, workflow TEXT, body TEXT)") }
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = cpuSeconds()
    for index in 0..<count {
        try pool.write { db in
            try db.cachedStatement(sql: "INSERT INTO t (workflow, body) VALUES (?, ?)")
                .execute(arguments: ["bench", "{\"agent\":\"agent-\(index)\"}"])
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let cpu = cpuSeconds() - cpuStart
    print(String(format: "floor: %d transactions of one INSERT in %.3f s = %.1f µs per transaction (CPU %.1f µs)", count, seconds, seconds / Double(count) * 1e6, cpu / Double(count) * 1e6))
}

let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "all"
if only == "all" || only == "floor" { try measureFloor(2 * agents) }
if only == "all" || only == "event" {
    try measure("one call per event") { batches in batches.flatMap { $0.map { [$0] } } }
}
if only == "all" || only == "agent" { try measure("one call per agent (started+completed)") { $0 } }
if only == "all" || only == "one" { try measure("whole workflow in one call") { [$0.flatMap { $0 }] } }
