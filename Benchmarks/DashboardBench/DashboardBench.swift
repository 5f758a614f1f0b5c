// dashboard-bench: the dashboard's figures (README "Figures", docs/HTTP.md).
//
// Records a generated 10,000-agent workflow (100 groups of 100 agents, each depending on two
// agents of the group before) run by a no-op runner into a scratch store, serves it with
// `DashboardServer` on a free loopback port, and hands the URL to measure.py, which prints:
// the first full paint of the run view in headless Chromium, the event-to-screen latency
// (p50/p95) of a workflow emitting ~1,000 events/s, and the SSE events/s one server sends to
// 10 subscribers at once. Needs Debian's chromium + chromium-driver and `pip install selenium`.
//
//     swift build -c release --product dashboard-bench && .build/release/dashboard-bench

import AgentCatalog
import AgentRuntime
import Foundation
import HostHTTP
import HostProtocol
import WorkflowHosting
import Logging
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore

/// Completes every attempt at once, except the paced agents (`p*`), which take 5.5 ms.
struct BenchRunner: AgentRunner {
    func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        if request.manifest.name.hasPrefix("p") { usleep(5_500) }
        return AttemptResult(outcome: .succeeded(["ok": true]))
    }
}

func manifest(_ name: String, _ dependencies: [String], order: Int, estimate: Double = 0.01) -> Manifest {
    Manifest(
        name: name, library: "none.so", dependencies: dependencies.map { .agent($0) }, estimateSeconds: estimate,
        timeoutSeconds: 600, source: ManifestSource(file: "bench/\(name).json", order: order))
}

var generator = SplitMix64(seed: 11)
var manifests: [Manifest] = []
for group in 0..<100 {
    for index in 0..<100 {
        let dependencies =
            group == 0
            ? [] : Array(Set((0..<2).map { _ in "g\(group - 1)_\(Int.random(in: 0..<100, using: &generator))" })).sorted()
        manifests.append(manifest("g\(group)_\(index)", dependencies, order: manifests.count))
    }
}
// The paced workflow: a root and 3,000 agents after it, 4 at a time, 5.5 ms each: ~1,000 events/s here.
manifests.append(manifest("proot", [], order: manifests.count))
for index in 0..<3_000 { manifests.append(manifest("p\(index)", ["proot"], order: manifests.count, estimate: 0.008)) }

var logger = Logger(label: "dashboard-bench")
logger.logLevel = .warning
let folder = NSTemporaryDirectory() + "dashboard-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
let store = try SQLiteStore(path: folder + "/state.sqlite")
let backend = ExecutorBackend(store: store, runner: BenchRunner(), logger: logger)
let catalog = Catalog(agents: manifests)
let directory = AgentDirectory { DiscoveryResult(catalog: catalog, problems: [], manifestFiles: [], templateFiles: []) }
let big = try Planner(catalog: catalog).plan(
    WorkflowRequest(goal: .agents(manifests.filter { $0.name.hasPrefix("g") }.map(\.name)), maxConcurrency: 4))
let started = Date()
let bigId = try backend.start(plan: big, catalog: catalog, baseDirectory: folder)
while !(try backend.status(workflowId: bigId).state.isFinished) { usleep(20_000) }
let events = try backend.status(workflowId: bigId).lastSequence
print(
    "dashboard-bench: 10,000 agents (100 groups of 100, ~20,000 dependencies) ran in "
        + String(format: "%.1f s", Date().timeIntervalSince(started)) + ", \(events) events recorded")

let server = DashboardServer(
    configuration: DashboardConfiguration(port: 0, artifactsRoot: folder + "/runs"), directory: directory,
    backend: backend, store: store, logger: logger)
let listening = DispatchSemaphore(value: 0)
nonisolated(unsafe) var port = 0
let serving = Task.detached {
    try await server.run { bound in
        port = bound
        listening.signal()
    }
}
listening.wait()
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("measure.py").path
let measure = Process()
measure.executableURL = URL(fileURLWithPath: "/usr/bin/env")
measure.arguments = ["python3", script, "http://127.0.0.1:\(port)", bigId, "\(events)"]
measure.environment = ProcessInfo.processInfo.environment.merging(["SE_OFFLINE": "true"]) { $1 }
try measure.run()
measure.waitUntilExit()
serving.cancel()
exit(measure.terminationStatus)
