import AgentCatalog
import AgentRuntime
import Foundation
import HTTPTypes
import HostProtocol
import TestSupport
import WorkflowHosting
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import WorkflowExecution
import WorkflowStore

@testable import HostHTTP

/// Runs every attempt at once with `{"echo": AGENT}`, except agents named in `held`, which
/// wait until `release()`.
final class GateRunner: AgentRunner {
    let held: Set<String>
    private let gate = DispatchSemaphore(value: 0)
    private let released = Mutex(false)

    init(held: Set<String> = []) { self.held = held }

    func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        if held.contains(request.manifest.name) && !released.withLock({ $0 }) {
            while !released.withLock({ $0 }) && !request.cancellation.isCancelled {
                _ = gate.wait(timeout: .now() + 0.02)
            }
        }
        return AttemptResult(outcome: .succeeded(["echo": .string(request.manifest.name)]))
    }

    func release() { released.withLock { $0 = true } }
}

/// The test catalog: planner -> writer -> editor, plus a cycle for 422.
func testCatalog() -> DiscoveryResult {
    let agents = [
        Manifest(name: "planner", capabilities: ["planning"], outputs: ["outline"], estimateSeconds: 10),
        Manifest(
            name: "writer", capabilities: ["copywriting"], dependencies: [.agent("planner")], outputs: ["draft"],
            estimateSeconds: 30),
        Manifest(
            name: "editor", capabilities: ["editing"], dependencies: [.agent("writer")], outputs: ["final"],
            estimateSeconds: 20),
        Manifest(name: "loop_a", dependencies: [.agent("loop_b")]),
        Manifest(name: "loop_b", dependencies: [.agent("loop_a")]),
    ]
    return DiscoveryResult(catalog: Catalog(agents: agents), problems: [], manifestFiles: [], templateFiles: [])
}

/// The request that runs planner, writer and editor.
let editorRequest: JSONValue = ["campaign": ["title": "Solar"], "goal": ["agents": ["editor"]]]

var quietLogger: Logger {
    var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    logger.logLevel = .critical
    return logger
}

/// A dashboard on a fresh SQLite store, with a JSON-RPC session of its own on the same backend
/// to compare the routes against.
struct TestDashboard {
    let folder: String
    let store: SQLiteStore
    let runner: GateRunner
    let backend: ExecutorBackend
    let server: DashboardServer
    let rpc: ProtocolServer

    init(configuration: DashboardConfiguration = DashboardConfiguration(), held: Set<String> = []) throws {
        folder = try makeTemporaryFolder()
        store = try SQLiteStore(path: folder + "/state.sqlite")
        runner = GateRunner(held: held)
        backend = ExecutorBackend(
            store: store, runner: runner, options: ExecutorOptions(artifactsRoot: folder + "/runs"), logger: quietLogger)
        let directory = AgentDirectory { testCatalog() }
        var configuration = configuration
        configuration.artifactsRoot = folder + "/runs"
        server = DashboardServer(
            configuration: configuration, directory: directory, backend: backend, store: store, logger: quietLogger)
        rpc = ProtocolServer.inProcess(directory: directory, backend: backend, logger: quietLogger)
    }

    /// Runs `body` against the router, in process.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: server.makeRouter(), logger: quietLogger)
        try await app.test(.router) { client in try await body(client) }
    }

    /// The JSON-RPC answer as a client reads it off the wire: the result, or `{"error": ...}`
    /// as the REST envelope carries it.
    func call(_ method: String, _ params: JSONObject = [:]) async -> JSONValue {
        let answer: JSONValue
        switch await rpc.call(method, params: params) {
        case .success(let value): answer = value
        case .failure(let error): answer = .object(["error": error.json])
        }
        return (try? JSONValue(parsing: answer.compactText)) ?? .null
    }

    /// Starts the editor request through JSON-RPC and waits for its end; returns its id.
    func finishedWorkflow() async throws -> String {
        let started = await call("workflow/execute", ["request": editorRequest])
        let id = try #require(started["workflow_id"]?.stringValue)
        _ = await call("workflow/wait", ["workflow_id": .string(id)])
        return id
    }
}

/// Headers of a same-origin request to a loopback server.
func local(_ extra: HTTPFields = [:]) -> HTTPFields {
    var headers: HTTPFields = [hostHeader: "127.0.0.1:8720"]
    headers.append(contentsOf: extra)
    return headers
}

/// Headers of a same-origin JSON POST.
var jsonPost: HTTPFields { local([.contentType: "application/json"]) }

/// A JSON body.
func body(_ value: JSONValue) -> ByteBuffer { ByteBuffer(bytes: value.compactBytes) }

/// The response body as JSON (null when it is not JSON).
func parsed(_ response: TestResponse) -> JSONValue {
    (try? JSONValue(parsing: Array(response.body.readableBytesView))) ?? .null
}

/// The response body as text.
func text(_ response: TestResponse) -> String {
    String(buffer: response.body)
}

import Testing

/// The `Host` header (HTTPTypes keeps it as the authority; the router tests send it as a field).
let hostHeader = HTTPField.Name("Host")!
