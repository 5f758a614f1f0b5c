import AgentCatalog
import Foundation
import Testing
import TestSupport
import WorkflowEvents
import WorkflowStore

/// `agenthost run --cluster` with two `agenthost node` processes on one machine, against a
/// private PostgreSQL server: every agent runs once, on a node, and the outputs equal those
/// of a single-machine run of the same request.
@Suite(.serialized, .enabled(if: PostgresServer.isAvailable, "\(PostgresServer.unavailableReason ?? "")"))
struct ClusterRunTests {
    @Test func twoNodesRunAWorkflowWithTheOutputsOfASingleMachineRun() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 50)
        defer { fixture.remove() }
        let reference = try fixture.run(id: "wf-single")
        #expect(reference.status == 0, "\(reference.stderr)")
        let server = try PostgresServer()
        defer { server.stop() }
        let before = fixture.invocations().count
        let nodes = try ["n1", "n2"].map { name in
            try AgentHostProcess.start(
                [
                    "node", "--cluster", server.url, "--slots", "2", "--name", name, "--manifests",
                    fixture.folder + "/manifests", "--plugins", buildFolder,
                ], in: fixture.folder, standardError: fixture.folder + "/\(name).log")
        }
        defer { nodes.filter(\.isRunning).forEach(killHard) }
        // Both nodes registered before the run plans (a result, waited for; it decides nothing).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? server.psql("select count(*) from nodes")) != "2" { usleep(20_000) }
        #expect(try server.psql("select count(*) from nodes") == "2")

        let result = try fixture.run(id: "wf-cluster", extra: ["--cluster", server.url])
        #expect(result.status == 0, "\(result.stderr)")

        let store = try fixture.openStore()
        for agent in StoreFixture.agents {
            let single = try store.output(workflowId: "wf-single", agent: agent)
            let clustered = try store.output(workflowId: "wf-cluster", agent: agent)
            #expect(clustered != nil && canonical(clustered) == canonical(single), "\(agent): \(canonical(clustered)) vs \(canonical(single))")
        }
        // Each agent ran exactly once, in a node's worker process; one committed row each.
        let ran = fixture.invocations().dropFirst(before)
        #expect(ran.map(\.agent).sorted() == StoreFixture.agents.sorted())
        #expect(
            try server.psql("select count(*) from attempt_queue where workflow_id = 'wf-cluster' and state = 'done'")
                == "6")
        let pids = Set(nodes.map { Int($0.processIdentifier) })
        #expect(ran.allSatisfy { !pids.contains($0.pid) })
        // The completed events name the node that ran each agent.
        let completed = try store.events(workflowId: "wf-cluster").filter { $0.type == .agentCompleted }
        #expect(completed.count == 6)
        #expect(completed.allSatisfy { ["n1", "n2"].contains($0.data?["node"]?.stringValue ?? "") })

        // SIGTERM: each node stops claiming, deregisters and exits 0.
        for node in nodes { kill(node.processIdentifier, SIGTERM) }
        for node in nodes { node.waitUntilExit() }
        #expect(nodes.map(\.terminationStatus) == [0, 0])
        #expect(try server.psql("select count(*) from nodes") == "0")
        let logs = try ["n1", "n2"].map { try String(contentsOfFile: fixture.folder + "/\($0).log", encoding: .utf8) }
        let completions = logs.joined().split(separator: "\n").filter { $0.contains(": completed workflow=wf-cluster") }
        #expect(completions.count == 6, "\(logs)")
    }
}

/// `object` as JSON text with sorted keys: the inputs of an agent with several dependencies are
/// in the order they completed, which differs between runs.
private func canonical(_ object: JSONObject?) -> String {
    guard let object, let value = try? JSONSerialization.jsonObject(with: Data(JSONValue.object(object).compactBytes)),
        let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    else { return "nil" }
    return String(decoding: data, as: UTF8.self)
}
