import AgentCatalog
import Foundation
import HostProtocol
import TestSupport
import Testing
import WorkflowExecution
import WorkflowStore

/// The demo campaign (Examples/blog-campaign.json) with the sample agents, through the binary.
@Suite struct ServeCampaignTests {
    @Test func theDemoCampaignRunsAndItsEventsMatchTheStore() throws {
        let server = try ChildServer(manifests: [repositoryRoot + "/AgentManifests"])
        server.initialize()
        let requestText = try String(contentsOfFile: repositoryRoot + "/Examples/blog-campaign.json", encoding: .utf8)
        let request = try JSONValue(parsing: requestText)
        let started = result(
            server.request(
                "workflow/execute",
                [
                    "request": request, "base_directory": .string(repositoryRoot + "/Examples"),
                ]))
        let id = try #require(started["workflow_id"]?.stringValue)
        let planned = started["plan"]?["order"]?.arrayValue ?? []
        #expect(planned.count > 3)
        server.request("workflow/subscribe", ["workflow_id": .string(id), "from_sequence": 1])
        let final = result(server.request("workflow/wait", ["workflow_id": .string(id)], timeout: 120))
        #expect(final["state"] == "completed")
        #expect(final["counts"]?["completed"] == .integer(Int64(planned.count)))
        let last = final["execution_info"]?["last_sequence"]?.integerValue ?? 0
        let streamed = server.inbox.waitForCount(Int(last)) { $0["params"]?["workflow_id"] == .string(id) }
            .compactMap { WorkflowEvent(json: $0["params"] ?? .null) }
        #expect(streamed.map(\.sequence) == Array(1...last))
        let writer = result(server.request("workflow/agent_result", ["workflow_id": .string(id), "agent": "writer"]))
        #expect(writer["state"] == "completed")
        #expect(writer["output"]?.objectValue?.isEmpty == false)
        server.request("shutdown")
        #expect(server.finish() == 0)
        let stored = try SQLiteStore(path: server.databasePath).events(workflowId: id)
        #expect(stored.map(\.sequence) == streamed.map(\.sequence))
        #expect(stored.map(\.type) == streamed.map(\.type))
        #expect(stored.map(\.agent) == streamed.map(\.agent))
        #expect(stored.map(\.attempt) == streamed.map(\.attempt))
    }
}
