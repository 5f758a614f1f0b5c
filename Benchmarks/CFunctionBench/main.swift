// cfunction-bench: the per-call overhead of a c-function agent (libffi) next to an agent-v1
// agent, both through LoadedAgent.run, the path the executor takes.
//
// Reproduce: swift build -c release && swift run -c release cfunction-bench
// (`swift build` builds the agent libraries the benchmark loads from its own folder).
import AgentCatalog
import AgentRuntime
import Foundation
import Logging

/// A call context that ignores logs and progress and is never cancelled.
struct QuietContext: AgentCallContext {
    func log(_ level: AgentLogLevel, _ message: String) {}
    func progress(_ fraction: Double, _ message: String?) {}
    var isCancelled: Bool { false }
}

/// One benchmarked agent: what it is, how it is declared.
struct Case {
    let label: String
    let manifest: Manifest
}

func cFunction(
    _ name: String, library: String, symbol: String, arguments: [(String, CFunctionSignature.CType)],
    returns: CFunctionSignature.CType, output: String
) -> Manifest {
    Manifest(
        name: name, library: library, kind: .cFunction,
        cFunction: CFunctionSignature(
            symbol: symbol, arguments: arguments.map { .init(name: $0.0, type: $0.1) },
            returns: .init(type: returns, output: output)),
        source: ManifestSource(file: FileManager.default.currentDirectoryPath + "/\(name).json", order: 0))
}

/// The median nanoseconds per call over `rounds` rounds of `calls` calls.
func measure(rounds: Int, calls: Int, _ body: () -> Void) -> Double {
    var perCall: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { body() }
        perCall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls))
    }
    return perCall.sorted()[rounds / 2]
}

func main() -> Int32 {
    let folder = PluginSearchPaths.currentExecutableFolder() ?? "."
    for library in ["libBenchNoopAgent.so", "libTestCFunctionTypes.so", "libTextStats.so"]
    where !FileManager.default.fileExists(atPath: folder + "/" + library) {
        FileHandle.standardError.write(
            Data("cfunction-bench: \(folder)/\(library) is missing; run `swift build -c release` first\n".utf8))
        return 1
    }
    let runtime = AgentRuntime(
        searchPaths: PluginSearchPaths(pluginFolders: [folder], executableFolder: folder),
        logger: Logger(label: "cfunction-bench"))
    let cases = [
        Case(
            label: "agent-v1 noop (BenchNoopAgent)",
            manifest: Manifest(
                name: "noop", library: "libBenchNoopAgent.so",
                source: ManifestSource(file: folder + "/noop.json", order: 0))),
        Case(
            label: "c-function int64 add (cft_add_int64)",
            manifest: cFunction(
                "add", library: "libTestCFunctionTypes.so", symbol: "cft_add_int64",
                arguments: [("a", .int64), ("b", .int64)], returns: .int64, output: "sum")),
        Case(
            label: "c-function cbrt (libm.so.6)",
            manifest: cFunction(
                "cbrt", library: "libm.so.6", symbol: "cbrt", arguments: [("x", .double)], returns: .double,
                output: "cube_root")),
        Case(
            label: "c-function word_count (TextStats)",
            manifest: cFunction(
                "word_count", library: "libTextStats.so", symbol: "word_count", arguments: [("text", .string)],
                returns: .int64, output: "word_count")),
    ]
    // One agent input for every case, shaped as the executor builds it; each agent reads
    // what it needs (a, b, x, text) from the top level.
    let input: JSONValue = [
        "workflow_id": "wf-bench", "agent": "bench", "attempt": 1,
        "campaign": ["title": "Solar for schools", "keywords": ["solar", "schools"]],
        "inputs": [:], "artifacts_dir": "/tmp/artifacts", "base_dir": "/tmp",
        "a": 40, "b": 2, "x": 27.0, "text": "Solar panels on every school roof cut the bills.",
    ]
    let context = QuietContext()
    let calls = 100_000
    let rounds = 7
    print(
        "cfunction-bench: median of \(rounds) rounds x \(calls) calls through LoadedAgent.run, "
            + "release build, one thread")
    print("")
    print("| agent                                  | ns per call | output")
    print("|----------------------------------------|-------------|------------------------------")
    for benchCase in cases {
        let agent: LoadedAgent
        do {
            agent = try runtime.load(benchCase.manifest)
        } catch {
            FileHandle.standardError.write(Data("cfunction-bench: \(error)\n".utf8))
            return 1
        }
        let outcome = agent.run(input: input, context: context)
        guard case .succeeded(let output) = outcome else {
            FileHandle.standardError.write(Data("cfunction-bench: \(benchCase.label) failed: \(outcome)\n".utf8))
            return 1
        }
        let nanoseconds = measure(rounds: rounds, calls: calls) { _ = agent.run(input: input, context: context) }
        let label = benchCase.label.padding(toLength: 38, withPad: " ", startingAt: 0)
        let figure = String(format: "%11.0f", nanoseconds)
        print("| \(label) | \(figure) | \(JSONValue.object(output).compactText)")
        guard benchCase.manifest.kind == .agentV1 else { continue }
        // The executor's path: the input arrives already serialized (run(inputBytes:)).
        let bytes = input.compactBytes
        let spliced = measure(rounds: rounds, calls: calls) { _ = agent.run(inputBytes: bytes, context: context) }
        let splicedLabel = "  same, input as bytes (executor path)".padding(toLength: 38, withPad: " ", startingAt: 0)
        print("| \(splicedLabel) | \(String(format: "%11.0f", spliced)) | (run(inputBytes:))")
    }
    print("")
    // The cost of loading an agent, as a chain of many c-function agents pays it once per agent:
    // each agent a new name (so a new load) naming the same library.
    let agentsPerLoadCase = 1_000
    print("Load cost: \(agentsPerLoadCase) agents loaded one after another, each naming the same library")
    print("")
    print("| library                                | µs per agent")
    print("|----------------------------------------|-------------")
    let loadCases: [(String, (Int) -> Manifest)] = [
        (
            "libTestCFunctionTypes.so (plugin dir)",
            { cFunction(
                "add_\($0)", library: "libTestCFunctionTypes.so", symbol: "cft_add_int64",
                arguments: [("a", .int64), ("b", .int64)], returns: .int64, output: "sum") }
        ),
        (
            "libm.so.6 (system loader, by soname)",
            { cFunction(
                "cbrt_\($0)", library: "libm.so.6", symbol: "cbrt", arguments: [("x", .double)], returns: .double,
                output: "cube_root") }
        ),
    ]
    for (label, makeManifest) in loadCases {
        let fresh = AgentRuntime(
            searchPaths: PluginSearchPaths(pluginFolders: [folder], executableFolder: folder),
            logger: Logger(label: "cfunction-bench"))
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<agentsPerLoadCase {
            guard (try? fresh.load(makeManifest(index))) != nil else {
                FileHandle.standardError.write(Data("cfunction-bench: loading \(label) failed\n".utf8))
                return 1
            }
        }
        let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(agentsPerLoadCase) / 1000
        print("| \(label.padding(toLength: 38, withPad: " ", startingAt: 0)) | \(String(format: "%11.1f", micros))")
    }
    print("")
    print("Reproduce: swift build -c release && swift run -c release cfunction-bench")
    return 0
}

exit(main())
