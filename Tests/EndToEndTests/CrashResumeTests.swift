import AgentCatalog
import Foundation
import TestSupport
import Testing
import WorkflowExecution
import WorkflowStore

/// The crash test: `kill -9` of `agenthost run` at several points, then `agenthost resume`.
///
/// After each resume: every agent whose output was committed before the kill is not run
/// again, every other agent runs exactly once more, each agent has exactly one completed
/// attempt in the store, the outputs equal those of a run that was never killed, and
/// `PRAGMA integrity_check` is ok before and after.
@Suite(.serialized) struct CrashResumeTests {
    /// What a run that was never killed produces.
    private func referenceOutputs(_ fixture: StoreFixture) throws -> [String: JSONObject] {
        let result = try fixture.run(id: "wf-reference")
        #expect(result.status == 0, "\(result.stderr)")
        let store = try fixture.openStore()
        var outputs: [String: JSONObject] = [:]
        for agent in StoreFixture.agents { outputs[agent] = try store.output(workflowId: "wf-reference", agent: agent) }
        #expect(outputs.count == 6)
        #expect(outputs["after"]?["inputs"]?["busy"]?["agent"] == "busy")
        return outputs
    }

    /// Resumes `id` after its host was killed and checks everything the crash test promises.
    /// Returns the agents that had committed outputs before the kill (nil when the kill came
    /// before the workflow was stored, or after it ended).
    @discardableResult
    private func resumeAndCheck(
        _ fixture: StoreFixture, _ id: String, reference: [String: JSONObject],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Set<String>? {
        try fixture.closeCutLine()
        let store = try fixture.openStore()
        let integrityBefore = try store.integrityCheck()
        #expect(integrityBefore == ["ok"], sourceLocation: sourceLocation)
        guard let committed = try committedAgents(store, id) else {
            // Killed before the workflow was stored: nothing to resume, and resume says so.
            let result = try fixture.agenthost(["resume", id])
            #expect(result.status == 2, sourceLocation: sourceLocation)
            #expect(result.stderr.contains("no workflow with id \(id)"), sourceLocation: sourceLocation)
            return nil
        }
        let stateBefore = try store.status(workflowId: id).state
        if stateBefore == .completed { return nil }
        let before = fixture.invocations()
        let result = try fixture.agenthost(["resume", id, "--json", "--out", fixture.folder + "/runs"])
        #expect(result.status == 0, "\(id): \(result.stderr)", sourceLocation: sourceLocation)

        // Agents with a committed output are not run again; the others run exactly once.
        let resumed = fixture.invocations().dropFirst(before.count)
        var counts: [String: Int] = [:]
        for invocation in resumed { counts[invocation.agent, default: 0] += 1 }
        let expected = Dictionary(
            uniqueKeysWithValues: StoreFixture.agents.filter { !committed.contains($0) }.map { ($0, 1) })
        #expect(
            counts == expected, "\(id): committed before the kill \(committed.sorted())", sourceLocation: sourceLocation
        )
        for agent in committed {
            #expect(
                before.contains { $0.agent == agent }, "\(agent) committed without running",
                sourceLocation: sourceLocation)
        }

        // One completed attempt per agent, the same outputs as the run that was never killed.
        let stateAfter = try store.status(workflowId: id).state
        #expect(stateAfter == .completed, sourceLocation: sourceLocation)
        let runs = try store.runs(workflowId: id)
        for agent in StoreFixture.agents {
            let completed = runs.filter { $0.agent == agent && $0.status == .completed }.count
            #expect(completed == 1, "\(id): \(agent) completed \(completed) times", sourceLocation: sourceLocation)
            let output = try store.output(workflowId: id, agent: agent)
            #expect(output == reference[agent], "\(id): \(agent)", sourceLocation: sourceLocation)
        }
        let integrity = try store.integrityCheck()
        #expect(integrity == ["ok"], sourceLocation: sourceLocation)
        let status = try parseJSON(try fixture.agenthost(["status", id, "--json"]).stdout)
        #expect(status["state"] == "completed", sourceLocation: sourceLocation)
        return committed
    }

    /// The agents with a committed output, or nil when the workflow was never stored.
    private func committedAgents(_ store: SQLiteStore, _ id: String) throws -> Set<String>? {
        let state: ResumeState
        do {
            state = try store.resumeState(workflowId: id)
        } catch {
            if error.code == .unknownWorkflow { return nil }
            throw error
        }
        return Set(state.completedOutputs.keys)
    }

    @Test func killDuringAnAgentThenBetweenAgentsThenResume() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 40)
        defer { fixture.remove() }
        let reference = try referenceOutputs(fixture)

        // During an agent: `after` has started and not finished.
        let during = try fixture.startRun(id: "wf-during")
        let sawAfter = try fixture.waitForEvents("wf-during", while: during) { events in
            events.contains { $0.type == .agentStarted && $0.agent == "after" }
                && !events.contains { $0.type == .agentCompleted && $0.agent == "after" }
        }
        killHard(during)
        #expect(sawAfter)
        let committedDuring = try resumeAndCheck(fixture, "wf-during", reference: reference)
        #expect(committedDuring == ["first", "second", "busy"])

        // Between agents: right after `first`'s completion is visible in the store.
        let between = try fixture.startRun(id: "wf-between")
        let sawFirst = try fixture.waitForEvents("wf-between", while: between) { events in
            events.contains { $0.type == .agentCompleted && $0.agent == "first" }
        }
        killHard(between)
        #expect(sawFirst)
        let committedBetween = try resumeAndCheck(fixture, "wf-between", reference: reference)
        #expect(committedBetween?.contains("first") == true)
        #expect(committedBetween?.contains("crashy") == false)

        // Killed again while resuming: the second resume still finishes it.
        let twice = try fixture.startRun(id: "wf-twice")
        #expect(try fixture.waitForEvents("wf-twice", while: twice) { $0.contains { $0.type == .agentStarted } })
        killHard(twice)
        try fixture.closeCutLine()
        let resume = Process()
        resume.executableURL = URL(fileURLWithPath: buildFolder + "/agenthost")
        resume.arguments = ["resume", "wf-twice", "--json", "--out", fixture.folder + "/runs"] + fixture.options
        resume.currentDirectoryURL = URL(fileURLWithPath: fixture.folder)
        resume.standardOutput = FileHandle.nullDevice
        resume.standardError = FileHandle.nullDevice
        try resume.run()
        _ = try fixture.waitForEvents("wf-twice", while: resume) { events in
            events.contains { $0.type == .agentCompleted && $0.agent == "after" }
        }
        killHard(resume)
        try resumeAndCheck(fixture, "wf-twice", reference: reference)
    }

    @Test func killAtRandomMomentsOfShortRunsThenResume() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 5, gated: true)
        defer { fixture.remove() }
        let reference = try referenceOutputs(fixture)
        // Kill points set by the run, not by the clock, so every one hits a running workflow on
        // a loaded machine too: each agent in turn is held at its start (its gate file exists),
        // the store shows it started, and the host is killed there.
        for agent in StoreFixture.agents {
            let id = "wf-held-\(agent)"
            FileManager.default.createFile(atPath: fixture.gate(agent), contents: nil)
            let host = try fixture.startRun(id: id)
            let held = try fixture.waitForEvents(id, while: host) { events in
                events.contains { $0.type == .agentStarted && $0.agent == agent }
            }
            killHard(host)
            try FileManager.default.removeItem(atPath: fixture.gate(agent))
            #expect(held, "\(agent) never started")
            let committed = try resumeAndCheck(fixture, id, reference: reference)
            #expect(committed != nil && committed?.contains(agent) == false, "\(id): \(committed ?? [])")
        }
        // Then kills at moments spread over a whole run (start-up included): before the workflow is
        // stored, stored but not started, mid-agent, between commits, done. Where each lands depends
        // on the machine's speed, so every outcome is checked and none is counted on.
        let started = Date()
        #expect(try fixture.run(id: "wf-timing").status == 0)
        let runSeconds = Date().timeIntervalSince(started)
        for index in 0..<8 {
            let id = "wf-random-\(index)"
            let host = try fixture.startRun(id: id)
            usleep(UInt32(runSeconds * (0.2 + 0.9 * Double(index) / 8) * 1_000_000))
            let wasRunning = host.isRunning
            killHard(host)
            if wasRunning { try resumeAndCheck(fixture, id, reference: reference) }
        }
    }
}
