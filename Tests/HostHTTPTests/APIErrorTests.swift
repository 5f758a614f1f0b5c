import AgentCatalog
import HTTPTypes
import HostProtocol
import WorkflowHosting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HostHTTP

/// Errors come in one envelope carrying the protocol's codes, with the mapped status.
@Suite struct APIErrorTests {
    @Test func unknownWorkflowIs404WithTheProtocolsError() async throws {
        let dashboard = try TestDashboard()
        let expected = await dashboard.call("workflow/status", ["workflow_id": "wf-nope"])
        try await dashboard.test { client in
            for uri in ["/api/v1/workflows/wf-nope", "/api/v1/workflows/wf-nope/plan", "/api/v1/workflows/wf-nope/events"] {
                try await client.execute(uri: uri, method: .get, headers: local()) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(parsed(response)["error"]?["code"] == 1001, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/v1/workflows/wf-nope", method: .get, headers: local()) {
                #expect(parsed($0) == expected)
                #expect(parsed($0)["error"]?["data"]?["workflow_id"] == "wf-nope")
            }
        }
    }

    @Test func badInputIs400AndARejectedPlan422() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            try await client.execute(
                uri: "/api/v1/plans", method: .post, headers: jsonPost, body: body(["request": editorRequest, "extra": 1])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(parsed(response)["error"]?["code"] == .integer(Int64(ProtocolError.Code.invalidParams)))
                #expect(parsed(response)["error"]?["message"]?.stringValue?.contains("extra") == true)
            }
            try await client.execute(
                uri: "/api/v1/workflows", method: .post, headers: jsonPost, body: .init(string: "{\"request\": ")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(parsed(response)["error"]?["code"] == .integer(Int64(ProtocolError.Code.parseError)))
            }
            try await client.execute(uri: "/api/v1/workflows?limit=many", method: .get, headers: local()) {
                #expect($0.status == .badRequest)
                #expect(parsed($0)["error"]?["data"]?["param"] == "limit")
            }
            try await client.execute(uri: "/api/v1/workflows?colour=red", method: .get, headers: local()) {
                #expect($0.status == .badRequest)
                #expect(parsed($0)["error"]?["message"]?.stringValue?.contains("colour") == true)
            }
            let cycle: JSONValue = ["campaign": [:], "goal": ["agents": ["loop_a"]]]
            try await client.execute(uri: "/api/v1/plans", method: .post, headers: jsonPost, body: body(["request": cycle])) {
                #expect($0.status == .unprocessableContent)
                #expect(parsed($0)["error"]?["code"] == .integer(Int64(ProtocolError.Code.planRejected)))
            }
            try await client.execute(uri: "/api/v1/agents/nobody", method: .get, headers: local()) {
                #expect($0.status == .notFound)
                #expect(parsed($0)["error"]?["code"] == .integer(Int64(ProtocolError.Code.unknownAgent)))
            }
            try await client.execute(
                uri: "/api/v1/workflows", method: .post, headers: jsonPost, body: body(["plan_id": "plan-404"])
            ) {
                #expect($0.status == .notFound)
                #expect(parsed($0)["error"]?["code"] == .integer(Int64(ProtocolError.Code.unknownPlan)))
            }
        }
    }

    @Test func unknownRoutesAnswerTheEnvelope() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/nothing-here", method: .get, headers: local()) {
                #expect($0.status == .notFound)
                #expect(parsed($0)["error"]?["code"] == .integer(Int64(APIError.Code.notFound)))
            }
        }
    }

    @Test func statusesFollowTheCodes() {
        #expect(APIError.status(for: ProtocolError.Code.parseError) == .badRequest)
        #expect(APIError.status(for: ProtocolError.Code.unknownPlan) == .notFound)
        #expect(APIError.status(for: ProtocolError.Code.storeError) == .internalServerError)
        #expect(APIError.status(for: ProtocolError.Code.shuttingDown) == .serviceUnavailable)
        #expect(APIError.status(for: APIError.Code.unauthorized) == .unauthorized)
    }
}
