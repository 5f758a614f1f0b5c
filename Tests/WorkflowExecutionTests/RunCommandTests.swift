import AgentCatalog
import AgentRuntime
import Foundation
import Testing

/// `agenthost run` through the real binary built beside the test bundle.
@Suite struct RunCommandTests {
    static let binary = (PluginSearchPaths.currentExecutableFolder() ?? ".") + "/agenthost"

    private func folder(_ manifests: [String: String], request: String) throws -> String {
        let path = NSTemporaryDirectory() + "agenthost-run-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path + "/manifests", withIntermediateDirectories: true)
        for (name, config) in manifests {
            let text = """
                {"manifest_version": 1, "name": "\(name)", "version": "1.0.0", "description": "test agent",
                 "library": "libTestExecAgent.so", "entry": "exec_entry_\(name)", "kind": "agent-v1",
                 "capabilities": [], "dependencies": [], "outputs": ["\(name)_out"], "estimate_seconds": 0.01,
                 "parallel_safe": true, "max_retries": 1, "timeout_seconds": 10, "resources": {},
                 "alternatives": [], "isolation": "in-process", "config": \(config)}
                """
            try text.write(toFile: path + "/manifests/\(name).json", atomically: true, encoding: .utf8)
        }
        try request.write(toFile: path + "/request.json", atomically: true, encoding: .utf8)
        return path
    }

    private func run(_ arguments: [String], in folder: String) throws -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
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
}
