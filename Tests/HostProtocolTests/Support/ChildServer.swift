import AgentCatalog
import AgentRuntime
import Foundation
import HostProtocol
import TestSupport

/// Writes the manifest of the echo test agent (libTestEchoAgent.so) into `folder`.
func writeEchoManifest(in folder: String, estimate: Double = 1) throws {
    let manifest: JSONValue = [
        "manifest_version": 1, "name": "echo", "version": "1.0.0", "description": "Echoes its input (test agent)",
        "library": "libTestEchoAgent.so", "kind": "agent-v1", "capabilities": ["echoing"], "outputs": ["echo"],
        "estimate_seconds": .number(estimate), "max_retries": 0,
    ]
    try manifest.prettyText.write(toFile: folder + "/echo.json", atomically: true, encoding: .utf8)
}

/// A request that runs the echo agent once with `campaign`.
func echoRequest(_ campaign: JSONValue = [:]) -> JSONValue {
    ["campaign": campaign, "goal": ["agents": ["echo"]]]
}

/// `agenthost serve` running as a child process, spoken to through pipes.
final class ChildServer: @unchecked Sendable {
    let process = Process()
    let inbox: FrameInbox
    let folder: String
    let databasePath: String
    let stderrPath: String
    private let input: FileHandle
    private let lock = NSLock()
    private var nextId: Int64 = 0

    /// Starts `agenthost serve --manifests <manifests> --db <folder>/state.sqlite` plus `arguments`.
    init(manifests: [String], folder: String? = nil, arguments: [String] = []) throws {
        let folder = try folder ?? makeTemporaryFolder()
        self.folder = folder
        databasePath = folder + "/state.sqlite"
        stderrPath = folder + "/stderr-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: buildFolder + "/agenthost")
        process.arguments = ["serve", "--db", databasePath] + manifests.flatMap { ["--manifests", $0] } + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        input = stdinPipe.fileHandleForWriting
        inbox = FrameInbox(fileDescriptor: stdoutPipe.fileHandleForReading.fileDescriptor)
    }

    /// Writes raw bytes to the child's stdin.
    func write(_ bytes: [UInt8]) { input.write(Data(bytes)) }

    /// Writes one line.
    func send(_ line: String) { write(Array((line + "\n").utf8)) }

    /// Sends a request and waits for its response.
    @discardableResult
    func request(_ method: String, _ params: JSONValue = [:], timeout: Double = 30) -> JSONValue {
        let id = post(method, params)
        return inbox.response(to: id, timeout: timeout) ?? ["missing": .string("no response to \(method)")]
    }

    /// Sends a request without waiting; returns its id.
    func post(_ method: String, _ params: JSONValue = [:]) -> JSONValue {
        lock.lock()
        nextId += 1
        let id = JSONValue.integer(nextId)
        lock.unlock()
        let frame: JSONValue = ["jsonrpc": "2.0", "id": id, "method": .string(method), "params": params]
        send(frame.compactText)
        return id
    }

    /// Sends `initialize`.
    @discardableResult
    func initialize() -> JSONValue {
        request("initialize", ["protocol_version": "1.0", "client_info": ["name": "e2e"]])
    }

    /// Closes stdin and waits for the exit status.
    func finish(timeout: Double = 30) -> Int32? {
        try? input.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    /// What the child wrote to stderr.
    var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}
