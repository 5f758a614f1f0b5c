import AgentCatalog
import AgentRuntime
import Foundation
import HostProtocol
import WorkflowHosting
import Logging
import WorkflowExecution

@testable import HostMCP

/// An MCPServer in this process over a real ExecutorBackend (no store) and a scripted runner;
/// messages go in through `handle`, frames come back through a pipe.
final class MCPHarness: @unchecked Sendable {
    let server: MCPServer
    let runner: ScriptedRunner
    let artifactsRoot: String
    private let condition = NSCondition()
    private var frames: [JSONValue] = []
    private var nextId: Int64 = 0

    init(manifests: [String] = MCPHarness.manifests, runner: ScriptedRunner = ScriptedRunner()) throws {
        var output: [Int32] = [0, 0]
        precondition(pipe(&output) == 0)
        let root = NSTemporaryDirectory() + "hostmcp-tests-" + UUID().uuidString
        artifactsRoot = root
        self.runner = runner
        var parsed: [Manifest] = []
        for (index, text) in manifests.enumerated() {
            let (manifest, problems) = ManifestParser.parseManifest(Array(text.utf8), file: "m\(index).json", order: index)
            guard let manifest else { throw HarnessError(description: problems.map(\.description).joined(separator: "\n")) }
            parsed.append(manifest)
        }
        let catalog = Catalog(agents: parsed)
        var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let options = ExecutorOptions(artifactsRoot: root)
        let backend = ExecutorBackend(store: nil, runner: runner, options: options, logger: logger)
        server = MCPServer(
            channel: ProtocolChannel(input: -1, output: output[1]),
            directory: AgentDirectory {
                DiscoveryResult(catalog: catalog, problems: [], manifestFiles: [], templateFiles: [])
            },
            backend: backend, runner: runner, artifactsDirectory: { options.artifactsDirectory(for: $0) },
            configuration: .init(invokeDirectory: { root + "/invoke/" + $0 }), logger: logger)
        let readEnd = output[0]
        Thread { [self] in
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(readEnd, &chunk, chunk.count)
                if count <= 0 { break }
                buffer += chunk[0..<count]
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = Array(buffer[..<newline])
                    buffer.removeSubrange(...newline)
                    if let frame = try? JSONValue(parsing: line) {
                        condition.lock()
                        frames.append(frame)
                        condition.broadcast()
                        condition.unlock()
                    }
                }
            }
        }.start()
    }

    /// Sends a request; returns its id.
    @discardableResult
    func post(_ method: String, _ params: JSONObject = [:]) -> JSONValue {
        condition.lock()
        nextId += 1
        let id = nextId
        condition.unlock()
        server.handle(.request(id: .integer(id), method: method, params: params))
        return .integer(id)
    }

    /// Sends a request and waits for its response (the whole frame).
    func request(_ method: String, _ params: JSONObject = [:]) -> JSONValue {
        let id = post(method, params)
        return response(to: id) ?? ["missing": .string("no response to \(method)")]
    }

    /// Calls a tool and returns the `CallToolResult`.
    func call(_ tool: String, _ arguments: JSONObject, progressToken: JSONValue? = nil) -> JSONValue {
        var params: JSONObject = ["name": .string(tool), "arguments": .object(arguments)]
        if let progressToken { params["_meta"] = ["progressToken": progressToken] }
        return request("tools/call", params)["result"] ?? ["missing": "no result"]
    }

    /// Sends a notification.
    func notify(_ method: String, _ params: JSONObject) {
        server.handle(.notification(method: method, params: params))
    }

    /// `initialize` with `version`.
    @discardableResult
    func initialize(_ version: String = "2025-06-18") -> JSONValue {
        request(
            "initialize",
            ["protocolVersion": .string(version), "capabilities": [:], "clientInfo": ["name": "tests", "version": "1"]])
    }

    /// The response with `id`, waiting up to `timeout` seconds.
    func response(to id: JSONValue, timeout: Double = 20) -> JSONValue? {
        waitFor(timeout: timeout) { $0["id"] == id && $0["method"] == nil }
    }

    /// Every notification `method` received so far.
    func notifications(_ method: String) -> [JSONValue] {
        condition.lock()
        defer { condition.unlock() }
        return frames.filter { $0["method"]?.stringValue == method }
    }

    /// The first frame matching `predicate`, waiting up to `timeout` seconds.
    func waitFor(timeout: Double = 20, _ predicate: (JSONValue) -> Bool) -> JSONValue? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let frame = frames.first(where: predicate) { return frame }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    /// Three agents: planner -> writer -> seo; writer and seo declare their campaign fields.
    static let manifests = [
        #"""
        {"manifest_version": 1, "name": "planner", "version": "1.0.0", "library": "libPlanner.so",
         "capabilities": ["planning"], "outputs": ["outline"],
         "input_schema": {"type": "object", "additionalProperties": false,
                          "properties": {"title": {"type": "string"}, "brief": {"type": "string"}}}}
        """#,
        #"""
        {"manifest_version": 1, "name": "writer", "version": "2.1.0", "description": "Writes the article",
         "library": "libWriter.so", "capabilities": ["copywriting"], "dependencies": ["planner"], "outputs": ["draft"],
         "input_schema": {"type": "object", "additionalProperties": false, "required": ["title"],
                          "properties": {"title": {"type": "string", "description": "The headline"},
                                         "keywords": {"type": "array", "items": {"type": "string"}}}}}
        """#,
        #"""
        {"manifest_version": 1, "name": "seo", "version": "1.0.0", "library": "libSEO.so",
         "capabilities": ["seo"], "dependencies": ["writer"], "outputs": ["optimized"],
         "input_schema": {"type": "object", "additionalProperties": false,
                          "properties": {"keywords": {"type": "array", "items": {"type": "string"}}}}}
        """#,
    ]
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

/// Runs attempts without plugins: reports half progress, optionally waits until cancelled,
/// writes `<agent>.md` into the artifacts folder and returns the campaign title.
final class ScriptedRunner: AgentRunner, @unchecked Sendable {
    /// Agents that wait until their attempt is cancelled.
    let blocking: Set<String>
    private let lock = NSLock()
    private var started: [String] = []

    init(blocking: Set<String> = []) { self.blocking = blocking }

    /// The agents started so far, in order.
    var startedAgents: [String] {
        lock.lock()
        defer { lock.unlock() }
        return started
    }

    func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        let name = request.manifest.name
        lock.lock()
        started.append(name)
        lock.unlock()
        request.context.progress(0.5, "halfway through \(name)")
        if blocking.contains(name) {
            let woken = DispatchSemaphore(value: 0)
            request.cancellation.onCancel { woken.signal() }
            _ = woken.wait(timeout: .now() + 30)
            return AttemptResult(outcome: .cancelled(message: request.cancellation.cancellationReason))
        }
        let title = request.input["campaign"]?["title"]?.stringValue ?? "untitled"
        if let folder = request.input["artifacts_dir"]?.stringValue {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try? "# \(title) by \(name)\n".write(toFile: folder + "/\(name).md", atomically: true, encoding: .utf8)
        }
        return AttemptResult(outcome: .succeeded(["agent": .string(name), "title": .string(title)]))
    }
}

extension JSONValue {
    /// The element at `index` when this is an array that long, else nil.
    subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
