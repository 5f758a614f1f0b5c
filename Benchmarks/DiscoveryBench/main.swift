// Times manifest discovery: read, parse, validate and index 1,000 generated manifests.
// Reproduce with: swift run -c release discovery-bench [COUNT] [RUNS]
import AgentCatalog
import Foundation

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let count = arguments.first ?? 1_000
let runs = arguments.dropFirst().first ?? 15

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

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("discovery-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
defer { try? FileManager.default.removeItem(atPath: folder) }
for index in 0..<count {
    let path = "\(folder)/agent_\(String(format: "%05d", index)).json"
    try Data(manifestText(index).utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
}

let clock = ContinuousClock()
var timings: [Duration] = []
var last: DiscoveryResult?
for _ in 0..<runs {
    let elapsed = clock.measure { last = ManifestDiscovery.discover(folders: [folder]) }
    timings.append(elapsed)
}
guard let result = last, result.problems.isEmpty, result.catalog.agents.count == count else {
    let problems = last?.problems.prefix(5).map(\.description).joined(separator: "\n") ?? ""
    FileHandle.standardError.write(Data("discovery-bench: generated manifests were not all valid\n\(problems)\n".utf8))
    exit(1)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
}
let sorted = timings.map(milliseconds).sorted()
let median = sorted[sorted.count / 2]
print("discover+parse+validate \(count) manifests (\(runs) runs): median \(String(format: "%.2f", median)) ms, "
    + "min \(String(format: "%.2f", sorted.first!)) ms, max \(String(format: "%.2f", sorted.last!)) ms "
    + "(target < 100 ms for 1,000)")
print("reproduce: swift run -c release discovery-bench [COUNT] [RUNS]")
