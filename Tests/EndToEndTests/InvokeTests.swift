import AgentCatalog
import Foundation
import Testing

/// `agenthost invoke` runs an agent as a workflow would (isolation, timeout, no retries unless
/// asked) and keeps its stdout for the agent's output alone.
@Suite struct InvokeTests {
    /// A hostile agent, how `invoke` must end, and what stderr must say.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var config: JSONObject
        var isolation: String
        var timeout: Double
        var says: [String]
        var testDescription: String { "\(name) \(isolation) -> \(says.joined(separator: ", "))" }
    }

    static let faults: [Case] = [
        Case(name: "crashy", config: ["segv_until": 99], isolation: "process", timeout: 30, says: ["SIGSEGV"]),
        Case(name: "crashy", config: ["abort_until": 99], isolation: "process", timeout: 30, says: ["SIGABRT"]),
        Case(
            name: "quitter", config: ["exit_code": 3], isolation: "process", timeout: 30, says: ["exited with status 3"]
        ),
        Case(name: "spinner", config: ["spin": true], isolation: "process", timeout: 1, says: ["timed out after 1 s"]),
        Case(
            name: "spinner", config: ["spin": true], isolation: "in-process", timeout: 1, says: ["timed out after 1 s"]),
        Case(
            name: "stuck", config: ["sleep_ms": 30_000], isolation: "in-process", timeout: 1,
            says: ["timed out after 1 s"]),
        Case(
            name: "stuck", config: ["hang_ms": 30_000], isolation: "process", timeout: 1, says: ["timed out after 1 s"]),
    ]

    @Test(arguments: faults)
    func aFaultyAgentEndsInvokeWithExit1AndSaysWhatHappened(_ fault: Case) throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        try agents.add(fault.name, config: fault.config, isolation: fault.isolation, timeout: fault.timeout)
        let result = try agents.invoke(fault.name)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("agenthost: error: agent '\(fault.name)' failed"), "\(result.stderr)")
        for words in fault.says { #expect(result.stderr.contains(words), "\(result.stderr)") }
        #expect(result.stdout.isEmpty)
    }

    @Test func retriesAreOffUnlessAskedFor() throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        try agents.add("crashy", config: ["segv_until": 1], isolation: "process")
        let once = try agents.invoke("crashy")
        #expect(once.status == 1, "\(once.stderr)")
        #expect(once.stderr.contains("SIGSEGV"))
        let retried = try agents.invoke("crashy", extra: ["--retries", "1"])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(try JSONValue(parsing: retried.stdout)["attempt"] == 2)
    }

    @Test(arguments: ["in-process", "process"])
    func aPluginThatPrintsCannotCorruptInvokesOutput(_ isolation: String) throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        try agents.add("printer", config: ["print": true], isolation: isolation)
        let result = try agents.invoke("printer")
        #expect(result.status == 0, "\(result.stderr)")
        let output = try JSONValue(parsing: result.stdout)
        #expect(output["agent"] == "printer")
        #expect(!result.stdout.contains("forged"))
        #expect(result.stderr.contains("forged by a plugin"))
    }

    @Test func aPluginThatPrintsCannotCorruptRunJSON() throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        try agents.add("printer", config: ["print": true], isolation: "in-process")
        let result = try agents.agenthost(["run", try agents.request(["printer"]), "--json", "--id", "wf-print"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let event = try JSONValue(parsing: String(line))
            #expect(event["workflow_id"] == "wf-print", "\(line)")
        }
        #expect(result.stderr.contains("forged by a plugin"))
    }

    @Test(arguments: ["in-process", "process"])
    func outputAboveTheLimitIsANamedErrorInBothIsolationModes(_ isolation: String) throws {
        let agents = try HostileAgents()
        defer { agents.remove() }
        let limit = 64 << 20
        try agents.add("huge", config: ["output_bytes": .integer(Int64(limit + 1))], isolation: isolation)
        let result = try agents.invoke("huge")
        #expect(result.status == 1, "\(result.stderr.prefix(500))")
        #expect(
            result.stderr.contains("returned \(limit + 1) bytes (64.0 MiB) of output"), "\(result.stderr.prefix(500))")
        #expect(result.stderr.contains("above the limit of \(limit) bytes"))
        #expect(!result.stderr.contains("crashed its worker"))
    }
}
