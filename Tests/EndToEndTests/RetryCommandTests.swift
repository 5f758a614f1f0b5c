import AgentCatalog
import Foundation
import TestSupport
import Testing
import WorkflowEvents
import WorkflowPlanning
import WorkflowStore

/// `agenthost retry` and `resume` through the binary: the demo campaign fails at its
/// researcher (a source file is not UTF-8 text, which only the researcher finds out: the
/// check before the run looks for readable files), the file is rewritten, and `retry` finishes it
/// from there, run from another folder without `--manifests`.
@Suite struct RetryCommandTests {
    /// A copy of the demo request whose sources include `sources/extra.md`, whose bytes are not UTF-8.
    private static func demoWithUnreadableSource(in folder: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder + "/sources", withIntermediateDirectories: true)
        let sources = repositoryRoot + "/Examples/sources"
        for file in try FileManager.default.contentsOfDirectory(atPath: sources) {
            try FileManager.default.copyItem(atPath: sources + "/" + file, toPath: folder + "/sources/" + file)
        }
        let text = try String(
            contentsOfFile: repositoryRoot + "/Examples/blog-campaign.json", encoding: .utf8)
        var request = try JSONValue(parsing: text).objectValue ?? [:]
        var campaign = request["campaign"]?.objectValue ?? [:]
        campaign["sources"] = .array((campaign["sources"]?.arrayValue ?? []) + [.string("sources/extra.md")])
        request["campaign"] = .object(campaign)
        try JSONValue.object(request).compactText.write(toFile: folder + "/request.json", atomically: true, encoding: .utf8)
        try Data([0x23, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: folder + "/sources/extra.md"))
        return folder + "/request.json"
    }

    @Test func retryRerunsAFailedDemoCampaignFromItsFailedAgent() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let request = try Self.demoWithUnreadableSource(in: folder)
        let database = folder + "/state.sqlite"
        let flags = ["--db", database, "--out", folder + "/out"]
        let failed = try AgentHostProcess.run(["run", request, "--id", "retry-e2e", "--json"] + flags)
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        let before = try SQLiteStore(path: database).status(workflowId: "retry-e2e")
        #expect(before.state == .failed)
        #expect(before.agents["researcher"]?.state == .failed)
        #expect(before.agents["planner"]?.state == .completed)
        #expect(before.progressPercentage < 100, "a failed workflow is not 100 % done")

        // Refused while nothing is wrong to fix yet? No: a retry of an unknown workflow is an input error.
        let unknown = try AgentHostProcess.run(["retry", "no-such-id"] + flags, in: folder)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no-such-id"), "\(unknown.stderr)")

        try "# Extra\n\nSolar panels on school roofs produce most power during school hours.\n"
            .write(toFile: folder + "/sources/extra.md", atomically: true, encoding: .utf8)
        // From another folder, without --manifests or --out: what the run used is used.
        let retried = try AgentHostProcess.run(
            ["retry", "retry-e2e", "--reason", "extra.md written", "--json", "--db", database], in: folder)
        #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
        let article = folder + "/out/retry-e2e/article.md"
        #expect(FileManager.default.fileExists(atPath: article), "the rest of the files join the run's folder")
        #expect(!FileManager.default.fileExists(atPath: folder + "/.agenthost/runs/retry-e2e"))

        let store = try SQLiteStore(path: database)
        let after = try store.status(workflowId: "retry-e2e")
        #expect(after.state == .completed)
        #expect(after.progressPercentage == 100)
        let events = try store.events(workflowId: "retry-e2e")
        let retry = try #require(events.first { $0.type == .workflowRetried })
        #expect(retry.message == "extra.md written")
        #expect(retry.data?["agents"]?.arrayValue?.contains("researcher") == true)
        #expect(retry.data?["kept"]?.arrayValue?.contains("planner") == true)
        let starts = events.filter { $0.type == .agentStarted }
        #expect(starts.filter { $0.agent == "planner" }.count == 1, "the committed planner output is kept")
        let researcherAttempts = starts.filter { $0.agent == "researcher" }.compactMap(\.attempt)
        #expect(researcherAttempts.count >= 2 && researcherAttempts == researcherAttempts.sorted())
        #expect(Set(researcherAttempts).count == researcherAttempts.count, "attempt numbers go on from the last")
        #expect(events.map(\.sequence) == Array(1...Int64(events.count)), "one history, no gaps")

        let again = try AgentHostProcess.run(["retry", "retry-e2e"] + flags, in: folder)
        #expect(again.status == 2, "a completed workflow is not retried")
        #expect(again.stderr.contains("completed"), "\(again.stderr)")
    }

    @Test func retryOfNamedAgentsRunsThemAndTheirDependentsOnly() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let request = try Self.demoWithUnreadableSource(in: folder)
        let database = folder + "/state.sqlite"
        let flags = ["--db", database, "--out", folder + "/out"]
        _ = try AgentHostProcess.run(["run", request, "--id", "retry-named", "--json"] + flags)
        try "# Extra\n\nSchools use most electricity in daylight.\n"
            .write(toFile: folder + "/sources/extra.md", atomically: true, encoding: .utf8)
        let retried = try AgentHostProcess.run(["retry", "retry-named", "--agent", "researcher"] + flags, in: folder)
        #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
        let store = try SQLiteStore(path: database)
        let plan = try store.plan(workflowId: "retry-named")
        let events = try store.events(workflowId: "retry-named")
        let retry = try #require(events.first { $0.type == .workflowRetried })
        let rerun = retry.data?["agents"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(rerun.first == "researcher")
        #expect(!rerun.contains("planner"))
        // Every agent whose dependencies include researcher is run again.
        for agent in plan["agents"]?.arrayValue ?? [] {
            let name = agent["name"]?.stringValue ?? ""
            let dependsOnResearcher = (agent["dependencies"]?.arrayValue ?? []).contains {
                ($0["agent"]?.stringValue ?? $0.stringValue) == "researcher"
            }
            if dependsOnResearcher { #expect(rerun.contains(name), "\(name) depends on researcher") }
        }
    }

    @Test func resumeWithoutTheManifestsOfTheRunUsesTheRecordedFolders() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let request = try Self.demoWithUnreadableSource(in: folder)
        let database = folder + "/state.sqlite"
        _ = try AgentHostProcess.run(["run", request, "--id", "folders", "--db", database, "--out", folder + "/out"])
        let folders = try #require(try SQLiteStore(path: database).folders(workflowId: "folders"))
        #expect(folders.manifests == [repositoryRoot + "/AgentManifests"])
        #expect(folders.baseDirectory == folder)
        // A workflow stored with those folders whose host died before it started: resumed
        // from a folder with no AgentManifests/ and without --manifests, its agents still load.
        try #"{"campaign": {"title": "Solar"}, "goal": {"agents": ["planner"]}}"#
            .write(toFile: folder + "/planner.json", atomically: true, encoding: .utf8)
        let planned = try AgentHostProcess.run(["plan", folder + "/planner.json", "--format", "json", "--no-store"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let store = try SQLiteStore(path: database)
        try store.createWorkflow(
            id: "pending-planner", request: ["campaign": ["title": "Solar"]], plan: try ExecutionPlan(json: JSONValue(parsing: planned.stdout)),
            requestFile: nil, folders: folders)
        let resumed = try AgentHostProcess.run(
            ["resume", "pending-planner", "--db", database, "--out", folder + "/out"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(try store.status(workflowId: "pending-planner").state == .completed)
    }

    @Test func aResumeThatCannotLoadAnAgentRefusesAndChangesNothing() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manifests = folder + "/manifests"
        try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
        let manifest = """
            {"manifest_version": 1, "name": "lonely", "version": "1.0.0", "library": "libGone.so",
             "capabilities": ["lonely"], "outputs": ["lonely_out"]}
            """
        try manifest.write(toFile: manifests + "/lonely.json", atomically: true, encoding: .utf8)
        try #"{"campaign": {"title": "t"}, "goal": {"agents": ["lonely"]}}"#
            .write(toFile: folder + "/request.json", atomically: true, encoding: .utf8)
        let database = folder + "/state.sqlite"
        // Recorded as pending (its host "died" before the first event): the store alone.
        let planned = try AgentHostProcess.run(
            ["plan", folder + "/request.json", "--manifests", manifests, "--format", "json", "--no-store"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let plan = try ExecutionPlan(json: JSONValue(parsing: planned.stdout))
        let store = try SQLiteStore(path: database)
        try store.createWorkflow(
            id: "pending-1", request: ["campaign": ["title": "t"]], plan: plan, requestFile: nil,
            folders: WorkflowFolders(manifests: [manifests], plugins: [], baseDirectory: folder))
        let result = try AgentHostProcess.run(["resume", "pending-1", "--db", database], in: folder)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("libGone.so"), "\(result.stderr)")
        #expect(result.stderr.contains("lonely"), "\(result.stderr)")
        #expect(try store.events(workflowId: "pending-1").isEmpty, "nothing was recorded")
        #expect(try store.status(workflowId: "pending-1").state == .pending)
    }
}
