// userpath-bench: what a user's `agenthost run REQUEST --manifests DIR` costs as a whole
// process, per agent, on generated manifests; `agenthost plan` on many manifest files; and the
// adaptive makespan of executor-bench's 200-agent random DAG run through the CLI.
// Reproduce: swift build -c release && .build/release/userpath-bench [run|plan|makespan]...
//            [--agents N] [--reps R] [--plan-sizes 1000,10000,100000]
// With no section named, every section runs.
//
// Per-agent cost = (wall time of the process at N agents - at 1 agent) / N, so process
// start-up, discovery of one file, planning and the summary of one agent cancel out; each rep
// runs both, and min/median/max are over the reps. Peak memory is the child's ru_maxrss
// (wait4). The agents are real: agent-v1 agents of libTestExecAgent.so's `exec_entry_any`
// (a descriptor named "*", so one library serves every generated name; config {"noop":true}
// answers {} at once), or c-function agents (`cft_int32` of libTestCFunctionTypes.so copied
// into the manifest folder, or libc's `abs` by soname). stdout goes to a file (the CLI's
// plain one-line-per-event output, as when piped), stderr to another.
import AgentCatalog
import Foundation
import WorkflowPlanning

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Options

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
let agentCount = option("--agents").flatMap(Int.init) ?? 10_000
let reps = max(1, option("--reps").flatMap(Int.init) ?? 5)
let planSizes = (option("--plan-sizes") ?? "1000,10000,100000").split(separator: ",").compactMap { Int($0) }
let sections = Set(arguments.filter { ["run", "plan", "makespan"].contains($0) })
func wanted(_ section: String) -> Bool { sections.isEmpty || sections.contains(section) }

let buildFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
let agenthost = buildFolder + "/agenthost"
for file in [agenthost, buildFolder + "/libTestExecAgent.so", buildFolder + "/libTestCFunctionTypes.so"]
where !FileManager.default.fileExists(atPath: file) {
    FileHandle.standardError.write(Data("userpath-bench: \(file) is missing; run `swift build -c release` first\n".utf8))
    exit(2)
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("userpath-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

// MARK: - Generated manifests

enum Shape: String { case chain, fanOut = "fan-out", randomDAG = "random DAG" }

enum AgentKind {
    /// agent-v1, libTestExecAgent.so's `exec_entry_any`, with this `config`.
    case agentV1(config: String)
    /// c-function `cft_int32` of libTestCFunctionTypes.so, copied into the manifest folder.
    case cFunctionInFolder
    /// c-function libc `abs`, by soname (the system loader finds it).
    case cFunctionBySoname

    var label: String {
        switch self {
        case .agentV1: "agent-v1 plugin"
        case .cFunctionInFolder: "c-function, manifest folder"
        case .cFunctionBySoname: "c-function, soname (libc)"
        }
    }
}

/// `name`'s dependencies in a graph of `count` agents of `shape` (seeded: the same every run).
func dependencies(_ shape: Shape, count: Int) -> [[Int]] {
    switch shape {
    case .chain: return (0..<count).map { $0 == 0 ? [] : [$0 - 1] }
    case .fanOut: return (0..<count).map { $0 == 0 ? [] : [0] }
    case .randomDAG:
        var generator = SplitMix64(seed: 7)
        return (0..<count).map { index in
            guard index > 0 else { return [] }
            let picks = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                Int.random(in: max(0, index - 50)..<index, using: &generator)
            }
            return Array(Set(picks)).sorted()
        }
    }
}

func manifestJSON(name: String, dependencies: [String], kind: AgentKind, estimate: Double) -> String {
    let deps = "[" + dependencies.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    let common =
        "\"manifest_version\":1,\"name\":\"\(name)\",\"version\":\"1.0.0\",\"capabilities\":[],"
        + "\"dependencies\":\(deps),\"estimate_seconds\":\(estimate)"
    switch kind {
    case .agentV1(let config):
        return "{\(common),\"library\":\"libTestExecAgent.so\",\"entry\":\"exec_entry_any\",\"config\":\(config)}"
    case .cFunctionInFolder, .cFunctionBySoname:
        let inFolder: Bool
        if case .cFunctionInFolder = kind { inFolder = true } else { inFolder = false }
        let (library, symbol) = inFolder ? ("libTestCFunctionTypes.so", "cft_int32") : ("libc.so.6", "abs")
        return "{\(common),\"library\":\"\(library)\",\"kind\":\"c-function\",\"symbol\":\"\(symbol)\","
            + "\"signature\":{\"arguments\":[{\"name\":\"x\",\"type\":\"int32\"}],"
            + "\"returns\":{\"type\":\"int32\",\"output\":\"x\"}}}"
    }
}

/// A folder of manifests and a request naming every agent as its goal; returns (folder, request).
func generate(
    _ shape: Shape, count: Int, kind: AgentKind, maxConcurrency: Int = 4,
    estimates: [Double]? = nil, configs: [String]? = nil, graph: [[Int]]? = nil
) throws -> (String, String) {
    let folder = scratch + "/\(shape.rawValue.replacingOccurrences(of: " ", with: "-"))-\(count)-\(UUID().uuidString.prefix(8))"
    let manifests = folder + "/manifests"
    try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
    if case .cFunctionInFolder = kind {
        let copy = manifests + "/libTestCFunctionTypes.so"
        try FileManager.default.copyItem(atPath: buildFolder + "/libTestCFunctionTypes.so", toPath: copy)
        chmod(copy, 0o755)
    }
    let edges = graph ?? dependencies(shape, count: count)
    for index in 0..<count {
        var agentKind = kind
        if let configs, case .agentV1 = kind { agentKind = .agentV1(config: configs[index]) }
        let text = manifestJSON(
            name: "a\(index)", dependencies: edges[index].map { "a\($0)" }, kind: agentKind,
            estimate: estimates?[index] ?? 0.001)
        try Data(text.utf8).write(to: URL(fileURLWithPath: manifests + "/a\(index).json"))
    }
    let goal = (0..<count).map { "\"a\($0)\"" }.joined(separator: ",")
    let request =
        "{\"campaign\":{\"x\":7},\"goal\":{\"agents\":[\(goal)]},\"strategy\":\"adaptive\","
        + "\"recovery\":\"abort\",\"max_concurrency\":\(maxConcurrency)}"
    let requestFile = folder + "/request.json"
    try Data(request.utf8).write(to: URL(fileURLWithPath: requestFile))
    return (manifests, requestFile)
}

// MARK: - Running the binary

struct ChildRun {
    let seconds: Double
    let peakRSSKiB: Int
    let status: Int32
    let stdoutFile: String
    let stderrFile: String
}

/// Runs `agenthost arguments...` with stdout and stderr to files; wall time and ru_maxrss.
func runAgenthost(_ args: [String], in folder: String) -> ChildRun {
    let out = folder + "/stdout-\(UUID().uuidString.prefix(8))"
    let err = folder + "/stderr-\(UUID().uuidString.prefix(8))"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv: [UnsafeMutablePointer<CChar>?] = ([agenthost] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let spawned = posix_spawn(&pid, agenthost, &actions, nil, argv, environ)
    guard spawned == 0 else { fatalError("posix_spawn \(agenthost): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ChildRun(seconds: seconds, peakRSSKiB: Int(usage.ru_maxrss), status: exitCode, stdoutFile: out, stderrFile: err)
}

/// `agenthost run` of the request with the store off or on (a fresh database each time).
func run(_ generated: (String, String), store: Bool, extra: [String] = []) -> ChildRun {
    let folder = (generated.1 as NSString).deletingLastPathComponent
    var args = ["run", generated.1, "--manifests", generated.0, "--out", folder + "/runs"]
    args += store ? ["--db", folder + "/state-\(UUID().uuidString.prefix(8)).sqlite"] : ["--no-store"]
    let result = runAgenthost(args + extra, in: folder)
    guard result.status == 0 else {
        let text = (try? String(contentsOfFile: result.stderrFile, encoding: .utf8)) ?? ""
        let tail = (try? String(contentsOfFile: result.stdoutFile, encoding: .utf8))?.suffix(600) ?? ""
        fatalError("agenthost \(args.joined(separator: " ")) exited \(result.status):\n\(text.suffix(2000))\n\(tail)")
    }
    try? FileManager.default.removeItem(atPath: result.stdoutFile)
    try? FileManager.default.removeItem(atPath: result.stderrFile)
    return result
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3)
        .joined(separator: " ")
}
func mib(_ kib: Int) -> String { String(format: "%.1f", Double(kib) / 1024) }
func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }

print("userpath-bench: the release `agenthost` as a whole process (\(agenthost))")
print("load average at start: \(loadAverage())")

// MARK: - Per-agent cost of `agenthost run`

if wanted("run") {
    print("")
    print("agenthost run, \(agentCount) agents, adaptive, max_concurrency 4; per agent = (T(N) - T(1)) / N; \(reps) reps")
    print(
        pad("graph", 11) + pad("agents", 29) + pad("store", 7) + "µs/agent min / median / max   "
            + "T(N) median s  peak RSS MiB")
    print(String(repeating: "-", count: 11 + 29 + 7 + 30 + 15 + 12))
    let rows: [(Shape, AgentKind)] = [
        (.chain, .agentV1(config: "{\"noop\":true}")), (.fanOut, .agentV1(config: "{\"noop\":true}")),
        (.randomDAG, .agentV1(config: "{\"noop\":true}")), (.chain, .cFunctionInFolder), (.chain, .cFunctionBySoname),
    ]
    for (shape, kind) in rows {
        let one = try generate(shape, count: 1, kind: kind)
        let many = try generate(shape, count: agentCount, kind: kind)
        for store in [false, true] {
            _ = run(many, store: store)  // warm the page cache
            var perAgent: [Double] = []
            var totals: [Double] = []
            var peak = 0
            for _ in 0..<reps {
                let small = run(one, store: store)
                let large = run(many, store: store)
                perAgent.append((large.seconds - small.seconds) / Double(agentCount) * 1e6)
                totals.append(large.seconds)
                peak = max(peak, large.peakRSSKiB)
            }
            let sorted = perAgent.sorted()
            print(
                pad(shape.rawValue, 11) + pad(kind.label, 29) + pad(store ? "on" : "off", 7)
                    + pad(String(format: "%.1f / %.1f / %.1f", sorted[0], median(sorted), sorted[sorted.count - 1]), 30)
                    + pad(String(format: "%.3f", median(totals)), 15) + mib(peak))
        }
    }
    print("(peak RSS: the largest ru_maxrss of the N-agent runs; load average now \(loadAverage()))")
}

// MARK: - `agenthost plan` on many manifest files

if wanted("plan") {
    print("")
    print("agenthost plan on N manifest files (agent-v1 chain, goal naming every agent); \(reps) reps")
    print(pad("files", 9) + pad("seconds min / median / max", 30) + "peak RSS MiB (max)")
    print(String(repeating: "-", count: 9 + 30 + 18))
    for size in planSizes {
        let generated = try generate(.chain, count: size, kind: .agentV1(config: "{\"noop\":true}"))
        let folder = (generated.1 as NSString).deletingLastPathComponent
        let args = ["plan", generated.1, "--manifests", generated.0, "--no-store", "--format", "json"]
        _ = runAgenthost(args, in: folder)
        var times: [Double] = []
        var peak = 0
        for _ in 0..<reps {
            let result = runAgenthost(args, in: folder)
            guard result.status == 0 else {
                fatalError("agenthost plan exited \(result.status): " + ((try? String(contentsOfFile: result.stderrFile, encoding: .utf8)) ?? ""))
            }
            times.append(result.seconds)
            peak = max(peak, result.peakRSSKiB)
        }
        let sorted = times.sorted()
        print(
            pad("\(size)", 9)
                + pad(String(format: "%.3f / %.3f / %.3f", sorted[0], median(sorted), sorted[sorted.count - 1]), 30)
                + mib(peak))
        try? FileManager.default.removeItem(atPath: folder)
    }
    print("(load average now \(loadAverage()))")
}

// MARK: - Issue 12: adaptive makespan through the CLI

if wanted("makespan") {
    // executor-bench's DAG, generated the same way (seed 42): 200 agents, 0-3 dependencies
    // among the 30 before, 5-50 ms each; here each agent is a real plugin that sleeps.
    var generator = SplitMix64(seed: 42)
    var graph: [[Int]] = []
    var milliseconds: [Int] = []
    for index in 0..<200 {
        var picks: Set<Int> = []
        if index > 0 {
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                picks.insert(Int.random(in: max(0, index - 30)..<index, using: &generator))
            }
        }
        // executor-bench sorts its dependency names as strings; the set of edges is the same.
        graph.append(picks.sorted())
        milliseconds.append(Int.random(in: 5...50, using: &generator))
    }
    var finish = [Double](repeating: 0, count: 200)
    for index in 0..<200 {
        finish[index] = Double(milliseconds[index]) / 1000 + (graph[index].map { finish[$0] }.max() ?? 0)
    }
    let criticalPath = finish.max() ?? 0
    let work = Double(milliseconds.reduce(0, +)) / 1000
    let bound = max(criticalPath, work / 4)
    let generated = try generate(
        .randomDAG, count: 200, kind: .agentV1(config: ""), estimates: milliseconds.map { Double($0) / 1000 },
        configs: milliseconds.map { "{\"sleep_ms\":\($0)}" }, graph: graph)
    print("")
    print(
        "200-agent random DAG of executor-bench (seed 42, 5-50 ms sleeps) through `agenthost run --json`, adaptive, "
            + "max_concurrency 4")
    print(
        String(
            format: "work %.3f s, critical path %.3f s, bound max(cp, work/4) = %.3f s; %d reps", work, criticalPath,
            bound, reps))
    print(pad("store", 7) + pad("makespan s (median)", 21) + pad("vs bound", 10) + pad("min / max vs bound", 22) + "whole process s")
    print(String(repeating: "-", count: 7 + 21 + 10 + 22 + 15))
    for store in [false, true] {
        var spans: [Double] = []
        var wholes: [Double] = []
        for _ in 0..<reps {
            let folder = (generated.1 as NSString).deletingLastPathComponent
            var args = ["run", generated.1, "--manifests", generated.0, "--out", folder + "/runs", "--json"]
            args += store ? ["--db", folder + "/state-\(UUID().uuidString.prefix(8)).sqlite"] : ["--no-store"]
            let result = runAgenthost(args, in: folder)
            guard result.status == 0, let text = try? String(contentsOfFile: result.stdoutFile, encoding: .utf8) else {
                fatalError("makespan run exited \(result.status)")
            }
            // The workflow's own span: workflow.started to its final event, from the event stream.
            var started: Double?
            var ended: Double?
            for line in text.split(separator: "\n") {
                guard let event = try? JSONValue(parsing: String(line)), let type = event["type"]?.stringValue,
                    let time = event["timestamp"]?.doubleValue
                else { continue }
                if type == "workflow.started" { started = time }
                if type == "workflow.completed" { ended = time }
            }
            guard let started, let ended else { fatalError("no workflow.started / workflow.completed in the events") }
            spans.append(ended - started)
            wholes.append(result.seconds)
        }
        let sorted = spans.sorted()
        print(
            pad(store ? "on" : "off", 7) + pad(String(format: "%.3f", median(sorted)), 21)
                + pad(String(format: "%+.1f %%", (median(sorted) / bound - 1) * 100), 10)
                + pad(
                    String(format: "%+.1f / %+.1f %%", (sorted[0] / bound - 1) * 100, (sorted[sorted.count - 1] / bound - 1) * 100),
                    22) + String(format: "%.3f", median(wholes)))
    }
    print("(makespan: workflow.started to workflow.completed; whole process: spawn to exit; load average now \(loadAverage()))")
}
