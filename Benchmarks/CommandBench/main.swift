// command-bench: what one call of a `kind: "command"` agent costs (docs/PLUGIN_ABI.md,
// "Command agents"): a one-shot call (fork + exec + pipes + wait, every time) against a
// persistent one (one JSON line each way to a process that stays up).
//
// Reproduce: swift run -c release command-bench [--calls N]
import AgentCatalog
import AgentRuntime
import Foundation
import Logging

/// A context that drops what the agent reports.
struct QuietContext: AgentCallContext {
    func log(_ level: AgentLogLevel, _ message: String) {}
    func progress(_ fraction: Double, _ message: String?) {}
    var isCancelled: Bool { false }
}

/// One measured agent: the manifest and how many calls to time.
struct Case {
    var label: String
    var spec: CommandSpec
    var calls: Int
}

let arguments = CommandLine.arguments
let scale = arguments.firstIndex(of: "--calls").flatMap { Int(arguments[$0 + 1]) } ?? 400
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let folder = NSTemporaryDirectory() + "command-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: folder) }
let echoLoop = #"while IFS= read -r line; do printf '{"output":%s}\n' "$line"; done"#
let python = repository + "/Plugins/Python/keywords_agent.py"
let cases = [
    Case(label: "one-shot `cat` (spawn floor)", spec: CommandSpec(command: "cat"), calls: scale),
    Case(
        label: "one-shot Python (agenthost_agent.py)", spec: CommandSpec(command: "python3", arguments: [python]),
        calls: max(10, scale / 10)),
    Case(
        label: "persistent sh read loop",
        spec: CommandSpec(command: "sh", arguments: ["-c", echoLoop], persistent: true),
        calls: scale * 5),
    Case(
        label: "persistent Python (agenthost_agent.py)",
        spec: CommandSpec(command: "python3", arguments: [python], persistent: true), calls: scale * 5),
]
let runtime = AgentRuntime(searchPaths: PluginSearchPaths(pluginFolders: []), logger: Logger(label: "command-bench"))
let input = Array(
    #"{"workflow_id":"bench","agent":"bench","attempt":1,"campaign":{"title":"t"},"inputs":{"writer":{"blog_content":{"markdown":"Solar panels on school roofs."}}}}"#
        .utf8)
let stop = CommandStop(grace: 1, register: { _ in })
print("command-bench: cost of one command-agent call, \(ProcessInfo.processInfo.activeProcessorCount) cores")
print("label".padding(toLength: 42, withPad: " ", startingAt: 0) + "calls     median        p90")
for (index, benchCase) in cases.enumerated() {
    var manifest = Manifest(
        name: "bench\(index)", kind: .command, capabilities: [], isolation: .process,
        source: ManifestSource(file: folder + "/bench\(index).json", order: index))
    manifest.command = benchCase.spec
    let agent = try runtime.load(manifest)
    // One warm-up call starts a persistent process and pages the program in.
    _ = agent.runCommand(inputBytes: input, context: QuietContext(), stop: stop)
    var samples: [Double] = []
    for _ in 0..<benchCase.calls {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = agent.runCommand(inputBytes: input, context: QuietContext(), stop: stop)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        if case .failed(let message, _) = result?.outcome { fatalError("\(benchCase.label): \(message)") }
    }
    samples.sort()
    let median = samples[samples.count / 2]
    let p90 = samples[samples.count * 9 / 10]
    func text(_ micros: Double) -> String {
        (micros >= 1000 ? String(format: "%.2f ms", micros / 1000) : String(format: "%.0f µs", micros))
            .padding(toLength: 11, withPad: " ", startingAt: 0)
    }
    print(
        benchCase.label.padding(toLength: 42, withPad: " ", startingAt: 0)
            + String(benchCase.calls).padding(toLength: 10, withPad: " ", startingAt: 0) + text(median) + "  "
            + text(p90))
}
runtime.shutdownAll()
print("reproduce: swift run -c release command-bench --calls \(scale)")
