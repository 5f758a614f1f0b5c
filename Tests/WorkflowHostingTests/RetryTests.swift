import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import TestSupport
import Testing
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore
@testable import WorkflowHosting

/// Re-running a failed workflow from where it failed, in-process through `WorkflowHost` with
/// the real sample plugins and the SQLite store; and resume's refusal to start what it
/// cannot load.
@Suite struct RetryTests {
    /// A fresh temporary folder with an empty `sources/` in it.
    private static func temporaryFolder() throws -> String {
        let path = try makeTemporaryFolder()
        try FileManager.default.createDirectory(atPath: path + "/sources", withIntermediateDirectories: true)
        return path
    }

    private static func host(store: SQLiteStore, folder: String) -> (WorkflowHost, PluginAgentRunner) {
        let logger = Logger(label: "RetryTests")
        let runtime = AgentRuntime(
            searchPaths: PluginSearchPaths(pluginFolders: [], executableFolder: buildFolder), logger: logger)
        let runner = PluginAgentRunner(runtime: runtime, workerExecutable: buildFolder + "/agenthost", logger: logger)
        let options = ExecutorOptions(
            retry: RetryPolicy(initialInterval: 0.001, jitter: .none), artifactsRoot: folder + "/out",
            baseDirectory: folder)
        let host = WorkflowHost(
            store: store, runner: runner, options: options,
            agentFolders: WorkflowFolders(manifests: [repositoryRoot + "/AgentManifests"], plugins: [], baseDirectory: nil),
            logger: logger)
        return (host, runner)
    }

    @Test func retryRerunsAFailedDemoCampaignFromItsFailedAgent() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sources = repositoryRoot + "/Examples/sources"
        for file in try FileManager.default.contentsOfDirectory(atPath: sources) {
            try FileManager.default.copyItem(atPath: sources + "/" + file, toPath: folder + "/sources/" + file)
        }
        let text = try String(contentsOfFile: repositoryRoot + "/Examples/blog-campaign.json", encoding: .utf8)
        var json = try JSONValue(parsing: text).objectValue ?? [:]
        var campaign = json["campaign"]?.objectValue ?? [:]
        campaign["sources"] = .array((campaign["sources"]?.arrayValue ?? []) + [.string("sources/extra.md")])
        json["campaign"] = .object(campaign)
        let request = try WorkflowRequest(json: .object(json))
        let catalog = ManifestDiscovery.discover(folders: [repositoryRoot + "/AgentManifests"]).catalog
        let store = try SQLiteStore(path: folder + "/state.sqlite")
        let (host, runner) = Self.host(store: store, folder: folder)
        defer {
            host.stopPolling()
            runner.shutdown()
        }
        let plan = try Planner(catalog: catalog).plan(request)
        let failed = try host.start(plan: plan, workflowId: "wf-retry", catalog: catalog).wait()
        #expect(failed.state == .failed)
        #expect(failed.agents["researcher"]?.state == .failed)
        #expect(failed.agents["planner"]?.state == .completed)
        #expect(throws: HostingError.self) { try host.retryStored(workflowId: "wf-retry", agents: ["nobody"], catalog: catalog) }

        try "# Extra\n\nSolar panels produce most power during school hours.\n"
            .write(toFile: folder + "/sources/extra.md", atomically: true, encoding: .utf8)
        let retry = try host.retryStored(workflowId: "wf-retry", reason: "extra.md written", catalog: catalog)
        #expect(retry.agents.first == "researcher")
        #expect(!retry.agents.contains("planner"))
        let done = retry.handle.wait()
        #expect(done.state == .completed, "\(done.json)")
        let events = try store.events(workflowId: "wf-retry")
        #expect(events.filter { $0.type == .agentStarted && $0.agent == "planner" }.count == 1)
        #expect(events.contains { $0.type == .workflowRetried && $0.message == "extra.md written" })
        #expect(try store.status(workflowId: "wf-retry").state == .completed)
        #expect(try store.folders(workflowId: "wf-retry")?.baseDirectory == folder)
    }

    @Test func theNamedAgentsAndTheirDependentsRunAgain() throws {
        func agent(_ name: String, _ dependencies: [Dependency] = []) -> Manifest {
            var manifest = Manifest(name: name)
            manifest.dependencies = dependencies
            return manifest
        }
        let catalog = Catalog(agents: [
            agent("a"), agent("b", [.agent("a")]), agent("c", [.agent("b", .soft)]), agent("d", [.agent("a", .optional)]),
            agent("e"),
        ])
        let plan = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .agents(["a", "b", "c", "d", "e"])))
        var status = WorkflowStatus(workflowId: "wf")
        for name in ["a", "b", "c", "d"] { status.agents[name] = .init() }
        for name in ["a", "b", "c", "d"] { status.agents[name]?.state = .completed }
        status.agents["e"] = .init()
        status.agents["e"]?.state = .failed
        #expect(try WorkflowHost.agentsToRetry(plan: plan, status: status, named: [], workflowId: "wf") == ["e"])
        #expect(try WorkflowHost.agentsToRetry(plan: plan, status: status, named: ["a"], workflowId: "wf") == ["a", "b", "c"])
        #expect(throws: HostingError.self) {
            try WorkflowHost.agentsToRetry(plan: plan, status: status, named: ["zed"], workflowId: "wf")
        }
    }

    @Test func aResumeThatCannotLoadAnAgentRefusesBeforeChangingAnything() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let catalog = ManifestDiscovery.discover(folders: [repositoryRoot + "/AgentManifests"]).catalog
        let store = try SQLiteStore(path: folder + "/state.sqlite")
        let (host, runner) = Self.host(store: store, folder: folder)
        defer {
            host.stopPolling()
            runner.shutdown()
        }
        let plan = try Planner(catalog: catalog).plan(WorkflowRequest(goal: .agents(["planner"])))
        try store.createWorkflow(id: "wf-pending", request: plan.request.json, plan: plan, requestFile: nil)
        // No manifest for the planner.
        do {
            _ = try host.resumeStored(workflowId: "wf-pending", catalog: Catalog(agents: []))
            Issue.record("the resume should have been refused")
        } catch {
            #expect(error.code == .agentUnavailable)
            #expect(error.message.contains("no manifest for agent 'planner'"), "\(error.message)")
        }
        // A manifest whose library is gone.
        var manifest = try #require(catalog.agent(named: "planner"))
        manifest.library = "libGonePlanner.so"
        do {
            _ = try host.resumeStored(workflowId: "wf-pending", catalog: Catalog(agents: [manifest]))
            Issue.record("the resume should have been refused")
        } catch {
            #expect(error.code == .agentUnavailable)
            #expect(error.message.contains("libGonePlanner.so"), "\(error.message)")
        }
        #expect(try store.events(workflowId: "wf-pending").isEmpty)
        #expect(try store.status(workflowId: "wf-pending").state == .pending)
    }

    @Test func withoutAStoreAnalyticsHaveTheStoresShape() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let catalog = ManifestDiscovery.discover(folders: [repositoryRoot + "/AgentManifests"]).catalog
        let plan = try Planner(catalog: catalog).plan(
            WorkflowRequest(campaign: ["title": "Solar for schools"], goal: .agents(["planner"])))
        let logger = Logger(label: "RetryTests")
        let runtime = AgentRuntime(
            searchPaths: PluginSearchPaths(pluginFolders: [], executableFolder: buildFolder), logger: logger)
        let runner = PluginAgentRunner(runtime: runtime, logger: logger)
        defer { runner.shutdown() }
        let inMemory = ExecutorBackend(
            store: nil, runner: runner, options: ExecutorOptions(artifactsRoot: folder + "/out"), logger: logger)
        let stored = ExecutorBackend(
            store: try SQLiteStore(path: folder + "/state.sqlite"), runner: runner,
            options: ExecutorOptions(artifactsRoot: folder + "/out"), logger: logger)
        var shapes: [[String]] = []
        for backend in [inMemory, stored] {
            let id = try backend.start(plan: plan, catalog: catalog, baseDirectory: folder)
            let ended = DispatchSemaphore(value: 0)
            let subscription = try backend.subscribe(workflowId: id, from: 1) { if $0.type.isTerminal { ended.signal() } }
            ended.wait()
            subscription.cancel()
            let analytics = try backend.analytics(workflowId: id)
            #expect(analytics["agents"]?.arrayValue?.first?["state"] == "completed")
            shapes.append(Array(analytics.objectValue?.keys ?? []).sorted())
        }
        #expect(shapes[0] == shapes[1])
        #expect(shapes[0].contains("bottlenecks") && shapes[0].contains("recommendations"))
    }
}
