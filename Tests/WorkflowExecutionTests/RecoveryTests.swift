import AgentCatalog
import Foundation
import Testing
import WorkflowPlanning

@testable import WorkflowExecution

/// Retry and recovery through real threads; every path is also tested without threads in
/// RunStateMachineTests.
@Suite struct RecoveryTests {
    @Test func retriesAreCountedOnATestClockWithoutWaitingForTheBackoff() throws {
        let manifests = [agent("flaky", retries: 5, timeout: 1e9, order: 0)]
        let runner = FakeRunner(["flaky": .failFirst(attempts: 3)])
        // The standard policy (0.2 s, 0.4 s, 0.8 s) on a clock that moves 10 s per reading.
        let harness = try Harness(
            manifests, goal: ["flaky"], runner: runner, retry: RetryPolicy(jitter: .none),
            clock: SteppingClock(step: 10), heartbeat: 1e9)
        let (handle, status) = harness.run()
        #expect(status.state == .completed)
        #expect(status.agents["flaky"]?.attempts == 4)
        let retrying = handle.events().filter { $0.type == .agentRetrying }
        #expect(retrying.compactMap { $0.data?["delay_seconds"]?.doubleValue } == [0.2, 0.4, 0.8])
        let stamps = handle.events().map(\.timestamp)
        #expect(stamps.first! > 1_000_000)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func retryPolicyBacksOffExponentiallyWithinTheCap() {
        let policy = RetryPolicy(initialInterval: 0.2, multiplier: 2, maximumInterval: 1, jitter: .none)
        #expect((1...5).map { policy.delay(beforeRetry: $0, random: 0.5) } == [0.2, 0.4, 0.8, 1, 1])
        let jittered = RetryPolicy.standard
        #expect(jittered.delay(beforeRetry: 3, random: 0.5) == 0.4)
        #expect(jittered.delay(beforeRetry: 30, random: 0.999) <= 30)
        #expect(RetryPolicy.maxRetries(manifest: 3, requestOverride: 1) == 1)
        #expect(RetryPolicy.maxRetries(manifest: 3, requestOverride: nil) == 3)
    }

    @Test func retryAlternativePutsAnotherAgentInPlaceWithTheSameInputs() throws {
        let manifests = sevenAgents() + [agent("writer_lite", [.agent("planner")], estimate: 1, order: 7)]
        let runner = FakeRunner(["writer": .fail(message: "model refused", retryable: false)])
        let harness = try Harness(manifests, goal: sevenNames, runner: runner, recovery: .retryAlternative)
        let (handle, status) = harness.run()
        #expect(status.state == .completed)
        let lite = try #require(runner.runs(of: "writer_lite").first)
        let writer = try #require(runner.runs(of: "writer").first)
        #expect(lite.input["inputs"] == writer.input["inputs"])
        let editor = try #require(runner.runs(of: "editor").first)
        #expect(editor.input["inputs"]?["writer"]?["agent"] == "writer_lite")
        #expect(status.names(.completed).isSuperset(of: ["writer_lite", "editor", "seo", "social"]))
        let change = handle.events().first { $0.type == .planResequenced && $0.data?["change"] == "substitution" }
        #expect(change?.data?["by"] == "writer_lite")
        #expect(change?.message?.contains("takes the place of writer") == true)
    }

    @Test func abortCancelsRunningAgentsAndStartsNothingMore() throws {
        let manifests = [
            agent("fails", order: 0), agent("slow", order: 1),
            agent("after", [.agent("slow")], order: 2),
        ]
        let runner = FakeRunner(["fails": .failLater(ms: 50, message: "disk full"), "slow": .waitForCancel])
        let harness = try Harness(manifests, goal: ["fails", "after"], runner: runner, recovery: .abort)
        let (_, status) = harness.run()
        #expect(status.state == .failed)
        #expect(status.message == "fails failed: disk full")
        #expect(status.names(.failed) == ["fails"])
        #expect(status.names(.cancelled) == ["slow"], "an agent stopped by the abort says cancelled")
        #expect(status.agents["slow"]?.message?.hasPrefix("cancelled: workflow aborted") == true)
        #expect(status.names(.skipped) == ["after"])
        #expect(runner.runs(of: "after").isEmpty)
    }
}
