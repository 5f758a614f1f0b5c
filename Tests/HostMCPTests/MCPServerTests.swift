import AgentCatalog
import Foundation
import HostProtocol
import Testing

@testable import HostMCP

@Suite struct MCPServerTests {
    @Test func initializeAnswersTheClientsVersionWhenSupportedElseTheLatest() throws {
        let known = try MCPHarness()
        #expect(known.request("tools/list")["error"]?["code"] == .integer(-32600))
        let answer = known.initialize("2025-03-26")["result"]
        #expect(answer?["protocolVersion"] == "2025-03-26")
        #expect(answer?["serverInfo"]?["name"] == "agenthost")
        #expect(answer?["capabilities"]?["tools"] != nil && answer?["capabilities"]?["resources"] != nil)
        #expect(known.initialize()["error"] != nil)

        let future = try MCPHarness()
        #expect(future.initialize("2099-01-01")["result"]?["protocolVersion"] == .string(MCPVersion.latest))
        #expect(future.request("ping")["result"] == .object([:]))
    }

    @Test func everyAgentIsAToolWhoseCampaignSchemaComesFromItsManifest() throws {
        let harness = try MCPHarness()
        harness.initialize()
        let tools = harness.request("tools/list")["result"]?["tools"]?.arrayValue ?? []
        let names = tools.compactMap { $0["name"]?.stringValue }
        #expect(names == [
            "plan_workflow", "run_workflow", "workflow_status", "workflow_result", "cancel_workflow", "invoke_agent",
            "agent_planner", "agent_writer", "agent_seo",
        ])
        let writer = tools.first { $0["name"] == "agent_writer" }
        let campaign = writer?["inputSchema"]?["properties"]?["campaign"]
        #expect(campaign?["required"] == ["title"])
        #expect(campaign?["properties"]?["title"]?["description"] == "The headline")
        #expect(writer?["description"]?.stringValue?.contains("writer 2.1.0") == true)
    }

    @Test func runWorkflowSendsIncreasingProgressAndLinksTheFilesItWrote() throws {
        let harness = try MCPHarness()
        harness.initialize()
        let request: JSONValue = ["campaign": ["title": "Solar"], "goal": ["agents": ["seo"]]]
        let result = harness.call("run_workflow", ["request": request], progressToken: "run-1")
        #expect(result["isError"] == false)
        #expect(result["structuredContent"]?["state"] == "completed")
        let progress = harness.notifications("notifications/progress")
            .filter { $0["params"]?["progressToken"] == "run-1" }
            .compactMap { $0["params"]?["progress"]?.doubleValue }
        #expect(progress.count >= 3)
        #expect(progress == progress.sorted() && Set(progress).count == progress.count)
        #expect(progress.last == 3)

        let links = (result["content"]?.arrayValue ?? []).filter { $0["type"] == "resource_link" }
        let writerFile = try #require(links.first { $0["name"] == "writer.md" }?["uri"]?.stringValue)
        let read = harness.request("resources/read", ["uri": .string(writerFile)])["result"]?["contents"]?[0]
        #expect(read?["mimeType"] == "text/markdown")
        #expect(read?["text"] == "# Solar by writer\n")

        let workflowId = try #require(result["structuredContent"]?["workflow_id"]?.stringValue)
        let listed = harness.request("resources/list")["result"]?["resources"]?.arrayValue ?? []
        #expect(listed.contains { $0["uri"] == .string("agenthost://workflows/\(workflowId)") })
        #expect(listed.contains { $0["uri"]?.stringValue == writerFile })
        let output = harness.request("resources/read", ["uri": .string("agenthost://workflows/\(workflowId)/outputs/seo")])
        #expect(output["result"]?["contents"]?[0]?["text"]?.stringValue?.contains("\"agent\": \"seo\"") == true)
    }

    @Test func statusAndResultFollowAWorkflowStartedWithoutWaiting() throws {
        let harness = try MCPHarness()
        harness.initialize()
        let started = harness.call(
            "run_workflow", ["request": ["campaign": ["title": "T"], "goal": ["agents": ["writer"]]], "wait": false])
        let id = try #require(started["structuredContent"]?["workflow_id"]?.stringValue)
        #expect(waitForState(harness, id, "completed"))
        let result = harness.call("workflow_result", ["workflow_id": .string(id), "agent": "writer"])
        #expect(result["structuredContent"]?["outputs"]?["writer"]?["title"] == "T")
        let typo = harness.call("workflow_result", ["workflow_id": .string(id), "agent": "writr"])
        #expect(typo["isError"] == true)
        #expect(typo["content"]?[0]?["text"]?.stringValue?.contains("did you mean `writer`?") == true)
    }

    @Test func aCampaignTypoIsAToolErrorThatNamesTheFieldAndSuggestsTheName() throws {
        let harness = try MCPHarness()
        harness.initialize()
        let result = harness.call(
            "plan_workflow", ["request": ["campaign": ["titel": "Solar"], "goal": ["agents": ["writer"]]]])
        #expect(result["isError"] == true)
        let text = result["content"]?[0]?["text"]?.stringValue ?? ""
        #expect(text.hasPrefix("`campaign.titel` is unknown; did you mean `title`?"))
        #expect(result["structuredContent"]?["field"] == "campaign.titel")
        let unknownTool = harness.request("tools/call", ["name": "run_workflw", "arguments": [:]])
        #expect(unknownTool["error"]?["code"] == .integer(-32602))
        #expect(unknownTool["error"]?["message"]?.stringValue?.contains("did you mean `run_workflow`?") == true)
    }

    @Test func invokingOneAgentReportsItsProgressAndReturnsItsOutput() throws {
        let harness = try MCPHarness()
        harness.initialize()
        let result = harness.call("agent_writer", ["campaign": ["title": "Wind"]], progressToken: 7)
        #expect(result["structuredContent"] == ["agent": "writer", "title": "Wind"])
        let progress = harness.notifications("notifications/progress").first { $0["params"]?["progressToken"] == 7 }
        #expect(progress?["params"]?["message"] == "halfway through writer")
        #expect(progress?["params"]?["progress"] == 0.5)
        let unknown = harness.call("invoke_agent", ["agent": "seoo"])
        #expect(unknown["content"]?[0]?["text"]?.stringValue?.hasSuffix("did you mean `seo`?") == true)
        let badArgument = harness.call("agent_writer", ["campain": [:]])
        #expect(badArgument["content"]?[0]?["text"]?.stringValue?.contains("did you mean `campaign`?") == true)
    }

    @Test func cancellingRunWorkflowCancelsTheWorkflowAndSendsNoAnswer() throws {
        let harness = try MCPHarness(runner: ScriptedRunner(blocking: ["writer"]))
        harness.initialize()
        let id = harness.post(
            "tools/call",
            ["name": "run_workflow", "arguments": ["request": ["campaign": ["title": "T"], "goal": ["agents": ["seo"]]]]])
        let deadline = Date().addingTimeInterval(20)
        while !harness.runner.startedAgents.contains("writer") && Date() < deadline { usleep(1000) }
        harness.notify("notifications/cancelled", ["requestId": id, "reason": "user pressed stop"])
        let listed = harness.request("tools/call", ["name": "workflow_status", "arguments": [:]])
        #expect(listed["result"]?["isError"] == true)
        let workflows = harness.request("resources/list")["result"]?["resources"]?.arrayValue ?? []
        let workflowUri = try #require(workflows.first?["uri"]?.stringValue)
        let workflowId = String(workflowUri.dropFirst(MCPServer.resourcePrefix.count))
        #expect(waitForState(harness, workflowId, "cancelled"))
        #expect(harness.response(to: id, timeout: 0.2) == nil)
        #expect(!harness.runner.startedAgents.contains("seo"))
    }

    @Test func resourcePathsStayInsideTheWorkflowsFolder() throws {
        let harness = try MCPHarness()
        harness.initialize()
        let result = harness.call("run_workflow", ["request": ["campaign": ["title": "T"], "goal": ["agents": ["planner"]]]])
        let id = try #require(result["structuredContent"]?["workflow_id"]?.stringValue)
        let escape = harness.request("resources/read", ["uri": .string("agenthost://workflows/\(id)/artifacts/../../etc/passwd")])
        #expect(escape["error"]?["code"] == .integer(-32002))
        let unknown = harness.request("resources/read", ["uri": "agenthost://workflows/wf-none"])
        #expect(unknown["error"]?["code"] == .integer(-32002))
        let typo = harness.request("resources/read", ["uri": .string("agenthost://workflows/\(id)/artifacts/planer.md")])
        #expect(typo["error"]?["message"]?.stringValue?.contains("did you mean `planner.md`?") == true)
    }

    /// Polls the workflow_status tool until the workflow is in `state` (at most 20 s).
    private func waitForState(_ harness: MCPHarness, _ id: String, _ state: String) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if status(harness, id) == state { return true }
            usleep(2000)
        }
        return false
    }

    private func status(_ harness: MCPHarness, _ id: String) -> String? {
        harness.call("workflow_status", ["workflow_id": .string(id)])["structuredContent"]?["state"]?.stringValue
    }
}
