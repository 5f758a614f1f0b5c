import AgentCatalog
import Foundation
import GRDB
import Testing
import WorkflowEvents
@testable import WorkflowStore

/// kill -9 of a process that is recording, at several points, then recovery in this process.
@Suite struct CrashTests {
    /// The store-crash-writer binary, built beside the test bundle.
    static var writerPath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while folder.path != "/" && !folder.lastPathComponent.hasSuffix("debug") && !folder.lastPathComponent.hasSuffix("release") {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("StoreCrashWriter").path
    }

    @Test(arguments: [40, 400, 1500])
    func aKilledWriterLeavesACommittedPrefixThatResumes(killAfterEvents: Int) throws {
        let path = temporaryDatabasePath()
        let agents = 10_000  // far more than it can record before the kill, however fast the store gets
        let writer = Self.writerPath
        #expect(FileManager.default.isExecutableFile(atPath: writer), "build StoreCrashWriter first (swift build): \(writer)")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: writer)
        child.arguments = [path, "wf-crash", "\(agents)"]
        let errors = Pipe()
        child.standardError = errors
        try child.run()
        // Wait for the child to create the database, then until it has recorded enough.
        let deadline = Date().addingTimeInterval(60)
        var observer: SQLiteStore?
        while child.isRunning && Date() < deadline {
            if observer == nil, FileManager.default.fileExists(atPath: path) { observer = try? SQLiteStore(path: path) }
            if let observer, let last = try? observer.resumeState(workflowId: "wf-crash").lastSequence, last >= Int64(killAfterEvents) {
                break
            }
            usleep(200)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        let written = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(child.terminationReason == .uncaughtSignal, "the writer finished before it was killed: \(written)")

        let store = try SQLiteStore(path: path)
        #expect(try store.integrityCheck() == ["ok"])
        let events = try store.events(workflowId: "wf-crash")
        let last = Int64(events.count)
        #expect(events.map(\.sequence) == Array(1...last))
        let state = try store.resumeState(workflowId: "wf-crash")
        #expect(state.lastSequence == last)
        let completed = Set(events.filter { $0.type == .agentCompleted }.compactMap(\.agent))
        #expect(Set(state.completedOutputs.keys) == completed)
        for agent in completed { #expect(state.completedOutputs[agent]?["agent"] == .string(agent)) }
        let (live, runs) = try store.pool.read { db in
            (
                try Row.fetchOne(db, sql: "SELECT last_sequence, completed_count, running_count FROM workflow_state_live"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM agent_runs WHERE status = 'completed'")
            )
        }
        #expect(live?["last_sequence"] == last)
        #expect(live?["completed_count"] == completed.count)
        #expect(runs == completed.count)

        // Resume: a new host continues after the last sequence and re-runs only what was not committed.
        var sequence = state.lastSequence
        func next(_ type: EventType, _ agent: String? = nil, attempt: Int? = nil, data: JSONValue? = nil) -> WorkflowEvent {
            sequence += 1
            return WorkflowEvent(sequence: sequence, workflowId: "wf-crash", type: type, agent: agent, attempt: attempt, timestamp: Date().timeIntervalSince1970, data: data)
        }
        var resumed = [next(.workflowStarted, data: ["agents": []])]
        var reran = 0
        for index in 0..<agents where state.completedOutputs["agent-\(index)"] == nil {
            let name = "agent-\(index)"
            let attempt = (state.attempts[name] ?? 0) + 1
            resumed.append(next(.agentStarted, name, attempt: attempt))
            resumed.append(next(.agentCompleted, name, attempt: attempt, data: ["output": ["agent": .string(name)]]))
            reran += 1
        }
        resumed.append(next(.workflowCompleted))
        try store.record(resumed)
        #expect(reran == agents - completed.count)
        let status = try store.status(workflowId: "wf-crash")
        #expect(status.state == .completed)
        #expect(status.count(.completed) == agents)
        #expect(try store.runs(workflowId: "wf-crash").allSatisfy { $0.status != .running })
        #expect(try store.integrityCheck() == ["ok"])
    }
}
