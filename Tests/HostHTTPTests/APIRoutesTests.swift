import AgentCatalog
import Foundation
import HTTPTypes
import HostProtocol
import WorkflowHosting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HostHTTP

/// Each REST route answers what its JSON-RPC method answers (the same JSON), and the status
/// the issue asks for.
@Suite struct APIRoutesTests {
    @Test func healthNamesTheVersionAndThatRunsPersist() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/health", method: .get, headers: local()) { response in
                #expect(response.status == .ok)
                let health = parsed(response)
                #expect(health["status"] == "ok")
                #expect(health["persistent"] == true)
                #expect(health["read_only"] == false)
            }
        }
    }

    @Test func postPlansAnswersWorkflowPlan() async throws {
        let dashboard = try TestDashboard()
        let expected = await dashboard.call("workflow/plan", ["request": editorRequest])
        try await dashboard.test { client in
            try await client.execute(
                uri: "/api/v1/plans", method: .post, headers: jsonPost, body: body(["request": editorRequest])
            ) { response in
                #expect(response.status == .ok)
                #expect(parsed(response)["plan"] == expected["plan"])
                #expect(parsed(response)["plan_id"]?.stringValue?.hasPrefix("plan-") == true)
            }
        }
    }

    @Test func postWorkflowsStartsARunWith201AndItsLocation() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            let started = try await client.execute(
                uri: "/api/v1/workflows", method: .post, headers: jsonPost, body: body(["request": editorRequest])
            ) { response in
                #expect(response.status == .created)
                let id = parsed(response)["workflow_id"]?.stringValue ?? ""
                #expect(response.headers[.location] == "/api/v1/workflows/\(id)")
                return parsed(response)
            }
            let id = try #require(started["workflow_id"]?.stringValue)
            // ?wait long-polls until the end: the same as workflow/wait.
            try await client.execute(uri: "/api/v1/workflows/\(id)?wait=30", method: .get, headers: local()) {
                response in
                #expect(parsed(response)["state"] == "completed")
                #expect(parsed(response) == (await dashboard.call("workflow/status", ["workflow_id": .string(id)])))
            }
        }
    }

    @Test func postWorkflowsFromAPlanId() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            let planned = try await client.execute(
                uri: "/api/v1/plans", method: .post, headers: jsonPost, body: body(["request": editorRequest])
            ) { parsed($0) }
            let planId = try #require(planned["plan_id"])
            try await client.execute(
                uri: "/api/v1/workflows", method: .post, headers: jsonPost, body: body(["plan_id": planId])
            ) { response in
                #expect(response.status == .created)
                #expect(parsed(response)["plan"] == planned["plan"])
            }
        }
    }

    @Test func readRoutesAnswerTheirMethods() async throws {
        let dashboard = try TestDashboard()
        let id = try await dashboard.finishedWorkflow()
        let workflow: JSONObject = ["workflow_id": .string(id)]
        let pairs: [(String, String, JSONObject)] = [
            ("/api/v1/workflows", "workflow/list", [:]),
            ("/api/v1/workflows?limit=1", "workflow/list", ["limit": 1]),
            ("/api/v1/workflows/\(id)", "workflow/status", workflow),
            ("/api/v1/workflows/\(id)/plan", "workflow/plan_of", workflow),
            ("/api/v1/workflows/\(id)/analytics", "workflow/analytics", workflow),
            ("/api/v1/workflows/\(id)/agents/writer", "workflow/agent_result", workflow.merging(["agent": "writer"]) { $1 }),
            ("/api/v1/agents", "agents/list", [:]),
            ("/api/v1/agents?capability=editing", "agents/list", ["capability": "editing"]),
            ("/api/v1/agents/writer", "agents/describe", ["agent": "writer"]),
        ]
        for (uri, method, params) in pairs {
            let expected = await dashboard.call(method, params)
            #expect(expected["error"] == nil, "\(method) failed: \(expected)")
            try await dashboard.test { client in
                try await client.execute(uri: uri, method: .get, headers: local()) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(parsed(response) == expected, "\(uri) differs from \(method)")
                }
            }
        }
        // The agent's result carries its committed output.
        let result = await dashboard.call("workflow/agent_result", workflow.merging(["agent": "writer"]) { $1 })
        #expect(result["output"]?["echo"] == "writer")
    }

    @Test func listFiltersByState() async throws {
        let dashboard = try TestDashboard()
        let id = try await dashboard.finishedWorkflow()
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/workflows?state=completed", method: .get, headers: local()) {
                #expect(parsed($0)["workflows"]?.arrayValue?.map { $0["workflow_id"] } == [.string(id)])
            }
            try await client.execute(uri: "/api/v1/workflows?state=running,paused", method: .get, headers: local()) {
                #expect(parsed($0)["workflows"]?.arrayValue?.isEmpty == true)
            }
        }
    }

    @Test func pauseResumeCancelAnswerTheStatusAfterwards() async throws {
        let dashboard = try TestDashboard(held: ["writer"])
        let started = await dashboard.call("workflow/execute", ["request": editorRequest])
        let id = try #require(started["workflow_id"]?.stringValue)
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/workflows/\(id)/pause", method: .post, headers: jsonPost) {
                response in
                #expect(response.status == .ok)
                #expect(parsed(response)["workflow_id"] == .string(id))
            }
            let paused = await dashboard.call("workflow/status", ["workflow_id": .string(id)])
            #expect(paused["state"] == "paused")
            try await client.execute(uri: "/api/v1/workflows/\(id)/resume", method: .post, headers: jsonPost) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/api/v1/workflows/\(id)/cancel", method: .post, headers: jsonPost,
                body: body(["reason": "from the test"])
            ) { response in
                #expect(response.status == .ok)
            }
            _ = await dashboard.call("workflow/wait", ["workflow_id": .string(id)])
            let after = await dashboard.call("workflow/status", ["workflow_id": .string(id)])
            #expect(after["state"] == "cancelled")
            // A finished workflow cannot be paused: 409 with the protocol's code.
            try await client.execute(uri: "/api/v1/workflows/\(id)/pause", method: .post, headers: jsonPost) {
                response in
                #expect(response.status == .conflict)
                #expect(parsed(response)["error"]?["code"] == .integer(Int64(ProtocolError.Code.invalidState)))
                #expect(
                    parsed(response)
                        == (await dashboard.call("workflow/pause", ["workflow_id": .string(id)])))
            }
            // A cancelled workflow can be retried from where it stopped: the same answer as workflow/retry.
            dashboard.runner.release()
            try await client.execute(
                uri: "/api/v1/workflows/\(id)/retry", method: .post, headers: jsonPost,
                body: body(["reason": "retried from the test"])
            ) { response in
                #expect(response.status == .ok)
                #expect(parsed(response)["workflow_id"] == .string(id))
                #expect((parsed(response)["agents"]?.arrayValue?.count ?? 0) > 0)
            }
            let retried = await dashboard.call("workflow/wait", ["workflow_id": .string(id)])
            #expect(retried["state"] == "completed")
            try await client.execute(uri: "/api/v1/workflows/\(id)/retry", method: .post, headers: jsonPost) {
                response in
                #expect(response.status == .conflict, "a completed workflow is not retried")
                #expect(parsed(response) == (await dashboard.call("workflow/retry", ["workflow_id": .string(id)])))
            }
        }
        dashboard.runner.release()
    }

    @Test func reloadAnswersAgentsReload() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/agents/reload", method: .post, headers: jsonPost) { response in
                #expect(response.status == .ok)
                #expect(parsed(response) == (await dashboard.call("agents/reload")))
            }
        }
    }

    @Test func layoutPutsEachGroupInAColumn() async throws {
        let dashboard = try TestDashboard()
        let id = try await dashboard.finishedWorkflow()
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/workflows/\(id)/layout", method: .get, headers: local()) {
                let layout = parsed($0)
                let agents = layout["agents"]?.arrayValue ?? []
                #expect(agents.map { $0["name"] } == ["planner", "writer", "editor"])
                #expect(agents.map { $0["column"] } == [0, 1, 2])
                #expect(layout["edges"] == [[0, 1, "hard"], [1, 2, "hard"]])
            }
        }
    }
}
