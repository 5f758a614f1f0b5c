import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import TestSupport
import Testing
import WorkflowPlanning

@testable import WorkflowExecution

/// Real plugins (Tests/Plugins/ExecTestAgent) through PluginAgentRunner, in-process and in
/// `agenthost worker` processes (the binary built beside the test bundle).
@Suite struct PluginRunnerTests {

    private func execAgent(
        _ name: String, _ dependencies: [Dependency] = [], config: JSONValue, retries: Int = 0, timeout: Double = 10,
        isolation: Manifest.Isolation = .inProcess, order: Int
    ) -> Manifest {
        Manifest(
            name: name, library: "libTestExecAgent.so", entry: "exec_entry_\(name)", dependencies: dependencies,
            estimateSeconds: 0.01,
            maxRetries: retries, timeoutSeconds: timeout, isolation: isolation, config: config,
            source: ManifestSource(file: NSTemporaryDirectory() + "\(name).json", order: order))
    }

    private func run(_ manifests: [Manifest], goal: [String], id: String) throws -> (
        WorkflowHandle, WorkflowStatus, PluginAgentRunner
    ) {
        let catalog = Catalog(agents: manifests)
        let planner = Planner(catalog: catalog)
        let plan = try planner.plan(WorkflowRequest(goal: .agents(goal), maxConcurrency: 2))
        let logger = Logger(label: "PluginRunnerTests")
        let runtime = AgentRuntime(
            searchPaths: PluginSearchPaths(pluginFolders: [], executableFolder: buildFolder), logger: logger)
        let runner = PluginAgentRunner(
            runtime: runtime, workerExecutable: buildFolder + "/agenthost", logger: logger)
        let executor = WorkflowExecutor(
            catalog: catalog, runner: runner, recorder: InMemoryRecorder(), planner: planner,
            options: ExecutorOptions(
                retry: RetryPolicy(initialInterval: 0.001, jitter: .none), cancellationGrace: 0.05,
                artifactsRoot: NSTemporaryDirectory() + "agenthost-runs"),
            logger: logger)
        let handle = executor.start(plan: plan, workflowId: id)
        let status = handle.wait()
        runner.shutdown()
        return (handle, status, runner)
    }

    @Test func inProcessHangTimesOutAndTheWorkflowGoesOn() throws {
        let manifests = [
            execAgent("hangs", config: ["hang_ms": 400], timeout: 0.05, order: 0),
            execAgent("steady", config: [:], order: 1),
            execAgent("after", [.agent("hangs", .soft)], config: [:], order: 2),
        ]
        let (handle, status, _) = try run(manifests, goal: ["after", "steady"], id: "wf-hang")
        #expect(status.agents["hangs"]?.state == .failed)
        #expect(status.agents["hangs"]?.message?.contains("timed out") == true)
        #expect(status.names(.completed) == ["steady", "after"])
        #expect(handle.abandonedThreads == 1)
    }

    @Test(arguments: [("segv_until", "SIGSEGV"), ("abort_until", "SIGABRT")])
    func processIsolatedCrashFailsOnlyThatAttemptThenRetriesInAFreshWorker(_ crash: (String, String)) throws {
        let manifests = [execAgent("crashy", config: [crash.0: 1], retries: 1, isolation: .process, order: 0)]
        let (handle, status, runner) = try run(manifests, goal: ["crashy"], id: "wf-\(crash.1)")
        #expect(status.state == .completed)
        let failed = try #require(handle.events().first { $0.type == .agentFailed })
        #expect(failed.attempt == 1)
        #expect(failed.data?["signal"] == .string(crash.1))
        #expect(failed.message?.contains(crash.1) == true)
        let completed = try #require(handle.events().first { $0.type == .agentCompleted })
        #expect(completed.attempt == 2)
        #expect(completed.data?["output"]?["pid"] != failed.data?["worker_pid"])
        #expect(runner.workersStarted == 2)
    }

    @Test func processIsolatedHangIsKilledOnTimeout() throws {
        let manifests = [execAgent("stuck", config: ["hang_ms": 5000], timeout: 0.1, isolation: .process, order: 0)]
        let (handle, status, _) = try run(manifests, goal: ["stuck"], id: "wf-stuck")
        #expect(status.state == .failed)
        let failed = try #require(handle.events().first { $0.type == .agentFailed })
        #expect(failed.data?["timed_out"] == true)
        #expect(failed.message?.contains("timed out") == true)
        #expect(handle.abandonedThreads == 0)
    }

    @Test func workersAreReusedAcrossCallsOfTheSamePlugin() throws {
        let manifests = [
            execAgent("first", config: [:], isolation: .process, order: 0),
            execAgent("second", [.agent("first")], config: [:], isolation: .process, order: 1),
        ]
        let (handle, status, runner) = try run(manifests, goal: ["second"], id: "wf-reuse")
        #expect(status.state == .completed)
        let pids = handle.events().filter { $0.type == .agentCompleted }.map { $0.data?["output"]?["pid"] }
        try #require(pids.count == 2, "both agents completed")
        #expect(pids[0] == pids[1])
        #expect(pids[0] != .integer(Int64(getpid())))
        #expect(runner.workersStarted == 1)
    }

    @Test func aProcessIsolatedAgentThatIsNotParallelSafeNeverOverlapsAcrossWorkflows() throws {
        let log = NSTemporaryDirectory() + "exec-serial-\(UUID().uuidString).txt"
        var manifest = execAgent(
            "busy", config: ["sleep_ms": 150, "record": .string(log)], isolation: .process, order: 0)
        manifest.parallelSafe = false
        let catalog = Catalog(agents: [manifest])
        let planner = Planner(catalog: catalog)
        let logger = Logger(label: "PluginRunnerTests")
        let runtime = AgentRuntime(
            searchPaths: PluginSearchPaths(pluginFolders: [], executableFolder: buildFolder), logger: logger)
        let runner = PluginAgentRunner(runtime: runtime, workerExecutable: buildFolder + "/agenthost", logger: logger)
        defer { runner.shutdown() }
        let handles = try (0..<2).map { index in
            let executor = WorkflowExecutor(
                catalog: catalog, runner: runner, recorder: InMemoryRecorder(), planner: planner,
                options: ExecutorOptions(artifactsRoot: NSTemporaryDirectory() + "agenthost-runs"), logger: logger)
            return executor.start(
                plan: try planner.plan(WorkflowRequest(goal: .agents(["busy"]))), workflowId: "wf-serial-\(index)")
        }
        #expect(handles.map { $0.wait().state } == [.completed, .completed])
        let spans = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            return (start: UInt64(fields[2]) ?? 0, end: UInt64(fields[3]) ?? 0)
        }.sorted { $0.start < $1.start }
        #expect(spans.count == 2)
        #expect(spans.count == 2 && spans[0].end <= spans[1].start, "the two calls overlapped: \(spans)")
    }

    @Test func progressAndRetriesOfARealPluginAreVisible() throws {
        let log = NSTemporaryDirectory() + "exec-record-\(UUID().uuidString).txt"
        let manifests = [
            execAgent(
                "busy", config: ["retryable_until": 2, "record": .string(log), "progress": true], retries: 2, order: 0)
        ]
        let (handle, status, _) = try run(manifests, goal: ["busy"], id: "wf-busy")
        #expect(status.state == .completed)
        #expect(status.agents["busy"]?.attempts == 3)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.map { $0.split(separator: " ")[1] } == ["1", "2", "3"])
        let progress = handle.events().filter { $0.type == .agentProgress && $0.attempt == 3 }.compactMap(\.progress)
        #expect(progress == [0.25, 0.5, 0.75, 1])
    }
}
