import AgentCatalog
import AgentRuntime
import Foundation
import TestSupport
import Testing

/// `agenthost run` through the real binary built beside the test bundle.
@Suite struct RunCommandTests {
    static let binary = buildFolder + "/agenthost"

    private func folder(
        _ manifests: [String: String], request: String, timeout: Double = 10, retries: Int = 1
    ) throws -> String {
        let path = NSTemporaryDirectory() + "agenthost-run-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path + "/manifests", withIntermediateDirectories: true)
        for (name, config) in manifests {
            let text = """
                {"manifest_version": 1, "name": "\(name)", "version": "1.0.0", "description": "test agent",
                 "library": "libTestExecAgent.so", "entry": "exec_entry_\(name)", "kind": "agent-v1",
                 "capabilities": [], "dependencies": [], "outputs": ["\(name)_out"], "estimate_seconds": 0.01,
                 "parallel_safe": true, "max_retries": \(retries), "timeout_seconds": \(timeout), "resources": {},
                 "alternatives": [], "isolation": "in-process", "config": \(config)}
                """
            try text.write(toFile: path + "/manifests/\(name).json", atomically: true, encoding: .utf8)
        }
        try request.write(toFile: path + "/request.json", atomically: true, encoding: .utf8)
        return path
    }

    private func run(
        _ arguments: [String], in folder: String, killAfter seconds: Double = 300
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let host = try LiveHost(arguments, in: folder, killAfter: seconds)
        let status = host.wait()
        return (status, host.stdout, host.stderr)
    }

    @Test func jsonModePrintsOneEventPerLineAndExitsZero() throws {
        let dir = try folder(
            ["steady": "{}", "busy": #"{"retryable_until": 1}"#],
            request: #"{"goal": {"agents": ["steady", "busy"]}, "recovery": "skip"}"#)
        let result = try run(["run", "request.json", "--manifests", "manifests", "--json", "--out", "runs"], in: dir)
        #expect(result.status == 0)
        let events = try result.stdout.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
        #expect(events.first?["type"] == "workflow.started")
        #expect(events.last?["type"] == "workflow.completed")
        #expect(events.contains { $0["type"] == "agent.retrying" && $0["agent"] == "busy" })
        #expect(events.map { $0["sequence"]?.integerValue ?? 0 } == Array(1...Int64(events.count)))
    }

    @Test func plainModeEndsWithASummaryAndAFailedWorkflowExitsOne() throws {
        let dir = try folder(
            ["steady": "{}", "first": #"{"fail": "always"}"#],
            request: #"{"goal": {"agents": ["steady", "first"]}}"#)
        let result = try run(["run", "request.json", "--manifests", "manifests", "--strategy", "sequential"], in: dir)
        #expect(result.status == 1)
        #expect(result.stdout.contains("agent.failed first #1: exec agent failed on request"))
        #expect(result.stdout.contains("AGENT"))
        #expect(result.stdout.contains("workflow wf-"))
        #expect(result.stdout.contains(" failed"))
    }

    @Test func badRequestNamesTheFileAndFieldAndExitsTwo() throws {
        let dir = try folder(["steady": "{}"], request: #"{"goal": {"agents": ["steady"]}, "stratgy": "adaptive"}"#)
        let result = try run(["run", "request.json", "--manifests", "manifests"], in: dir)
        #expect(result.status == 2)
        #expect(result.stderr.contains("request.json"))
        #expect(result.stderr.contains("stratgy"))
    }

    // MARK: - Faults: a call that ignores cancellation, Ctrl-C

    @Test func runExitsAfterATimeoutOfAnAgentThatIgnoresCancellation() throws {
        let dir = try folder(
            ["hangs": #"{"hang_ms": 600000}"#], request: #"{"goal": {"agents": ["hangs"]}}"#, timeout: 0.2, retries: 0)
        // Before the fix the host printed its summary and then waited ten minutes for the call.
        let result = try run(
            ["run", "request.json", "--manifests", "manifests", "--no-store", "--cancel-grace", "0.1"], in: dir,
            killAfter: 120)
        #expect(result.status == 1, "killed by the test's bound: the host did not exit (stderr: \(result.stderr))")
        #expect(result.stdout.contains("timed out after 200 ms (attempt 1)"))
    }

    @Test func firstCtrlCInterruptsAndTheWorkflowResumesLater() throws {
        let dir = try folder(["steady": #"{"sleep_ms": 600000}"#], request: #"{"goal": {"agents": ["steady"]}}"#)
        let host = try LiveHost(
            ["run", "request.json", "--manifests", "manifests", "--json", "--id", "wf-ctrlc"], in: dir)
        #expect(host.waitForLine { $0.contains(#""type":"agent.started""#) })
        kill(host.process.processIdentifier, SIGINT)
        let status = host.wait()
        #expect(status == 130, "stderr: \(host.stderr)")
        #expect(host.stderr.contains("resume with `agenthost resume wf-ctrlc`"))
        #expect(host.stdout.contains(#""type":"workflow.interrupted""#))
        #expect(!host.stdout.contains(#""type":"agent.failed""#))
        let shown = try run(["status", "wf-ctrlc", "--json"], in: dir)
        #expect(try JSONValue(parsing: shown.stdout)["state"] == "interrupted")
        // The agent now answers at once; resume finishes the same workflow.
        let manifest = dir + "/manifests/steady.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: #"{"sleep_ms": 600000}"#, with: "{}")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let resumed = try run(["resume", "wf-ctrlc", "--manifests", "manifests"], in: dir)
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        let final = try run(["status", "wf-ctrlc", "--json"], in: dir)
        #expect(try JSONValue(parsing: final.stdout)["state"] == "completed")
    }

    @Test func secondCtrlCStopsAtOnce() throws {
        // The agent ignores is_cancelled, and neither its timeout nor the grace ends within the
        // test's bound: only the second Ctrl-C can end this host.
        let dir = try folder(
            ["hangs": #"{"hang_ms": 6000000}"#], request: #"{"goal": {"agents": ["hangs"]}}"#, timeout: 6000)
        let host = try LiveHost(
            [
                "run", "request.json", "--manifests", "manifests", "--json", "--cancel-grace", "6000", "--id",
                "wf-twice",
            ],
            in: dir)
        #expect(host.waitForLine { $0.contains(#""type":"agent.started""#) })
        kill(host.process.processIdentifier, SIGINT)
        #expect(host.waitForStderr { $0.contains("interrupting") })
        kill(host.process.processIdentifier, SIGINT)
        #expect(host.wait() == 130, "stderr: \(host.stderr)")
        #expect(host.process.terminationReason == .exit)
        #expect(host.stderr.contains("`agenthost resume wf-twice` finishes the workflow"))
        #expect(!host.stdout.contains("workflow.interrupted"))
        let shown = try run(["status", "wf-twice", "--json"], in: dir)
        #expect(try JSONValue(parsing: shown.stdout)["state"] == "interrupted")
    }
}

/// `agenthost` running in the background, its output read line by line as it comes.
final class LiveHost: @unchecked Sendable {
    let process = Process()
    private let lock = NSCondition()
    private var out = ""
    private var err = ""
    private var closed = 0

    /// Starts `agenthost arguments...` in `folder`; it is killed after `seconds`, a bound for a
    /// host that would never exit (no test asserts how long a host took).
    init(_ arguments: [String], in folder: String, killAfter seconds: Double = 300) throws {
        process.executableURL = URL(fileURLWithPath: RunCommandTests.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak self] in
            if let self, self.process.isRunning { kill(pid, SIGKILL) }
        }
        read(stdout.fileHandleForReading, stdout: true)
        read(stderr.fileHandleForReading, stdout: false)
    }

    private func read(_ handle: FileHandle, stdout: Bool) {
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                lock.lock()
                if data.isEmpty {
                    closed += 1
                    lock.broadcast()
                    lock.unlock()
                    return
                }
                if stdout {
                    out += String(decoding: data, as: UTF8.self)
                } else {
                    err += String(decoding: data, as: UTF8.self)
                }
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    var stdout: String { lock.withLock { out } }
    var stderr: String { lock.withLock { err } }

    /// Waits until a line of stdout satisfies `match`; false when stdout ended first.
    func waitForLine(_ match: (Substring) -> Bool) -> Bool { waitFor(\.out, match) }
    /// Waits until a line of stderr satisfies `match`; false when stderr ended first.
    func waitForStderr(_ match: (Substring) -> Bool) -> Bool { waitFor(\.err, match) }

    private func waitFor(_ field: KeyPath<LiveHost, String>, _ match: (Substring) -> Bool) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if self[keyPath: field].split(separator: "\n").contains(where: match) { return true }
            if closed == 2 { return false }
            lock.wait()
        }
    }

    /// Waits for the exit and for both streams to end; the exit status.
    func wait() -> Int32 {
        process.waitUntilExit()
        lock.lock()
        while closed < 2 { lock.wait() }
        lock.unlock()
        return process.terminationStatus
    }
}
