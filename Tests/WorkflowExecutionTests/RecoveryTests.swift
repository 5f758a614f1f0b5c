import AgentCatalog
import Foundation
import Testing
import WorkflowPlanning

@testable import WorkflowExecution

@Suite struct RecoveryTests {
    @Test func retryableFailuresAreRetriedWithBackoffUntilSuccess() throws {
        var manifests = sevenAgents()
        manifests[3] = agent("writer", [.agent("planner")], estimate: 3, retries: 3, order: 3)
        let runner = FakeRunner(["writer": .failFirst(attempts: 2)])
        let harness = try Harness(manifests, goal: sevenNames, runner: runner)
        let (handle, status) = harness.run()
        #expect(status.state == .completed)
        #expect(runner.runs(of: "writer").map(\.attempt) == [1, 2, 3])
        #expect(status.agents["writer"]?.attempts == 3)
        let retrying = handle.events().filter { $0.type == .agentRetrying }
        // Jitter off: 1 ms, then 2 ms.
        #expect(retrying.map { $0.data?["delay_seconds"]?.doubleValue } == [0.001, 0.002])
        #expect(retrying.map(\.attempt) == [2, 3])
        #expect(runner.runs(of: "writer").last?.input["attempt"] == 3)
    }

    @Test func retriesStopAtMaxRetriesAndNonRetryableFailuresAreNotRetried() throws {
        let manifests = [agent("flaky", retries: 2, order: 0), agent("broken", retries: 5, order: 1)]
        let runner = FakeRunner([
            "flaky": .fail(message: "busy", retryable: true), "broken": .fail(message: "bad input", retryable: false),
        ])
        let harness = try Harness(manifests, goal: ["flaky", "broken"], runner: runner)
        let (_, status) = harness.run()
        #expect(runner.runs(of: "flaky").count == 3)
        #expect(runner.runs(of: "broken").count == 1)
        #expect(status.state == .failed)
        #expect(status.names(.failed) == ["flaky", "broken"])
    }

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

    @Test func skipSkipsHardDependentsAndRunsEverythingElse() throws {
        let runner = FakeRunner([
            "researcher": .fail(message: "search engine down", retryable: false),
            "writer": .fail(message: "model refused", retryable: false),
        ])
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner, recovery: .skip)
        let (handle, status) = harness.run()
        #expect(status.names(.completed) == ["planner", "image"])
        #expect(status.names(.failed) == ["researcher", "writer"])
        #expect(status.names(.skipped) == ["editor", "seo", "social"])
        #expect(status.agents["editor"]?.message == "needs writer (hard), which failed")
        #expect(status.agents["seo"]?.message == "needs editor (hard), which was skipped")
        let skip = handle.events().first { $0.type == .planResequenced && $0.data?["change"] == "skip" }
        #expect(skip?.message?.contains("skipping its hard dependents") == true)
        #expect(status.state == .failed)
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

    @Test func retryAlternativeWithoutAnyAlternativeFallsBackToSkip() throws {
        let runner = FakeRunner(["writer": .fail(message: "model refused", retryable: false)])
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner, recovery: .retryAlternative)
        let (handle, status) = harness.run()
        #expect(status.names(.skipped) == ["editor", "seo", "social"])
        let skip = handle.events().first { $0.type == .planResequenced && $0.data?["change"] == "skip" }
        #expect(skip?.message?.contains("no alternative left for writer") == true)
    }

    @Test func replanContinuesOnAPlanWithoutTheFailedAgent() throws {
        // editor needs the copywriting capability; two agents provide it.
        let manifests = [
            agent("planner", order: 0),
            agent("writer", [.agent("planner")], capabilities: ["copywriting"], order: 1),
            agent("ghostwriter", [.agent("planner")], capabilities: ["copywriting"], order: 2),
            agent("editor", [.capability("copywriting")], order: 3),
        ]
        let runner = FakeRunner(["writer": .fail(message: "model refused", retryable: false)])
        let harness = try Harness(manifests, goal: ["editor"], runner: runner, recovery: .replan)
        #expect(harness.plan.agents.map(\.name).contains("writer"))
        let (handle, status) = harness.run()
        #expect(status.state == .completed)
        #expect(runner.runs(of: "planner").count == 1)
        let editor = try #require(runner.runs(of: "editor").first)
        #expect(editor.input["inputs"]?["ghostwriter"]?["agent"] == "ghostwriter")
        let change = handle.events().first { $0.type == .planResequenced && $0.data?["change"] == "replan" }
        #expect(change?.message?.contains("replanned without writer") == true)
        #expect(change?.data?["agents"] == ["ghostwriter"])
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

    @Test func manifestRecoveryOverridesTheRequest() throws {
        let runner = FakeRunner([
            "writer": .fail(message: "model refused", retryable: false), "image": .succeed(sleepMs: 20),
        ])
        let harness = try Harness(
            sevenAgents(writerRecovery: .abort), goal: sevenNames, runner: runner, recovery: .skip)
        let (_, status) = harness.run()
        #expect(status.message == "writer failed: model refused")
        #expect(runner.runs(of: "editor").isEmpty)
    }
}
