// protocol-bench: `workflow/status` round trips and pipelined requests against a real
// `agenthost serve` child process, through pipes, as a client program would see them.
//
// Reproduce: swift build -c release && .build/release/protocol-bench [--requests N]
// Targets (docs/DESIGN.md): round trip p50 < 200 µs; 20,000 requests/s pipelined.
// `--json-only` measures only the JSON parser on long strings of `\u` escapes (it must be
// linear: 12 MB of escapes in about 12 times the time of 1 MB).
import AgentCatalog
import Foundation

/// Reads newline-terminated frames from the child's stdout.
final class FrameReader {
    private let input: Int32

    init(input: Int32) { self.input = input }

    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0

    /// The next frame's bytes, without the newline (a copy: the buffer is reused).
    func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start..<end].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                return line
            }
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            }
            if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress! + end, $0.count - end) }
            if count <= 0 { return nil }
            end += count
        }
    }
}

@Sendable func writeAll(_ output: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(output, raw.baseAddress! + offset, raw.count - offset)
            precondition(written > 0, "the server closed its input")
            offset += written
        }
    }
}

func call(_ reader: FrameReader, _ output: Int32, _ id: Int, _ method: String, _ params: String) -> JSONValue {
    writeAll(output, Array(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#.utf8) + [0x0A])
    while let frame = reader.next() {
        guard let value = try? JSONValue(parsing: Array(frame)) else { fatalError("unparseable frame") }
        if value["id"] == .integer(Int64(id)) {
            if let error = value["error"] { fatalError("\(method) failed: \(error.compactText)") }
            return value["result"] ?? .null
        }
    }
    fatalError("the server closed its output")
}

func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Seconds to parse one request line whose string param is `megabytes` MB of `\u00e9` escapes
/// (or, with `raw`, the same text as raw UTF-8); the best of `repeats` runs.
func jsonParseSeconds(megabytes: Int, raw: Bool, repeats: Int = 2) -> Double {
    let unit = raw ? Array("é".utf8) : Array(#"\u00e9"#.utf8)
    let count = megabytes * 1_000_000 / unit.count
    var line = Array(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"text":""#.utf8)
    line.reserveCapacity(line.count + count * unit.count + 4)
    for _ in 0..<count { line += unit }
    line += Array(#""}}"#.utf8)
    var best = Double.infinity
    for _ in 0..<repeats {
        let begin = nanoseconds()
        guard let value = try? JSONValue(parsing: line), value["params"]?["text"]?.stringValue?.count == count else {
            fatalError("the JSON parser rejected or mangled the benchmark line")
        }
        best = min(best, Double(nanoseconds() - begin) / 1e9)
    }
    return best
}

/// Prints the JSON parser's figures: `\u` escapes against the same text as raw UTF-8.
func printJSONFigures() {
    print("JSON parser: one request line with a string of \\u00e9 escapes (best of 2)")
    for megabytes in [1, 12] {
        let escaped = jsonParseSeconds(megabytes: megabytes, raw: false)
        let raw = jsonParseSeconds(megabytes: megabytes, raw: true)
        print(
            "\(megabytes) MB".padding(toLength: 8, withPad: " ", startingAt: 0)
                + String(format: "escapes %.3f s   raw UTF-8 %.3f s", escaped, raw))
    }
}

@main
struct ProtocolBench {
    static func main() throws {
        if CommandLine.arguments.contains("--json-only") {
            printJSONFigures()
            return
        }
        // Setup: a manifests folder for the echo test agent and an `agenthost serve` child.
        let arguments = CommandLine.arguments
        func option(_ name: String, default value: Int) -> Int {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
                let number = Int(arguments[index + 1])
            else { return value }
            return number
        }
        let roundTrips = option("--requests", default: 20_000)
        let pipelined = option("--pipelined", default: 100_000)

        let binFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().path
        let agenthost = binFolder + "/agenthost"
        guard FileManager.default.isExecutableFile(atPath: agenthost) else {
            FileHandle.standardError.write(
                Data("protocol-bench: \(agenthost) not found; run `swift build -c release` first\n".utf8))
            exit(2)
        }
        guard FileManager.default.fileExists(atPath: binFolder + "/libTestEchoAgent.so") else {
            FileHandle.standardError.write(
                Data("protocol-bench: libTestEchoAgent.so not built; run `swift build -c release`\n".utf8))
            exit(2)
        }
        let work = NSTemporaryDirectory() + "protocol-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: work + "/manifests", withIntermediateDirectories: true)
        let manifest: JSONValue = [
            "manifest_version": 1, "name": "echo", "version": "1.0.0", "description": "echo test agent",
            "library": "libTestEchoAgent.so", "kind": "agent-v1", "capabilities": ["echoing"], "outputs": ["echo"],
        ]
        try manifest.compactText.write(toFile: work + "/manifests/echo.json", atomically: true, encoding: .utf8)

        let child = Process()
        child.executableURL = URL(fileURLWithPath: agenthost)
        child.arguments = ["serve", "--manifests", work + "/manifests", "--db", work + "/state.sqlite"]
        child.currentDirectoryURL = URL(fileURLWithPath: work)
        let toChild = Pipe()
        let fromChild = Pipe()
        child.standardInput = toChild
        child.standardOutput = fromChild
        child.standardError = FileHandle.standardError
        try child.run()
        let output = toChild.fileHandleForWriting.fileDescriptor
        let input = fromChild.fileHandleForReading.fileDescriptor

        let reader = FrameReader(input: input)

        // Measurements, on a completed one-agent workflow.
        _ = call(reader, output, 1, "initialize", #"{"protocol_version":"1.0"}"#)
        let started = call(reader, output, 2, "workflow/execute", #"{"request":{"goal":{"agents":["echo"]}}}"#)
        guard let workflowId = started["workflow_id"]?.stringValue else { fatalError("no workflow id") }
        _ = call(reader, output, 3, "workflow/wait", #"{"workflow_id":"\#(workflowId)"}"#)
        let statusLine: @Sendable (Int) -> [UInt8] = { (id: Int) in
            Array(
                #"{"jsonrpc":"2.0","id":\#(id),"method":"workflow/status","params":{"workflow_id":"\#(workflowId)"}}"#
                    .utf8)
                + [0x0A]
        }

        // Round trips: one request, wait for its response, repeat.
        var samples: [UInt64] = []
        samples.reserveCapacity(roundTrips)
        var responseBytes = 0
        for index in 0..<(roundTrips + 1000) {
            let id = 10 + index
            let begin = nanoseconds()
            writeAll(output, statusLine(id))
            guard let frame = reader.next() else { fatalError("the server closed its output") }
            let elapsed = nanoseconds() - begin
            responseBytes = frame.count
            if index % 1000 == 0 {
                let value = try JSONValue(parsing: Array(frame))
                precondition(value["id"] == .integer(Int64(id)) && value["result"]?["state"] == "completed")
            }
            if index >= 1000 { samples.append(elapsed) }
        }
        samples.sort()
        func percentile(_ p: Double) -> Double {
            Double(samples[min(samples.count - 1, Int(Double(samples.count) * p))]) / 1000
        }

        // Pipelined: a writer thread sends every request at once; this thread reads the responses.
        let firstId = 1_000_000
        let writer = Thread { [statusLine] in
            var batch: [UInt8] = []
            for index in 0..<pipelined {
                batch += statusLine(firstId + index)
                if batch.count > 64 * 1024 {
                    writeAll(output, batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            writeAll(output, batch)
        }
        let pipelineBegin = nanoseconds()
        writer.start()
        var seen = Set<Int64>()
        for _ in 0..<pipelined {
            guard let frame = reader.next() else { fatalError("the server closed its output") }
            if seen.count % 997 == 0 || seen.count == pipelined - 1 {
                let value = try JSONValue(parsing: Array(frame))
                precondition(value["result"]?["workflow_id"] == .string(workflowId))
            }
            seen.insert(Int64(seen.count))
        }
        let pipelineSeconds = Double(nanoseconds() - pipelineBegin) / 1e9

        _ = call(reader, output, 9, "shutdown", "{}")
        try toChild.fileHandleForWriting.close()
        child.waitUntilExit()
        try? FileManager.default.removeItem(atPath: work)

        func row(_ name: String, _ value: String, _ target: String) -> String {
            name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + value.padding(toLength: 16, withPad: " ", startingAt: 0) + target
        }
        print("protocol-bench: agenthost serve child process, workflow/status (\(responseBytes)-byte response)")
        print(row("measure", "value", "target"))
        print(row("round trip p50", String(format: "%.1f µs", percentile(0.50)), "< 200 µs"))
        print(row("round trip p90", String(format: "%.1f µs", percentile(0.90)), ""))
        print(row("round trip p99", String(format: "%.1f µs", percentile(0.99)), ""))
        print(
            row(
                "pipelined throughput", String(format: "%.0f req/s", Double(pipelined) / pipelineSeconds),
                "≥ 20,000 req/s"))
        print(
            "\(roundTrips) round trips after 1,000 warm-up; \(pipelined) pipelined requests; \(ProcessInfo.processInfo.activeProcessorCount) cores"
        )
        print(
            "reproduce: swift build -c release && .build/release/protocol-bench --requests \(roundTrips) --pipelined \(pipelined)"
        )
        printJSONFigures()

    }
}
