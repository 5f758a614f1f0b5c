import AgentCatalog
import Foundation
import HostProtocol
import TestSupport
import Testing
import WorkflowEvents
import WorkflowStore

/// `workflow/retry` through `agenthost serve`: the demo campaign fails at its researcher (a
/// source file is not UTF-8), the file is rewritten, and a retry in the same session finishes it.
@Suite struct ServeRetryTests {
    @Test func retryFinishesAFailedDemoCampaignFromItsFailedAgent() throws {
        let server = try ChildServer(manifests: [repositoryRoot + "/AgentManifests"])
        let folder = server.folder
        try FileManager.default.createDirectory(atPath: folder + "/sources", withIntermediateDirectories: true)
        let sources = repositoryRoot + "/Examples/sources"
        for file in try FileManager.default.contentsOfDirectory(atPath: sources) {
            try FileManager.default.copyItem(atPath: sources + "/" + file, toPath: folder + "/sources/" + file)
        }
        let text = try String(contentsOfFile: repositoryRoot + "/Examples/blog-campaign.json", encoding: .utf8)
        var request = try JSONValue(parsing: text).objectValue ?? [:]
        var campaign = request["campaign"]?.objectValue ?? [:]
        campaign["sources"] = .array((campaign["sources"]?.arrayValue ?? []) + [.string("sources/extra.md")])
        request["campaign"] = .object(campaign)
        // Readable but not UTF-8: it passes the check before the run and fails the researcher.
        try Data([0x23, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: folder + "/sources/extra.md"))

        server.initialize()
        let started = result(
            server.request("workflow/execute", ["request": .object(request), "base_directory": .string(folder)]))
        let id = try #require(started["workflow_id"])
        let failed = result(server.request("workflow/wait", ["workflow_id": id], timeout: 120))
        #expect(failed["state"] == "failed")
        #expect(failed["agents"]?["researcher"]?["state"] == "failed")
        #expect((failed["progress_percentage"]?.doubleValue ?? 100) < 100)

        try "# Extra\n\nSolar panels produce most power during school hours.\n"
            .write(toFile: folder + "/sources/extra.md", atomically: true, encoding: .utf8)
        let retried = result(server.request("workflow/retry", ["workflow_id": id, "reason": "extra.md written"]))
        #expect(retried["agents"]?.arrayValue?.first == "researcher")
        let done = result(server.request("workflow/wait", ["workflow_id": id], timeout: 120))
        #expect(done["state"] == "completed", "\(done)")
        #expect(done["progress_percentage"] == 100)
        server.request("shutdown")
        #expect(server.finish() == 0)
        let events = try SQLiteStore(path: server.databasePath).events(workflowId: id.stringValue ?? "")
        #expect(events.filter { $0.type == .agentStarted && $0.agent == "planner" }.count == 1)
        #expect(events.contains { $0.type == .workflowRetried && $0.message == "extra.md written" })
    }
}
