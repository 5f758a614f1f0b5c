import AgentCatalog
import Foundation
import HostProtocol
import WorkflowHosting
import Logging

/// A ProtocolServer running in this process on a pair of pipes.
final class ServerHarness: @unchecked Sendable {
    let server: ProtocolServer
    let inbox: FrameInbox
    let backend: FakeBackend
    private let inputWrite: Int32
    private var nextId: Int64 = 1
    private let lock = NSLock()
    private let exitCondition = NSCondition()
    private var exit: ProtocolServer.Exit?

    init(
        directory: AgentDirectory = AgentDirectory { testDiscovery() }, backend: FakeBackend = FakeBackend(),
        maximumLineBytes: Int = 1 << 20
    ) {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        precondition(pipe(&input) == 0 && pipe(&output) == 0)
        inputWrite = input[1]
        self.backend = backend
        var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        server = ProtocolServer(
            channel: ProtocolChannel(input: input[0], output: output[1]), directory: directory, backend: backend,
            configuration: .init(maximumLineBytes: maximumLineBytes), logger: logger)
        inbox = FrameInbox(fileDescriptor: output[0])
        let server = self.server
        let (inputRead, outputWrite) = (input[0], output[1])
        let thread = Thread { [self] in
            let result = server.run()
            close(inputRead)
            close(outputWrite)
            exitCondition.lock()
            exit = result
            exitCondition.broadcast()
            exitCondition.unlock()
        }
        thread.start()
    }

    /// Writes raw bytes to the server's input.
    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(inputWrite, raw.baseAddress! + offset, raw.count - offset)
                precondition(written > 0)
                offset += written
            }
        }
    }

    /// Writes one line.
    func send(_ line: String) { write(Array((line + "\n").utf8)) }

    /// Sends a request and waits for its response.
    @discardableResult
    func request(_ method: String, _ params: JSONValue = [:], id: JSONValue? = nil) -> JSONValue {
        let requestId = id ?? allocateId()
        let frame: JSONValue = ["jsonrpc": "2.0", "id": requestId, "method": .string(method), "params": params]
        send(frame.compactText)
        return inbox.response(to: requestId) ?? ["missing": "no response"]
    }

    /// Sends a request without waiting; returns its id.
    func post(_ method: String, _ params: JSONValue = [:]) -> JSONValue {
        let requestId = allocateId()
        let frame: JSONValue = ["jsonrpc": "2.0", "id": requestId, "method": .string(method), "params": params]
        send(frame.compactText)
        return requestId
    }

    /// Sends `initialize` and returns the result.
    @discardableResult
    func initialize() -> JSONValue {
        request("initialize", ["protocol_version": "1.0", "client_info": ["name": "tests"]])
    }

    /// Closes the input and waits for the session's end.
    func finish(timeout: Double = 20) -> ProtocolServer.Exit? {
        close(inputWrite)
        let deadline = Date().addingTimeInterval(timeout)
        exitCondition.lock()
        defer { exitCondition.unlock() }
        while exit == nil { if !exitCondition.wait(until: deadline) { break } }
        return exit
    }

    private func allocateId() -> JSONValue {
        lock.lock()
        defer { lock.unlock() }
        nextId += 1
        return .integer(nextId)
    }
}

/// A small catalog: planner -> writer -> editor, plus loop_a <-> loop_b (a cycle).
func testDiscovery(extra: [Manifest] = []) -> DiscoveryResult {
    let agents =
        [
            Manifest(name: "planner", capabilities: ["planning"], outputs: ["outline"], estimateSeconds: 10),
            Manifest(
                name: "writer", capabilities: ["copywriting"], dependencies: [.agent("planner")], outputs: ["draft"],
                estimateSeconds: 30),
            Manifest(
                name: "editor", capabilities: ["editing"], dependencies: [.agent("writer")], outputs: ["final"],
                estimateSeconds: 20),
            Manifest(name: "loop_a", dependencies: [.agent("loop_b")]),
            Manifest(name: "loop_b", dependencies: [.agent("loop_a")]),
        ] + extra
    return DiscoveryResult(catalog: Catalog(agents: agents), problems: [], manifestFiles: [], templateFiles: [])
}

/// The result member of a response, or null.
func result(_ response: JSONValue) -> JSONValue { response["result"] ?? .null }

/// The error code of a response, or nil.
func errorCode(_ response: JSONValue) -> Int64? { response["error"]?["code"]?.integerValue }
