import AgentCatalog
import Foundation
import TestSupport
import Testing
import WorkflowPlanning

@testable import WorkflowExecution

/// The executor through real threads with a fake runner: data flow, recording, subscribers.
/// Scheduling decisions themselves are tested without threads in RunStateMachineTests.
@Suite struct SchedulingTests {
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

    @Test func subscribersGetReplayThenLiveEventsWithoutGaps() throws {
        let runner = FakeRunner()
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
        var state = SchedulerState(plan: plan, limits: [:]) { Manifest(name: $0) }
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
