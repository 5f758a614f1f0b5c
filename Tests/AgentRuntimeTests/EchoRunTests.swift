import AgentCatalog
import AgentRuntime
import Foundation
import TestSupport
import Testing

/// Runs of the Echo test plugin (Tests/Plugins/EchoAgent). Tests that read the plugin's
/// process-wide counters load a private copy of the library so parallel tests cannot disturb them.
@Suite struct EchoRunTests {
    private let input: JSONValue = [
        "workflow_id": "wf-1", "agent": "echo", "attempt": 1,
        "campaign": ["title": "Solar for schools", "keywords": ["solar", "schools"], "budget": 1.5],
        "inputs": [:], "artifacts_dir": "/tmp/artifacts", "base_dir": "/tmp",
    ]

    private func loadEcho(privateCopy: Bool = false, parallelSafe: Bool = true, config: JSONValue = .null)
        throws -> LoadedAgent
    {
        let folder = try makeTemporaryFolder()
        if privateCopy { try copyPlugin("libTestEchoAgent.so", into: folder) }
        return try makeRuntime().load(
            try manifest("echo", library: "libTestEchoAgent.so", in: folder, parallelSafe: parallelSafe, config: config))
    }

    private func output(_ outcome: AgentCallOutcome) -> JSONObject? {
        guard case .succeeded(let object) = outcome else {
            Issue.record("expected success, got \(outcome)")
            return nil
        }
        return object
    }

    @Test func outputRoundTripsTheInput() throws {
        let echo = try loadEcho()
        #expect(echo.pluginVersion == "1.2.3")
        #expect(echo.libraryPath == buildFolder + "/libTestEchoAgent.so")
        let object = output(echo.run(input: input, context: RecordingContext()))
        #expect(object?["echo"] == input)
    }

    @Test func logLinesAndProgressReachTheContext() throws {
        let context = RecordingContext()
        _ = try loadEcho().run(input: input, context: context)
        let expectedBytes = input.compactBytes.count
        #expect(context.logs.map(\.0) == [.info])
        #expect(context.logs.map(\.1) == ["echo: received \(expectedBytes) bytes"])
        #expect(context.progressed.map(\.0) == [0.5])
        #expect(context.progressed.map(\.1) == ["halfway"])
    }

    @Test func cancelledContextGivesCancelledOutcome() throws {
        let outcome = try loadEcho().run(input: input, context: RecordingContext(cancelled: true))
        guard case .cancelled(let message) = outcome else {
            Issue.record("expected cancellation, got \(outcome)")
            return
        }
        #expect(message == "echo cancelled")
    }

    @Test func cancellationDuringALongRunStopsIt() throws {
        let echo = try loadEcho()
        let context = RecordingContext()
        let done = DispatchSemaphore(value: 0)
        let outcomeBox = OutcomeBox()
        Thread.detachNewThread {
            outcomeBox.set(echo.run(input: ["sleep_ms": 60_000], context: context))
            done.signal()
        }
        context.cancel()
        done.wait()
        guard case .cancelled = outcomeBox.get() else {
            Issue.record("expected cancellation, got \(String(describing: outcomeBox.get()))")
            return
        }
    }

    @Test func statusesMapToOutcomes() throws {
        let echo = try loadEcho()
        let context = RecordingContext()
        guard case .failed(let message, let retryable) = echo.run(input: ["mode": "fail"], context: context) else {
            Issue.record("mode fail should fail")
            return
        }
        #expect(message == "echo failed on request")
        #expect(!retryable)
        guard case .failed(let busy, true) = echo.run(input: ["mode": "retryable"], context: context) else {
            Issue.record("mode retryable should fail retryably")
            return
        }
        #expect(busy == "echo is busy, try again")
        guard case .cancelled(nil) = echo.run(input: ["mode": "cancelled"], context: context) else {
            Issue.record("mode cancelled should be cancelled without a message")
            return
        }
    }

    @Test func malformedJSONNamesTheAgentAndThePosition() throws {
        let outcome = try loadEcho().run(input: ["mode": "malformed"], context: RecordingContext())
        guard case .failed(let message, false) = outcome else {
            Issue.record("expected a non-retryable failure, got \(outcome)")
            return
        }
        #expect(message.hasPrefix("agent 'echo': returned malformed JSON: line 1, column "))
    }

    @Test func nonObjectOutputIsRefused() throws {
        let outcome = try loadEcho().run(input: ["mode": "array"], context: RecordingContext())
        guard case .failed(let message, false) = outcome else {
            Issue.record("expected a non-retryable failure, got \(outcome)")
            return
        }
        #expect(message == "agent 'echo': returned a JSON array, expected an object")
    }

    @Test func everyOutputIsReleasedExactlyOnce() throws {
        let echo = try loadEcho(privateCopy: true)
        for _ in 0..<3 { _ = echo.run(input: ["mode": "array"], context: RecordingContext()) }
        _ = echo.run(input: ["mode": "fail"], context: RecordingContext())
        let object = output(echo.run(input: input, context: RecordingContext()))
        #expect(object?["outstanding"] == 0)
    }

    @Test func nonParallelSafeAgentNeverOverlaps() throws {
        let echo = try loadEcho(privateCopy: true, parallelSafe: false)
        let group = DispatchGroup()
        let outcomes = OutcomeBox()
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                for _ in 0..<5 { outcomes.append(echo.run(input: ["sleep_ms": 5], context: RecordingContext())) }
                group.leave()
            }
        }
        group.wait()
        let concurrency = outcomes.all.map { outcome -> JSONValue? in
            if case .succeeded(let object) = outcome { return object["concurrent"] }
            return nil
        }
        #expect(concurrency == Array(repeating: 1, count: 10))
    }

    @Test func shutdownAllCallsShutdownOnceAndStopsLaterRuns() throws {
        let folder = try makeTemporaryFolder()
        let marker = folder + "/shutdown.log"
        let runtime = makeRuntime()
        let echo = try runtime.load(
            try manifest("echo", library: "libTestEchoAgent.so", in: folder, config: ["shutdown_marker": .string(marker)]))
        _ = output(echo.run(input: input, context: RecordingContext()))
        runtime.shutdownAll()
        runtime.shutdownAll()
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "shutdown\n")
        guard case .failed(let message, false) = echo.run(input: input, context: RecordingContext()) else {
            Issue.record("a run after shutdown should fail")
            return
        }
        #expect(message == "agent 'echo' cannot run: the runtime has shut it down")
    }
}

/// Outcomes collected from other threads. `@unchecked Sendable`: guarded by `lock`.
final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [AgentCallOutcome] = []
    func set(_ outcome: AgentCallOutcome) { append(outcome) }
    func append(_ outcome: AgentCallOutcome) { lock.withLock { outcomes.append(outcome) } }
    func get() -> AgentCallOutcome? { lock.withLock { outcomes.last } }
    var all: [AgentCallOutcome] { lock.withLock { outcomes } }
}
