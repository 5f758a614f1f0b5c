import AgentCatalog
import Foundation
import Testing
import WorkflowPlanning

@testable import WorkflowExecution

@Suite struct SchedulingTests {
    private func sleeping(_ ms: Int) -> FakeRunner {
        FakeRunner(Dictionary(uniqueKeysWithValues: sevenNames.map { ($0, FakeBehavior.succeed(sleepMs: ms)) }))
    }

    @Test func adaptiveOverlapsIndependentAgentsAndRespectsDependencies() throws {
        let runner = sleeping(30)
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner, strategy: .adaptive)
        let (_, status) = harness.run()
        #expect(status.state == .completed)
        #expect(status.names(.completed) == Set(sevenNames))
        let researcher = try #require(runner.runs(of: "researcher").first)
        let image = try #require(runner.runs(of: "image").first)
        #expect(overlap(researcher, image))
        // No agent starts before each of its dependencies ended.
        for manifest in sevenAgents() {
            let run = try #require(runner.runs(of: manifest.name).first)
            for dependency in manifest.dependencies {
                guard case .agent(let name) = dependency.target else { continue }
                let before = try #require(runner.runs(of: name).first)
                #expect(before.end <= run.start, "\(manifest.name) started before \(name) ended")
            }
        }
    }

    @Test func sequentialRunsOneAtATimeInPlanOrder() throws {
        let runner = sleeping(5)
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner, strategy: .sequential)
        let (_, status) = harness.run()
        #expect(status.state == .completed)
        let runs = runner.runs.sorted { $0.start < $1.start }
        #expect(runs.map(\.agent) == harness.plan.order)
        for (a, b) in zip(runs, runs.dropFirst()) { #expect(!overlap(a, b)) }
        #expect(runner.peakConcurrency == 1)
    }

    @Test func parallelRunsGroupByGroupWithBarriers() throws {
        let runner = FakeRunner(["researcher": .succeed(sleepMs: 40), "image": .succeed(sleepMs: 5)])
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner, strategy: .parallel)
        let (_, status) = harness.run()
        #expect(status.state == .completed)
        let groupOf = Dictionary(uniqueKeysWithValues: harness.plan.agents.map { ($0.name, $0.group) })
        let runs = runner.runs
        for later in runs {
            for earlier in runs where groupOf[earlier.agent]! < groupOf[later.agent]! {
                #expect(earlier.end <= later.start, "\(later.agent) started before \(earlier.agent)'s group ended")
            }
        }
    }

    @Test func concurrencyAndResourceLimitsAreNeverExceeded() throws {
        let manifests = (0..<12).map { index in
            agent("task\(index)", estimate: 1, resources: index % 2 == 0 ? ["llm": 1] : [:], order: index)
        }
        let runner = FakeRunner(
            Dictionary(uniqueKeysWithValues: manifests.map { ($0.name, FakeBehavior.succeed(sleepMs: 10)) }))
        let harness = try Harness(
            manifests, goal: manifests.map(\.name), runner: runner, maxConcurrency: 3, resources: ["llm": 1])
        let (_, status) = harness.run()
        #expect(status.state == .completed)
        #expect(runner.peakConcurrency <= 3)
        #expect(runner.peakConcurrency >= 2)
        #expect((runner.peakResources["llm"] ?? 0) == 1)
    }

    @Test func agentsReceiveCampaignAndTheirDependenciesOutputs() throws {
        let runner = FakeRunner()
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner, campaign: ["title": "Solar"])
        _ = harness.run("wf-data")
        let writer = try #require(runner.runs(of: "writer").first)
        #expect(writer.input["workflow_id"] == "wf-data")
        #expect(writer.input["agent"] == "writer")
        #expect(writer.input["attempt"] == 1)
        #expect(writer.input["campaign"]?["title"] == "Solar")
        #expect(writer.input["inputs"]?["planner"]?["agent"] == "planner")
        #expect(writer.input["inputs"]?["researcher"]?["agent"] == "researcher")
        #expect(writer.input["artifacts_dir"] == "/tmp/agenthost-tests/wf-data")
        #expect(writer.input["base_dir"] == "/tmp")
    }

    @Test func softDependencyThatFailedAppearsAsAnError() throws {
        let runner = FakeRunner(["researcher": .fail(message: "no sources found", retryable: false)])
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner)
        let (_, status) = harness.run()
        let writer = try #require(runner.runs(of: "writer").first)
        #expect(writer.input["inputs"]?["researcher"] == ["error": "no sources found"])
        #expect(status.names(.completed).contains("social"))
        #expect(status.state == .failed)
    }

    @Test func inputBytesHandedToPluginsAreTheCompactInput() throws {
        let runner = FakeRunner(["researcher": .fail(message: "no \"sources\"\nfound", retryable: false)])
        let campaign: JSONValue = ["title": "Solar \"panels\"\tfor schools", "budget": 1.5, "tags": ["a", "é"]]
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner, campaign: campaign)
        _ = harness.run()
        #expect(runner.runs.count == 7)
        for run in runner.runs {
            #expect(run.inputBytes == run.input.compactBytes, "\(run.agent)")
            #expect(try JSONValue(parsing: run.inputBytes) == run.input, "\(run.agent)")
        }
        let writer = try #require(runner.runs(of: "writer").first)
        #expect(writer.input["inputs"]?["researcher"] == ["error": "no \"sources\"\nfound"])
        #expect(writer.input["campaign"] == campaign)
    }

    @Test func completedOutputIsRecordedBeforeAnyDependentStarts() throws {
        let runner = FakeRunner()
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner)
        let (handle, _) = harness.run()
        let events = harness.recorder.events
        #expect(events.map(\.sequence) == Array(1...Int64(events.count)))
        #expect(events == handle.events())
        let completedAt = Dictionary(
            events.filter { $0.type == .agentCompleted }.map { ($0.agent!, $0.sequence) }, uniquingKeysWith: min)
        for event in events where event.type == .agentStarted {
            let manifest = try #require(harness.catalog.agent(named: event.agent!))
            for dependency in manifest.dependencies {
                guard case .agent(let name) = dependency.target else { continue }
                #expect(completedAt[name]! < event.sequence)
            }
        }
        #expect(events.first?.type == .workflowStarted)
        #expect(events.last?.type == .workflowCompleted)
        #expect(events.first?.data?["agents"]?.arrayValue?.count == 7)
        #expect(events.first?.data?["plan"]?["strategy"] == "adaptive")
    }

    @Test func adaptivePromotesReadyAgentsWithAReason() throws {
        // a (long) and b (short) are independent; c needs a and is planned before d, which needs b.
        let manifests = [
            agent("a", estimate: 1, order: 0), agent("b", estimate: 5, order: 1),
            agent("c", [.agent("a")], estimate: 10, order: 2), agent("d", [.agent("b")], estimate: 1, order: 3),
        ]
        // Reality disagrees with the estimates: a is slow, b fast, so d is ready long before c.
        let runner = FakeRunner(["a": .succeed(sleepMs: 60), "b": .succeed(sleepMs: 1)])
        let harness = try Harness(manifests, goal: ["c", "d"], runner: runner, maxConcurrency: 2)
        let (handle, status) = harness.run()
        #expect(status.state == .completed)
        let promotions = handle.events().filter { $0.type == .planResequenced && $0.data?["change"] == "promotion" }
        #expect(!promotions.isEmpty)
        #expect(promotions.allSatisfy { ($0.message ?? "").contains("ahead of") })
    }

    @Test func subscribersGetReplayThenLiveEventsWithoutGaps() throws {
        let runner = sleeping(5)
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner)
        let handle = harness.executor.start(plan: harness.plan, workflowId: "wf-sub")
        let seen = Locked<[Int64]>([])
        let subscription = handle.subscribe(from: 1) { event in seen.mutate { $0.append(event.sequence) } }
        let status = handle.wait()
        subscription.cancel()
        #expect(seen.value == Array(1...status.lastSequence))
        let late = Locked<[Int64]>([])
        _ = handle.subscribe(from: 3) { event in late.mutate { $0.append(event.sequence) } }
        #expect(late.value == Array(3...status.lastSequence))
    }

    @Test func statusFoldsCountsProgressAndTimings() throws {
        let runner = FakeRunner(["writer": .fail(message: "model refused", retryable: false)])
        let harness = try Harness(sevenAgents(), goal: sevenNames, runner: runner)
        let (handle, status) = harness.run()
        #expect(status == WorkflowStatus(workflowId: "wf-test", events: harness.recorder.events))
        #expect(status == handle.status())
        #expect(status.names(.completed) == ["planner", "researcher", "image"])
        #expect(status.count(.failed) == 1)
        #expect(status.names(.skipped) == ["editor", "seo", "social"])
        #expect(status.progressPercentage == 42.9, "3 of 7 agents completed: a failed workflow is not 100 % done")
        #expect(status.agents["writer"]?.message == "model refused")
        #expect(status.agents["planner"]?.attempts == 1)
        #expect(status.agents["planner"]?.estimateSeconds == 1)
        #expect(status.json["counts"]?["completed"] == 3)
    }

    @Test func schedulerStateStartsHighestPriorityFirstWithoutThreads() throws {
        let manifests = [
            agent("short", estimate: 1, order: 0), agent("long", estimate: 1, order: 1),
            agent("tail", [.agent("long")], estimate: 9, order: 2),
        ]
        let plan = try Planner(catalog: Catalog(agents: manifests)).plan(
            WorkflowRequest(goal: .agents(["short", "tail"]), maxConcurrency: 1))
        var state = SchedulerState(plan: plan, limits: [:])
        _ = state.admitSettledWaiters()
        let started = state.nextStart()
        let first = try #require(started)
        #expect(state.nodes[first].name == "long")
        #expect(state.nextStart() == nil)
        state.attemptEnded(first)
        state.settle(first, as: .completed)
        let next = state.nextStart()
        let second = try #require(next)
        #expect(state.nodes[second].name == "tail")
    }
}

/// A value behind a lock, for collecting from handlers.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
    func mutate(_ change: (inout Value) -> Void) {
        lock.lock()
        change(&stored)
        lock.unlock()
    }
}
