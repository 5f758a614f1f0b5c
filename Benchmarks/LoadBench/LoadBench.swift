// load-bench: what loading a plugin costs: resolve the library, check its permissions,
// dlopen (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), call the entry, negotiate the ABI, init.
// Each load is of a fresh copy of the library, so the dynamic loader really maps it; a second
// load of the same file shows the cost once the loader already has it.
//
// Reproduce: swift build -c release && swift run -c release load-bench [COPIES]
import AgentCatalog
import AgentRuntime
import Foundation
import Logging

/// Loads `copies` fresh copies of `library` (descriptor name `name`) and returns the
/// microseconds of each load, then of a second load of each same file.
func measureLoads(library: String, name: String, folder: String, scratch: String, copies: Int) throws -> ([Double], [Double]) {
    var first: [Double] = []
    var again: [Double] = []
    for index in 0..<copies {
        let copy = "\(scratch)/\(index)-\(library)"
        try FileManager.default.copyItem(atPath: "\(folder)/\(library)", toPath: copy)
        chmod(copy, 0o755)
        let manifest = Manifest(
            name: name, library: (copy as NSString).lastPathComponent,
            source: ManifestSource(file: "\(scratch)/\(name).json", order: 0))
        for round in 0..<2 {
            let runtime = AgentRuntime(
                searchPaths: PluginSearchPaths(pluginFolders: [], executableFolder: nil), logger: Logger(label: "load-bench"))
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try runtime.load(manifest)
            let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
            if round == 0 { first.append(micros) } else { again.append(micros) }
        }
    }
    return (first, again)
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

func main() -> Int32 {
    let copies = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200 : 200
    let folder = PluginSearchPaths.currentExecutableFolder() ?? "."
    let scratch = NSTemporaryDirectory() + "load-bench-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let cases = [("C (BenchNoopAgent)", "libBenchNoopAgent.so", "noop"), ("Swift (WriterAgent)", "libWriterAgent.so", "writer")]
    print("load-bench: \(copies) fresh copies of each library; µs per load (resolve + checks + dlopen + entry + init)")
    print("plugin                 median     p90  already-open median")
    do {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        chmod(scratch, 0o755)
        for (label, library, name) in cases {
            let (first, again) = try measureLoads(library: library, name: name, folder: folder, scratch: scratch, copies: copies)
            let row = [percentile(first, 0.5), percentile(first, 0.9), percentile(again, 0.5)]
                .map { String(format: "%7.1f", $0) }
            print(label.padding(toLength: 20, withPad: " ", startingAt: 0) + "  " + row[0] + " " + row[1] + "  " + row[2])
        }
    } catch {
        FileHandle.standardError.write(Data("load-bench: \(error); run `swift build -c release` first\n".utf8))
        return 1
    }
    print("target: dlopen + negotiate < 200 µs per plugin (DESIGN.md)")
    print("reproduce: swift build -c release && swift run -c release load-bench \(copies)")
    return 0
}

exit(main())
