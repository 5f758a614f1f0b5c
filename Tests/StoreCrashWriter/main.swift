// store-crash-writer: a child process for WorkflowStoreTests' kill -9 test.
//
//   store-crash-writer DB_PATH WORKFLOW_ID AGENTS
//
// Records workflow.started, then agent.started and agent.completed (with an output) for each
// agent, one record() call per event, as fast as it can, so that a SIGKILL from the test
// lands at an arbitrary point, often inside a transaction. Exits 0 when all are recorded.
import AgentCatalog
import Foundation
import WorkflowEvents
import WorkflowPlanning
import WorkflowStore

let arguments = CommandLine.arguments
guard arguments.count == 4, let agents = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: store-crash-writer DB_PATH WORKFLOW_ID AGENTS\n".utf8))
    exit(2)
}
let workflowId = arguments[2]
do {
    let store = try SQLiteStore(path: arguments[1])
    let names = (0..<agents).map { "agent-\($0)" }
    var sequence: Int64 = 0
    func record(_ type: EventType, _ agent: String? = nil, data: JSONValue? = nil) throws {
        sequence += 1
        try store.record([
            WorkflowEvent(
                sequence: sequence, workflowId: workflowId, type: type, agent: agent, attempt: agent == nil ? nil : 1,
                timestamp: Date().timeIntervalSince1970, data: data)
        ])
    }
    let plan = try Planner(catalog: Catalog(agents: names.map { Manifest(name: $0) }))
        .plan(WorkflowRequest(goal: .agents(names), strategy: .sequential))
    try record(.workflowStarted, data: ["plan": plan.json, "agents": .array(names.map { .string($0) })])
    for name in names {
        try record(.agentStarted, name)
        try record(.agentCompleted, name, data: ["output": ["agent": .string(name), "text": .string(String(repeating: "x", count: 200))]])
    }
    try record(.workflowCompleted)
} catch {
    FileHandle.standardError.write(Data("store-crash-writer: \(error)\n".utf8))
    exit(1)
}
