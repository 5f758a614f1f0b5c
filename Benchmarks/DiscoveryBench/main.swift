// discovery-bench: how long discovery takes (list, read, parse, validate and index generated
// manifest files) in process, and how long `agenthost plan` takes on the same files as a
// whole process (process start, discovery, planning, printing the plan table to /dev/null).
//
//   swift run -c release discovery-bench                  # 1,000, 10,000 and 100,000 files
//   swift run -c release discovery-bench 100000           # chosen sizes only
//   swift run -c release discovery-bench 1000 --runs 15   # runs per size (default 15 / 5 / 3)
//
// The whole-process rows need `agenthost` built next to this benchmark (`swift build -c release`
// builds both); they are skipped, with a note, when it is missing. The manifests form a chain
// (agent_i needs agent_{i-1}) with soft, capability and optional dependencies besides, so the
// plan of the request `{"goal": {"agents": ["agent_<last>"]}}` contains every agent.
import AgentCatalog
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let runsOption = arguments.firstIndex(of: "--runs").flatMap { arguments.count > $0 + 1 ? Int(arguments[$0 + 1]) : nil }
let sizes: [Int] = {
    var values: [Int] = []
    var index = 0
    while index < arguments.count {
        if arguments[index] == "--runs" {
            index += 2
            continue
        }
        if let value = Int(arguments[index]) { values.append(value) }
        index += 1
    }
    return values.isEmpty ? [1_000, 10_000, 100_000] : values
}()

/// Manifest `index`: depends on up to three earlier agents (hard, soft, optional) and on a
/// capability an earlier agent provides, so cross-file validation has real work to do.
func manifestText(_ index: Int) -> String {
    var dependencies: [String] = []
    if index >= 1 { dependencies.append("\"agent_\(index - 1)\"") }
    if index >= 7 { dependencies.append("{\"agent\": \"agent_\(index / 2)\", \"type\": \"soft\"}") }
    if index >= 13 { dependencies.append("{\"capability\": \"capability_\((index - 13) % 50)\", \"type\": \"hard\"}") }
    dependencies.append("{\"agent\": \"absent_\(index)\", \"type\": \"optional\"}")
    return """
        {
          "manifest_version": 1,
          "name": "agent_\(index)",
          "version": "1.\(index % 10).0",
          "description": "Generated agent number \(index) for the discovery benchmark",
          "library": "libAgent\(index).so",
          "kind": "agent-v1",
          "capabilities": ["capability_\(index % 50)", "skill_\(index)"],
          "dependencies": [\(dependencies.joined(separator: ", "))],
          "outputs": ["output_\(index)"],
          "estimate_seconds": \(30 + index % 300),
          "parallel_safe": \(index % 3 != 0),
          "max_retries": \(index % 4),
          "timeout_seconds": 1800,
          "resources": {"llm": \(index % 2)},
          "alternatives": [\(index >= 2 ? "\"agent_\(index - 2)\"" : "")],
          "isolation": "\(index % 5 == 0 ? "process" : "in-process")",
          "sha256": null,
          "config": {"temperature": 0.\(index % 10), "tags": ["a", "b", "c"]}
        }
        """
}

/// A fresh folder of `count` generated manifests (mode 0644 in a 0755 folder, as discovery
/// requires) and a request planning all of them.
func generate(count: Int) throws -> (folder: String, request: String) {
    let folder = NSTemporaryDirectory() + "discovery-bench-\(getpid())-\(count)"
    try? FileManager.default.removeItem(atPath: folder)
    let manifests = folder + "/manifests"
    try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
    for path in [folder, manifests] { chmod(path, 0o755) }
    for index in 0..<count {
        let path = "\(manifests)/agent_\(String(format: "%06d", index)).json"
        guard FileManager.default.createFile(atPath: path, contents: Data(manifestText(index).utf8)) else {
            throw BenchError("cannot write \(path)")
        }
        chmod(path, 0o644)
    }
    let request = folder + "/request.json"
    let text = "{\"goal\": {\"agents\": [\"agent_\(count - 1)\"]}, \"strategy\": \"adaptive\", \"max_concurrency\": 4}\n"
    guard FileManager.default.createFile(atPath: request, contents: Data(text.utf8)) else {
        throw BenchError("cannot write \(request)")
    }
    return (folder, request)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Milliseconds of `duration`.
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
}

/// "min / median / max" of `values` in ms.
func spread(_ values: [Double]) -> String {
    let sorted = values.sorted()
    func text(_ value: Double) -> String { value < 100 ? String(format: "%.1f", value) : String(format: "%.0f", value) }
    return "\(text(sorted[0])) / \(text(sorted[sorted.count / 2])) / \(text(sorted[sorted.count - 1]))"
}

/// This process's peak resident set so far, in MiB.
func peakMiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss / 1024
}

/// The `agenthost` binary next to this benchmark's, if built.
func agenthostBinary() -> String? {
    guard let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
    let path = (me as NSString).deletingLastPathComponent + "/agenthost"
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
}

/// Runs `binary arguments` in `directory` with stdout to /dev/null; wall time (ms) and the
/// child's peak RSS (MiB).
func runProcess(_ binary: String, _ arguments: [String], in directory: String) throws -> (ms: Double, peakMiB: Int) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    // The child starts in `directory` (no store there: plan reads none).
    let previous = FileManager.default.currentDirectoryPath
    guard chdir(directory) == 0 else { throw BenchError("cannot enter \(directory)") }
    defer { _ = chdir(previous) }
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    // Without AGENTHOST_MANIFEST_PATH or AGENTHOST_DB from the caller's shell: only --manifests counts.
    let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AGENTHOST_") }
        .map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in environment { free(pointer) } }
    let clock = ContinuousClock()
    let start = clock.now
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environment)
    guard spawned == 0 else { throw BenchError("cannot start \(binary): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let elapsed = clock.now - start
    guard status == 0 else { throw BenchError("\(binary) \(arguments.joined(separator: " ")) exited with status \(status)") }
    return (milliseconds(elapsed), usage.ru_maxrss / 1024)
}

print("discovery-bench: generated manifests (chain + soft + capability + optional dependencies)")
print("times in ms: min / median / max over runs; peak RSS in MiB\n")
let binary = agenthostBinary()
var rows: [String] = []
for count in sizes {
    let runs = runsOption ?? (count >= 100_000 ? 3 : count >= 10_000 ? 5 : 15)
    let (folder, request) = try generate(count: count)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let manifests = folder + "/manifests"

    let clock = ContinuousClock()
    var timings: [Double] = []
    var last: DiscoveryResult?
    for _ in 0..<runs {
        last = nil
        timings.append(milliseconds(clock.measure { last = ManifestDiscovery.discover(folders: [manifests]) }))
    }
    guard let result = last, result.problems.isEmpty, result.catalog.agents.count == count else {
        let problems = last?.problems.prefix(5).map(\.description).joined(separator: "\n") ?? ""
        throw BenchError("generated manifests were not all valid\n\(problems)")
    }
    last = nil
    print("discover \(count) files in process (\(runs) runs): \(spread(timings)) ms, peak RSS \(peakMiB()) MiB")

    guard let binary else {
        print("agenthost plan: skipped, build agenthost first (swift build -c release)")
        continue
    }
    var wall: [Double] = []
    var peaks: [Int] = []
    for _ in 0..<runs {
        let run = try runProcess(binary, ["plan", request, "--manifests", manifests], in: folder)
        wall.append(run.ms)
        peaks.append(run.peakMiB)
    }
    print("agenthost plan on \(count) files, whole process (\(runs) runs): \(spread(wall)) ms, peak RSS \(peaks.max()!) MiB")
}
print("\nreproduce: swift run -c release discovery-bench [COUNT ...] [--runs N]  (load: see `uptime`)")
