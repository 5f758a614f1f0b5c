import AgentCatalog
import Foundation
import Testing
import WorkflowPlanning

@testable import WorkflowExecution

/// The run's decisions, without threads, plugins or sleeps: RunSimulation drives the machine
/// on a stepping clock.
@Suite struct RunStateMachineTests {
    private func request(
        _ goal: [String], strategy: Strategy = .adaptive, recovery: Manifest.RecoveryStrategy = .skip,
        maxConcurrency: Int = 4, resources: [String: Int] = [:], maxRetries: Int? = nil
    ) -> WorkflowRequest {
        WorkflowRequest(
            campaign: ["title": "test"], goal: .agents(goal), strategy: strategy, recovery: recovery,
            maxConcurrency: maxConcurrency, resources: resources, maxRetries: maxRetries)
    }

    private let chain = [
        agent("a", order: 0), agent("b", [.agent("a")], order: 1), agent("c", [.agent("b")], order: 2),
    ]

    // MARK: - Strategies and limits

    @Test func adaptiveStartsIndependentAgentsTogetherAndDependentsAfterTheirDependencies() throws {
        var sim = try RunSimulation(sevenAgents(), request: request(sevenNames))
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.status.names(.completed) == Set(sevenNames))
        // researcher and image both need only planner: they start at the same moment.
        #expect(sim.starts(of: "researcher") == sim.starts(of: "image"))
        for manifest in sevenAgents() {
            let start = try #require(sim.starts(of: manifest.name).first)
            for dependency in manifest.dependencies {
                guard case .agent(let name) = dependency.target else { continue }
                #expect(try #require(sim.ends(of: name).first) <= start, "\(manifest.name) before \(name)")
            }
        }
    }

    @Test func sequentialRunsOneAgentAtATimeInPlanOrder() throws {
        var sim = try RunSimulation(sevenAgents(), request: request(sevenNames, strategy: .sequential))
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.starts.map(\.agent) == sim.plan.order)
        #expect(sim.peakCalls == 1)
    }

    @Test func parallelRunsGroupByGroupWithBarriers() throws {
        var sim = try RunSimulation(
            sevenAgents(), request: request(sevenNames, strategy: .parallel),
            script: ["researcher": [.succeed(after: 9)], "image": [.succeed(after: 1)]])
        sim.run()
        #expect(sim.outcome == .completed)
        let groupOf = Dictionary(uniqueKeysWithValues: sim.plan.agents.map { ($0.name, $0.group) })
        for later in sim.starts {
            for earlier in sim.plan.agents where earlier.group < groupOf[later.agent]! {
                #expect(try #require(sim.ends(of: earlier.name).last) <= later.at)
            }
        }
    }

    @Test func concurrencyAndResourceLimitsAreNeverExceeded() throws {
        let manifests = (0..<12).map { index in
            agent("task\(index)", resources: index % 2 == 0 ? ["llm": 1] : [:], order: index)
        }
        var sim = try RunSimulation(
            manifests, request: request(manifests.map(\.name), maxConcurrency: 3, resources: ["llm": 1]))
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.peakCalls == 3)
        #expect(sim.peakResources["llm"] == 1)
    }

    @Test func adaptivePromotesAReadyAgentWithAReason() throws {
        let manifests = [
            agent("a", estimate: 1, order: 0), agent("b", estimate: 5, order: 1),
            agent("c", [.agent("a")], estimate: 10, order: 2), agent("d", [.agent("b")], estimate: 1, order: 3),
        ]
        // Reality disagrees with the estimates: a is slow, b fast, so d is ready long before c.
        var sim = try RunSimulation(
            manifests, request: request(["c", "d"], maxConcurrency: 2),
            script: ["a": [.succeed(after: 60)], "b": [.succeed(after: 1)]])
        sim.run()
        let promotions = sim.events(.planResequenced).filter { $0.data?["change"] == "promotion" }
        #expect(promotions.map(\.agent) == ["d"])
        #expect(promotions.first?.message == "started d ahead of c: c waits for a")
    }

    // MARK: - Retries

    @Test func retryableFailuresAreRetriedAfterAnExponentialBackoff() throws {
        let manifests = [agent("flaky", retries: 3)]
        var sim = try RunSimulation(
            manifests, request: request(["flaky"]),
            script: ["flaky": [.fail(after: 1, retryable: true), .fail(after: 1, retryable: true), .succeed(after: 1)]])
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.starts.map(\.attempt) == [1, 2, 3])
        let retrying = sim.events(.agentRetrying)
        #expect(retrying.map { $0.data?["delay_seconds"]?.doubleValue } == [1, 2])
        // Each retry starts exactly when its delay runs out.
        #expect(sim.starts(of: "flaky") == [1000, 1002, 1005])
        #expect(sim.status.agents["flaky"]?.attempts == 3)
    }

    @Test func jitterComesFromTheInjectedSource() throws {
        let manifests = [agent("flaky", retries: 2)]
        let script: [String: [Step]] = ["flaky": [.fail(after: 1, retryable: true), .fail(after: 1, retryable: true)]]
        func delays(seed: UInt64) throws -> [Double] {
            let random = SeededRandom(seed: seed)
            var sim = try RunSimulation(
                manifests, request: request(["flaky"]), script: script, retry: RetryPolicy(initialInterval: 1),
                random: { random.next() })
            sim.run()
            return sim.events(.agentRetrying).compactMap { $0.data?["delay_seconds"]?.doubleValue }
        }
        let first = try delays(seed: 7)
        #expect(first.count == 2)
        #expect(first == (try delays(seed: 7)))
        #expect(first != (try delays(seed: 8)))
        #expect(first[0] < 1 && first[1] < 2)
    }

    @Test func retriesStopAtMaxRetriesAndNonRetryableFailuresAreNotRetried() throws {
        let manifests = [agent("flaky", retries: 2, order: 0), agent("broken", retries: 5, order: 1)]
        var sim = try RunSimulation(
            manifests, request: request(["flaky", "broken"]),
            script: ["flaky": [.fail(after: 1, retryable: true)], "broken": [.fail(after: 1, retryable: false)]])
        sim.run()
        #expect(sim.starts.filter { $0.agent == "flaky" }.count == 3)
        #expect(sim.starts.filter { $0.agent == "broken" }.count == 1)
        #expect(sim.outcome == .failed("did not complete: broken, flaky"))
        #expect(sim.events(.agentFailed, of: "flaky").map { $0.data?["final"] } == [false, false, true])
    }

    @Test func nodeLossesAreRetriedApartFromMaxRetriesUpToTheirOwnCap() throws {
        // max_retries 1, and two node losses: both losses are retried (cap 3) and the one
        // ordinary retry is still there for the real failure that follows.
        let lost: [Step] = [.lostNode(after: 1, node: "h2"), .lostNode(after: 1, node: "h3")]
        var sim = try RunSimulation(
            [agent("remote", retries: 1)], request: request(["remote"]),
            script: ["remote": lost + [.fail(after: 1, retryable: true), .succeed(after: 1)]])
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.starts.map(\.attempt) == [1, 2, 3, 4])
        let failed = sim.events(.agentFailed, of: "remote")
        #expect(failed.map { $0.data?["node_lost"]?.stringValue } == ["h2", "h3", nil])
        #expect(failed.map { $0.data?["node_loss_retries"] } == [.integer(1), .integer(2), nil])
        #expect(failed.map { $0.data?["final"] } == [false, false, false])
    }

    @Test func nodeLossesStopAtTheirCap() throws {
        let lost = Array(repeating: Step.lostNode(after: 1, node: "h2"), count: 5)
        var sim = try RunSimulation(
            [agent("remote", retries: 5)], request: request(["remote"]), script: ["remote": lost],
            retry: RetryPolicy(initialInterval: 1, jitter: .none, maxNodeLossRetries: 2))
        sim.run()
        // Two node-loss retries, then the third loss is final although max_retries (5) is untouched.
        #expect(sim.starts.map(\.attempt) == [1, 2, 3])
        #expect(sim.events(.agentFailed, of: "remote").map { $0.data?["final"] } == [false, false, true])
        #expect(sim.outcome == .failed("did not complete: remote"))
    }

    @Test func theRequestsMaxRetriesOverridesTheManifests() throws {
        var sim = try RunSimulation(
            [agent("flaky", retries: 5)], request: request(["flaky"], maxRetries: 1),
            script: ["flaky": [.fail(after: 1, retryable: true)]])
        sim.run()
        #expect(sim.starts.count == 2)
    }

    // MARK: - Timeouts

    @Test func aTimeoutIsReportedAtItsDeadlineWhileTheCallStillRuns() throws {
        let manifests = [agent("hangs", timeout: 1, order: 0), agent("other", order: 1)]
        var sim = try RunSimulation(
            manifests, request: request(["hangs", "other"]), script: ["hangs": [.hang], "other": [.succeed(after: 5)]],
            grace: 2)
        sim.run(until: 1001)
        let failed = try #require(sim.events(.agentFailed, of: "hangs").first)
        #expect(failed.timestamp == 1001)
        #expect(failed.message == "timed out after 1 s (attempt 1)")
        #expect(failed.data?["timed_out"] == true)
        #expect(sim.status.agents["hangs"]?.state == .failed)
        #expect(sim.cancelled.keys.map(\.node) == [0])
        #expect(sim.abandoned.isEmpty)
        // The grace period only decides when the call that ignores is_cancelled is given up.
        sim.run(until: 1003)
        #expect(sim.abandoned.map(\.node) == [0])
        sim.run()
        #expect(sim.outcome == .failed("did not complete: hangs"))
        #expect(sim.events.last?.data?["abandoned_threads"] == 1)
    }

    @Test func theRunEndsWithoutWaitingForTheGraceOfATimedOutCall() throws {
        var sim = try RunSimulation(
            [agent("hangs", timeout: 1)], request: request(["hangs"]), script: ["hangs": [.hang]])
        sim.run()
        #expect(sim.outcome == .failed("did not complete: hangs"))
        #expect(sim.events.last?.timestamp == 1001)
        #expect(sim.abandoned.count == 1)
    }

    @Test func aRetryWaitsForTheTimedOutCallToReturnOrBeAbandoned() throws {
        // Attempt 1 ignores the stop for 1.5 s after its deadline; the retry delay is 1 s.
        var sim = try RunSimulation(
            [agent("slow", retries: 1, timeout: 1)], request: request(["slow"]),
            script: ["slow": [.lateAfterCancel(seconds: 1.5), .succeed(after: 0.5)]], grace: 2)
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.events(.agentRetrying, of: "slow").first?.timestamp == 1001)
        #expect(sim.starts(of: "slow") == [1000, 1002.5])
        #expect(sim.abandoned.isEmpty)
        #expect(sim.peakCalls == 1)
    }

    @Test func aCooperativeAgentStoppedAtItsDeadlineFreesItsSlotAtOnce() throws {
        var sim = try RunSimulation(
            [agent("slow", retries: 1, timeout: 1)], request: request(["slow"]),
            script: ["slow": [.cooperative(after: 50), .succeed(after: 1)]],
            retry: RetryPolicy(initialInterval: 0.5, jitter: .none))
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.starts(of: "slow") == [1000, 1001.5])
        // The late "cancelled" answer of attempt 1 adds no event.
        #expect(sim.events(.agentFailed, of: "slow").count == 1)
    }

    @Test func anAgentThatIsNotParallelSafeIsNotRetriedWhileAnAbandonedCallLingers() throws {
        var sim = try RunSimulation(
            [agent("stuck", retries: 3, timeout: 1, parallelSafe: false)], request: request(["stuck"]),
            script: ["stuck": [.hang]], grace: 2)
        sim.run()
        #expect(sim.starts.count == 1)
        let final = try #require(sim.events(.agentFailed, of: "stuck").last)
        #expect(final.message?.contains("is not parallel_safe") == true)
        #expect(sim.outcome == .failed("did not complete: stuck"))
    }

    @Test func aParallelSafeAgentIsRetriedOnceItsHungCallIsAbandoned() throws {
        var sim = try RunSimulation(
            [agent("stuck", retries: 1, timeout: 1)], request: request(["stuck"]),
            script: ["stuck": [.hang, .succeed(after: 1)]], grace: 2)
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.starts(of: "stuck") == [1000, 1003])
    }

    @Test func aProcessIsolatedAgentGetsTheGraceTwicePlusASecondForItsWorkerToDie() throws {
        var sim = try RunSimulation(
            [agent("iso", timeout: 1, isolation: .process), agent("other", order: 1)],
            request: request(["iso", "other"]), script: ["iso": [.hang], "other": [.succeed(after: 30)]], grace: 2)
        sim.run(until: 1005.5)
        #expect(sim.abandoned.isEmpty)
        sim.run(until: 1006)
        #expect(sim.abandoned.count == 1)
    }

    @Test func aTimedOutProcessIsolatedCallIsNotLeftBehindAtTheEnd() throws {
        // Its worker is killed after the grace, so the call returns: no thread is written off.
        var sim = try RunSimulation(
            [agent("iso", timeout: 1, isolation: .process)], request: request(["iso"]), script: ["iso": [.hang]])
        sim.run()
        #expect(sim.outcome == .failed("did not complete: iso"))
        #expect(sim.abandoned.isEmpty)
        #expect(sim.events.last?.data?["abandoned_threads"] == nil)
    }

    // MARK: - Recovery

    @Test func skipSkipsHardDependentsTransitivelyAndRunsEverythingElse() throws {
        var sim = try RunSimulation(
            sevenAgents(), request: request(sevenNames, recovery: .skip),
            script: ["researcher": [.fail(after: 1, retryable: false)], "writer": [.fail(after: 1, retryable: false)]])
        sim.run()
        let status = sim.status
        #expect(status.names(.completed) == ["planner", "image"])
        #expect(status.names(.failed) == ["researcher", "writer"])
        #expect(status.names(.skipped) == ["editor", "seo", "social"])
        #expect(status.agents["editor"]?.message == "needs writer (hard), which failed")
        #expect(status.agents["seo"]?.message == "needs editor (hard), which was skipped")
        let skip = try #require(sim.events(.planResequenced).first { $0.data?["change"] == "skip" })
        #expect(skip.message == "writer failed: skipping its hard dependents editor, seo, social")
        #expect(sim.outcome == .failed("did not complete: researcher, writer, editor, seo, social"))
    }

    @Test func aSoftDependencyThatFailedReachesItsDependentAsAnError() throws {
        var sim = try RunSimulation(
            sevenAgents(), request: request(sevenNames), script: ["researcher": [.fail(after: 1, retryable: false)]])
        sim.run()
        let writer = try #require(sim.machine.state.indexByName["writer"])
        let entries = sim.machine.inputEntries(for: writer)
        #expect(entries.map(\.key) == ["planner", "researcher"])
        #expect(entries[1].value == ["error": "researcher failed on attempt 1"])
        #expect(sim.status.agents["writer"]?.state == .completed)
    }

    @Test func retryAlternativePutsAnotherAgentInPlaceWithTheSameDependencies() throws {
        let manifests = sevenAgents() + [agent("writer_lite", [.agent("planner")], order: 7)]
        var sim = try RunSimulation(
            manifests, request: request(sevenNames, recovery: .retryAlternative),
            script: ["writer": [.fail(after: 1, retryable: false)]])
        sim.run()
        #expect(sim.outcome == .completed)
        let change = try #require(sim.events(.planResequenced).first { $0.data?["change"] == "substitution" })
        #expect(change.data?["by"] == "writer_lite")
        #expect(change.message == "writer_lite takes the place of writer, which failed: writer failed on attempt 1")
        let editor = try #require(sim.machine.state.indexByName["editor"])
        #expect(sim.machine.inputEntries(for: editor).map(\.key) == ["writer"])
        #expect(sim.machine.inputEntries(for: editor).first?.value["agent"] == "writer_lite")
        #expect(sim.status.names(.completed).isSuperset(of: ["writer_lite", "editor", "seo", "social"]))
    }

    @Test func retryAlternativeWithoutAnAlternativeFallsBackToSkip() throws {
        var sim = try RunSimulation(
            sevenAgents(), request: request(sevenNames, recovery: .retryAlternative),
            script: ["writer": [.fail(after: 1, retryable: false)]])
        sim.run()
        #expect(sim.status.names(.skipped) == ["editor", "seo", "social"])
        let skip = sim.events(.planResequenced).first { $0.data?["change"] == "skip" }
        #expect(skip?.message?.hasPrefix("no alternative left for writer; ") == true)
    }

    @Test func replanContinuesOnAPlanWithoutTheFailedAgent() throws {
        let manifests = [
            agent("planner", order: 0),
            agent("writer", [.agent("planner")], capabilities: ["copywriting"], order: 1),
            agent("ghostwriter", [.agent("planner")], capabilities: ["copywriting"], order: 2),
            agent("editor", [.capability("copywriting")], order: 3),
        ]
        var sim = try RunSimulation(
            manifests, request: request(["editor"], recovery: .replan),
            script: ["writer": [.fail(after: 1, retryable: false)]])
        #expect(sim.plan.agents.map(\.name).contains("writer"))
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.starts.filter { $0.agent == "planner" }.count == 1)
        let change = try #require(sim.events(.planResequenced).first { $0.data?["change"] == "replan" })
        #expect(change.message?.hasPrefix("replanned without writer") == true)
        #expect(change.data?["agents"] == ["ghostwriter"])
        let editor = try #require(sim.machine.state.indexByName["editor"])
        #expect(sim.machine.inputEntries(for: editor).map(\.key) == ["ghostwriter"])
    }

    @Test func abortCancelsRunningAgentsAndStartsNothingMore() throws {
        let manifests = [agent("fails", order: 0), agent("slow", order: 1), agent("after", [.agent("slow")], order: 2)]
        var sim = try RunSimulation(
            manifests, request: request(["fails", "after"], recovery: .abort),
            script: ["fails": [.fail(after: 1, retryable: false)], "slow": [.cooperative(after: 100)]])
        sim.run()
        #expect(sim.outcome == .failed("fails failed: fails failed on attempt 1"))
        let status = sim.status
        #expect(status.names(.failed) == ["fails"])
        #expect(status.names(.cancelled) == ["slow"], "an agent stopped by the abort says cancelled")
        #expect(
            status.agents["slow"]?.message == "cancelled: workflow aborted: fails failed: fails failed on attempt 1")
        #expect(status.names(.skipped) == ["after"])
        #expect(sim.starts(of: "after").isEmpty)
    }

    @Test func abortAbandonsARunningAgentThatIgnoresTheStop() throws {
        let manifests = [agent("fails", order: 0), agent("deaf", order: 1)]
        var sim = try RunSimulation(
            manifests, request: request(["fails", "deaf"], recovery: .abort),
            script: ["fails": [.fail(after: 1, retryable: false)], "deaf": [.hang]], grace: 2)
        sim.run()
        #expect(sim.events.last?.timestamp == 1003)
        #expect(sim.status.agents["deaf"]?.message == "deaf did not stop within the grace period; abandoned")
        #expect(sim.abandoned.count == 1)
    }

    @Test func aManifestsRecoveryOverridesTheRequests() throws {
        var sim = try RunSimulation(
            sevenAgents(writerRecovery: .abort), request: request(sevenNames, recovery: .skip),
            script: ["writer": [.fail(after: 1, retryable: false)]])
        sim.run()
        #expect(sim.outcome == .failed("writer failed: writer failed on attempt 1"))
        #expect(sim.starts(of: "editor").isEmpty)
    }

    @Test func aTimeoutThenAnAlternative() throws {
        let manifests = [
            agent("writer", timeout: 2, alternatives: ["writer_lite"], order: 0),
            agent("writer_lite", order: 1), agent("editor", [.agent("writer")], order: 2),
        ]
        var sim = try RunSimulation(
            manifests, request: request(["editor"], recovery: .retryAlternative), script: ["writer": [.hang]])
        sim.run()
        #expect(sim.outcome == .completed)
        // The substitute starts at the deadline: the hung call keeps its slot but not the agent's place.
        #expect(sim.starts(of: "writer_lite") == [1002])
    }

    // MARK: - Control

    @Test func pauseStopsNewStartsAndResumeGoesOn() throws {
        var sim = try RunSimulation(chain, request: request(["c"]))
        sim.run(until: 1000.5)
        sim.pause()
        sim.run(until: 1010)
        #expect(sim.status.state == .paused)
        #expect(sim.status.agents["a"]?.state == .completed)
        #expect(sim.starts(of: "b").isEmpty)
        #expect(sim.outcome == nil)
        sim.resume()
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.starts(of: "b") == [1010])
    }

    @Test func cancelTellsRunningAgentsToStopAndEndsTheWorkflow() throws {
        var sim = try RunSimulation(chain, request: request(["c"]), script: ["a": [.cooperative(after: 100)]])
        sim.run(until: 1001)
        sim.cancel("user pressed cancel")
        sim.run()
        #expect(sim.outcome == .cancelled("user pressed cancel"))
        #expect(sim.status.state == .cancelled)
        #expect(sim.status.agents["a"]?.message == "cancelled: workflow cancelled: user pressed cancel")
        #expect(sim.starts(of: "b").isEmpty)
    }

    @Test func interruptStopsWithoutSettlingAndKeepsWhatCompleted() throws {
        let manifests = [agent("quick", order: 0), agent("long", order: 1), agent("after", [.agent("long")], order: 2)]
        var sim = try RunSimulation(
            manifests, request: request(["quick", "after"]),
            script: ["quick": [.succeed(after: 1)], "long": [.cooperative(after: 100)]])
        sim.run(until: 1002)
        sim.interrupt("interrupted (SIGINT)")
        sim.run()
        #expect(sim.outcome == .interrupted("interrupted (SIGINT)"))
        let status = sim.status
        #expect(status.state == .interrupted)
        #expect(status.agents["quick"]?.state == .completed)
        #expect(status.agents["long"]?.state == .waiting)
        #expect(status.agents["after"]?.state == .waiting)
        #expect(sim.events(.agentFailed).isEmpty)
        #expect(sim.events.last?.type == .workflowInterrupted)
    }

    @Test func aRecorderFailureFailsTheRunAndStopsWhatRuns() throws {
        var sim = try RunSimulation(chain, request: request(["c"]), script: ["a": [.cooperative(after: 100)]])
        sim.run(until: 1001)
        sim.recorderFailed("the recorder failed: disk full")
        sim.run()
        #expect(sim.outcome == .failed("the recorder failed: disk full"))
        #expect(sim.starts(of: "b").isEmpty)
    }

    @Test func aResumedRunStartsOnlyWhatWasNotDoneAndContinuesTheAttemptCount() throws {
        var sim = try RunSimulation(
            chain, request: request(["c"]),
            resume: ResumeState(completedOutputs: ["a": ["from": "before"]], attempts: ["b": 1], lastSequence: 41))
        sim.run()
        #expect(sim.outcome == .completed)
        #expect(sim.starts.map(\.agent) == ["b", "c"])
        #expect(sim.starts.first?.attempt == 2)
        #expect(sim.events.first?.data?["completed"] == ["a"])
    }

    // MARK: - The property: any DAG, any failures

    @Test(arguments: 0..<60)
    func everyRunEndsConsistently(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &* 7919 &+ 3)
        let count = Int.random(in: 3...14, using: &random)
        var manifests: [Manifest] = []
        for index in 0..<count {
            var dependencies: [Dependency] = []
            for earlier in 0..<index where Int.random(in: 0..<4, using: &random) == 0 {
                let type: DependencyType = Int.random(in: 0..<3, using: &random) == 0 ? .soft : .hard
                dependencies.append(.agent("n\(earlier)", type))
            }
            manifests.append(
                agent(
                    "n\(index)", dependencies, estimate: Double.random(in: 1...5, using: &random),
                    retries: Int.random(in: 0...2, using: &random), timeout: Double.random(in: 2...6, using: &random),
                    resources: Bool.random(using: &random) ? ["llm": 1] : [:],
                    capabilities: ["cap\(index % 3)"], parallelSafe: Bool.random(using: &random), order: index))
        }
        var script: [String: [Step]] = [:]
        for manifest in manifests {
            script[manifest.name] = (0..<3).map { _ in
                switch Int.random(in: 0..<10, using: &random) {
                case 0: return .fail(after: Double.random(in: 0.1...3, using: &random), retryable: true)
                case 1: return .fail(after: Double.random(in: 0.1...3, using: &random), retryable: false)
                case 2: return .hang
                case 3: return .cooperative(after: Double.random(in: 0.1...9, using: &random))
                case 4: return .lateAfterCancel(seconds: Double.random(in: 0.1...4, using: &random))
                default: return .succeed(after: Double.random(in: 0.1...4, using: &random))
                }
            }
        }
        let strategy = [Strategy.adaptive, .parallel, .sequential][seed % 3]
        let recovery = [Manifest.RecoveryStrategy.skip, .abort, .retryAlternative, .replan][(seed / 3) % 4]
        let limit = Int.random(in: 1...4, using: &random)
        let jitter = SeededRandom(seed: UInt64(seed))
        var sim = try RunSimulation(
            manifests,
            request: request(
                manifests.map(\.name), strategy: strategy, recovery: recovery,
                maxConcurrency: limit, resources: ["llm": 1]),
            script: script, grace: 1.5, retry: RetryPolicy(initialInterval: 0.5), random: { jitter.next() })
        let control = seed % 5
        if control == 1 || control == 2 {
            sim.run(until: 1000 + Double.random(in: 0...6, using: &random))
            if control == 1 { sim.cancel("test cancel") } else { sim.interrupt("test interrupt") }
        }
        sim.run()

        let outcome = try #require(sim.outcome, "seed \(seed): the run never finished")
        let status = sim.status
        #expect(status.state == fold(outcome), "seed \(seed)")
        #expect(sim.events.filter { $0.type.isTerminal || $0.type == .workflowInterrupted }.count == 1)
        #expect(sim.peakCalls <= limit, "seed \(seed)")
        #expect((sim.peakResources["llm"] ?? 0) <= 1, "seed \(seed)")
        // The machine and the fold of its events agree on every agent.
        for (name, state) in sim.machineStates {
            #expect(status.agents[name]?.state == state, "seed \(seed): \(name)")
        }
        let interrupted = { if case .interrupted = outcome { return true } else { return false } }()
        for (name, state) in sim.machineStates where !interrupted && control != 1 {
            // Without cancel or interrupt every agent reaches exactly one final state (an abort cancels).
            #expect([.completed, .failed, .skipped, .cancelled].contains(state), "seed \(seed): \(name) is \(state)")
        }
        for name in sim.machineStates.keys {
            let finals = sim.events.filter { event in
                event.agent == name
                    && (event.type == .agentCompleted || event.type == .agentSkipped
                        || (event.type == .agentFailed && event.data?["final"] == true))
            }
            #expect(finals.count <= 1, "seed \(seed): \(name) settled \(finals.count) times")
        }
        // No agent starts before each of its hard dependencies completed.
        let completedAt = Dictionary(
            sim.events.filter { $0.type == .agentCompleted }.map { ($0.agent!, $0.sequence) }, uniquingKeysWith: min)
        for event in sim.events where event.type == .agentStarted {
            let node = try #require(sim.machine.state.indexByName[event.agent!])
            for edge in sim.machine.state.nodes[node].dependencies where edge.type == .hard {
                let dependency = sim.machine.state.nodes[edge.node].name
                let done = try #require(
                    completedAt[dependency], "seed \(seed): \(event.agent!) ran without \(dependency)")
                #expect(done < event.sequence)
            }
        }
        // No attempt of an agent overlaps another one that still holds a slot.
        let starts = sim.starts.map { "\($0.agent)#\($0.attempt)" }
        #expect(Set(starts).count == starts.count, "seed \(seed): an attempt started twice")
    }

    private func fold(_ outcome: RunStateMachine.Outcome) -> WorkflowStatus.State {
        switch outcome {
        case .completed: return .completed
        case .failed: return .failed
        case .cancelled: return .cancelled
        case .interrupted: return .interrupted
        }
    }
}

/// A seeded jitter source usable from a `@Sendable` closure.
final class SeededRandom: @unchecked Sendable {
    private let lock = NSLock()
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    func next() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return Double.random(in: 0..<1, using: &generator)
    }
}
