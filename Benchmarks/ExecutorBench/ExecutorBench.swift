// executor-bench: per-agent overhead of WorkflowExecutor, with the store off and on, and
// adaptive makespan quality.
// Reproduce: swift build -c release && swift run -c release executor-bench [store|memory]
// (`store`: only the store-on rows; `memory`: only the store-off rows; neither: everything.)
import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore

/// A runner that does nothing: measures the executor alone.
struct NoOpRunner: AgentRunner {
    func runAttempt(_ request: AttemptRequest) -> AttemptResult { AttemptResult(outcome: .succeeded([:])) }
}

/// Every agent is served by one loaded C plugin (libTestExecAgent.so, `noop` mode): the real
/// ABI call with the agent input serialized and the output parsed, without loading 10,000
/// agents (userpath-bench loads them all, through `agenthost run`).
struct PluginNoOpRunner: AgentRunner {
    let agent: LoadedAgent
    func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        AttemptResult(outcome: agent.run(inputBytes: request.inputBytes, context: request.context))
    }
}

/// Sleeps for the agent's estimate.
struct SleepingRunner: AgentRunner {
    func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        usleep(UInt32(request.manifest.estimateSeconds * 1_000_000))
        return AttemptResult(outcome: .succeeded([:]))
    }
}

/// Forwards to the store and counts record() calls (one transaction each).
final class CountingRecorder: WorkflowRecorder, @unchecked Sendable {
    let store: SQLiteStore
    private let lock = NSLock()
    private var calls = 0
    init(_ store: SQLiteStore) { self.store = store }
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return calls
    }
    func record(_ events: [WorkflowEvent]) throws {
        lock.lock()
        calls += 1
        lock.unlock()
        try store.record(events)
    }
    func heartbeat(workflowId: String, timestamp: Double) throws {
        try store.heartbeat(workflowId: workflowId, timestamp: timestamp)
    }
}

/// record() calls of the last store-on run.
nonisolated(unsafe) var lastRecordCalls = 0


let logger = Logger(label: "executor-bench")

func manifest(_ name: String, _ dependencies: [String], estimate: Double, order: Int) -> Manifest {
    Manifest(
        name: name, library: "none.so", dependencies: dependencies.map { .agent($0) }, estimateSeconds: estimate,
        timeoutSeconds: 600, source: ManifestSource(file: "bench/\(name).json", order: order))
}

func plan(_ manifests: [Manifest], strategy: Strategy, concurrency: Int) -> (Catalog, Planner, ExecutionPlan) {
    let catalog = Catalog(agents: manifests)
    let planner = Planner(catalog: catalog)
    let request = WorkflowRequest(goal: .agents(manifests.map(\.name)), strategy: strategy, maxConcurrency: concurrency)
    do {
        return (catalog, planner, try planner.plan(request))
    } catch {
        fatalError("planning failed: \(error)")
    }
}

/// How a run records: not at all, committing each burst before its plugin is called, or
/// through the commit pipeline (`ExecutorOptions.pipelinedCommits`).
enum Recording: String { case off, on, pipe }

/// Seconds to run `plan` start to finish; with a store, every event is recorded in a fresh
/// SQLite store (WAL, synchronous=NORMAL) in a temporary folder, opened before the clock starts.
func execute(_ planned: (Catalog, Planner, ExecutionPlan), runner: any AgentRunner, recording: Recording = .off) -> Double {
    let store = recording != .off
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("executor-bench-\(UUID().uuidString)")
    defer { if store { try? FileManager.default.removeItem(at: folder) } }
    var recorder: CountingRecorder?
    if store {
        do {
            recorder = CountingRecorder(try SQLiteStore(path: folder.appendingPathComponent("state.sqlite").path))
        } catch {
            fatalError("cannot open the bench store: \(error)")
        }
    }
    let executor = WorkflowExecutor(
        catalog: planned.0, runner: runner, recorder: recorder, planner: planned.1,
        options: ExecutorOptions(artifactsRoot: "/tmp/executor-bench", pipelinedCommits: recording == .pipe),
        logger: logger)
    let start = DispatchTime.now().uptimeNanoseconds
    let status = executor.start(plan: planned.2, workflowId: "bench").wait()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    lastRecordCalls = recorder?.count ?? 0
    guard status.state == .completed else {
        fatalError("bench workflow ended \(status.state): \(status.message ?? "")")
    }
    return seconds
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// User + system CPU seconds this process has used so far, all threads.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

// MARK: - Per-agent overhead

let count = 10_000
/// `executor-bench store` / `executor-bench memory`: only the store-on / store-off rows, no makespan.
let onlyStore: Bool? =
    CommandLine.arguments.dropFirst().first.flatMap { ["store": true, "memory": false][$0] }
let chain = (0..<count).map { manifest("a\($0)", $0 == 0 ? [] : ["a\($0 - 1)"], estimate: 0.001, order: $0) }
let fanOut =
    [manifest("root", [], estimate: 0.001, order: 0)]
    + (1..<count).map { manifest("a\($0)", ["root"], estimate: 0.001, order: $0) }

var loadedNoop: LoadedAgent?
let folder = PluginSearchPaths.currentExecutableFolder() ?? "."
if FileManager.default.fileExists(atPath: folder + "/libTestExecAgent.so") {
    let runtime = AgentRuntime(searchPaths: PluginSearchPaths(pluginFolders: [folder]), logger: logger)
    loadedNoop = try? runtime.load(
        Manifest(
            name: "noop", library: "libTestExecAgent.so", entry: "exec_entry_noop", config: ["noop": true],
            source: ManifestSource(file: folder + "/noop.json", order: 0)))
}

print("executor-bench: \(count) no-op agents, adaptive, max_concurrency 4, median of 5 runs")
print("(store on: SQLiteStore in a temp folder, WAL, synchronous=NORMAL; every event recorded;")
print(" on: each burst committed before its plugin is called; pipe: the commit pipeline, pipelinedCommits)")
print("")
print("graph     runner                 store  µs/agent  CPU µs/a   total ms  of which plan  record() calls")
print("--------  ---------------------  -----  --------  --------  ---------  -------------  --------------")
for (name, manifests) in [("chain", chain), ("fan-out", fanOut)] {
    let planned = plan(manifests, strategy: .adaptive, concurrency: 4)
    var runners: [(String, any AgentRunner, Recording)] = []
    for recording in [Recording.off, .on, .pipe] {
        runners.append(("no-op (fake)", NoOpRunner(), recording))
        if let loadedNoop { runners.append(("C plugin (in-process)", PluginNoOpRunner(agent: loadedNoop), recording)) }
    }
    for (label, runner, recording) in runners where onlyStore == nil || onlyStore == (recording != .off) {
        let store = recording != .off
        _ = execute(planned, runner: runner, recording: recording)
        let cpuBefore = processCPUSeconds()
        let seconds = median((0..<5).map { _ in execute(planned, runner: runner, recording: recording) })
        // CPU of the whole process (every thread, user + system) per agent: robust to the
        // machine's load, where the wall clock is not.
        let cpu = (processCPUSeconds() - cpuBefore) / 5
        // workflow.started carries the whole plan as JSON: a one-off O(V) cost, shown apart.
        let snapshot = median(
            (0..<5).map { _ in
                let start = DispatchTime.now().uptimeNanoseconds
                _ = planned.2.json
                return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            })
        print(
            name.padding(toLength: 8, withPad: " ", startingAt: 0) + "  "
                + label.padding(toLength: 21, withPad: " ", startingAt: 0) + "  "
                + recording.rawValue.padding(toLength: 3, withPad: " ", startingAt: 0) + "    "
                + String(
                    format: "%8.2f  %8.2f  %9.1f  %13.2f  %14@", seconds * 1e6 / Double(count),
                    cpu * 1e6 / Double(count), seconds * 1000,
                    snapshot * 1e6 / Double(count), store ? "\(lastRecordCalls)" : "-"))
    }
}
print("(of which plan: µs per agent spent turning the plan into the JSON snapshot workflow.started carries)")
if loadedNoop == nil {
    print("(C plugin rows need libTestExecAgent.so beside the binary: run `swift build -c release` first)")
}

// MARK: - Makespan on a random DAG

if onlyStore != nil { exit(0) }

var generator = SplitMix64(seed: 42)
var dag: [Manifest] = []
for index in 0..<200 {
    var dependencies: Set<String> = []
    if index > 0 {
        for _ in 0..<Int.random(in: 0...3, using: &generator) {
            dependencies.insert("n\(Int.random(in: max(0, index - 30)..<index, using: &generator))")
        }
    }
    let ms = Double(Int.random(in: 5...50, using: &generator))
    dag.append(manifest("n\(index)", dependencies.sorted(), estimate: ms / 1000, order: index))
}
let work = dag.reduce(0) { $0 + $1.estimateSeconds }
let adaptivePlan = plan(dag, strategy: .adaptive, concurrency: 4)
let bound = max(adaptivePlan.2.criticalPathSeconds, work / 4)
print("")
print(
    "200-agent random DAG (seed 42, 5-50 ms sleeps, 4 workers): work \(String(format: "%.3f", work)) s, "
        + "critical path \(String(format: "%.3f", adaptivePlan.2.criticalPathSeconds)) s, "
        + "bound max(cp, work/4) = \(String(format: "%.3f", bound)) s")
print("")
print("strategy  makespan s  vs bound   (median of 3)")
print("--------  ----------  --------")
for strategy in [Strategy.adaptive, .parallel] {
    let planned = strategy == .adaptive ? adaptivePlan : plan(dag, strategy: strategy, concurrency: 4)
    let seconds = median((0..<3).map { _ in execute(planned, runner: SleepingRunner()) })
    print(
        strategy.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            + String(format: "  %10.3f  %+7.1f %%", seconds, (seconds / bound - 1) * 100))
}
print("")
print("reproduce: swift build -c release && swift run -c release executor-bench")
