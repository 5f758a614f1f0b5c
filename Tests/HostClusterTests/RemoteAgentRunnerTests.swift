import AgentCatalog
import Foundation
import Testing
import TestSupport
import WorkflowExecution

@testable import HostCluster

/// The host's runner against a real database, with the test playing the node through the
/// queue statements. Lease expiry is decided by the database's clock: the test's node claims
/// with a time in the past, so its lease has ended when the reaper first looks.
@Suite(.enabled(if: PostgresServer.isAvailable, "\(PostgresServer.unavailableReason ?? "")"))
struct RemoteAgentRunnerTests {
    private func key(_ workflow: String, _ agent: String, _ attempt: Int) -> AttemptKey {
        AttemptKey(workflowId: workflow, agent: agent, attempt: attempt)
    }

    @Test func anAttemptIsQueuedClaimedAndItsCommittedOutputReturned() throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        try register(database, "n1", ["writer": "sha-w"])
        let runner = RemoteAgentRunner(database: database, logger: ClusterTestDatabase.logger)
        defer { runner.shutdown() }
        let context = RecordingContext()
        let attempt = BackgroundAttempt(runner, attemptRequest("wf", "writer", attempt: 1, context: context))
        var claimed: [ClaimedAttempt] = []
        #expect(try eventually { claimed = try sync(database) { try await $0.claim(node: "n1", limit: 1, leaseSeconds: 30) }; return !claimed.isEmpty })
        #expect(claimed.first?.input == Array(#"{"agent":"writer"}"#.utf8))
        #expect(claimed.first?.pluginSha256 == "sha-w")
        let accepted = try sync(database) {
            try await $0.complete(self.key("wf", "writer", 1), node: "n1", report: .succeeded(["text": "hi"]), workerPid: 42)
        }
        #expect(accepted)
        let result = try #require(attempt.wait())
        guard case .succeeded(let output) = result.outcome else { Issue.record("\(result.outcome)"); return }
        #expect(output == ["text": "hi"])
        #expect(result.node == "n1")
        #expect(result.workerPid == 42)
        #expect(context.logged.contains("claimed by node n1 (attempt 1)"))
    }

    @Test func anExpiredLeaseIsReapedIntoARetryableNodeLoss() throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        try register(database, "n1", ["writer": "sha-w"])
        let runner = RemoteAgentRunner(database: database, logger: ClusterTestDatabase.logger)
        defer { runner.shutdown() }
        let attempt = BackgroundAttempt(runner, attemptRequest("wf", "writer", attempt: 1))
        let past = Date().timeIntervalSince1970 - 3600
        #expect(try eventually { !(try sync(database) { try await $0.claim(node: "n1", limit: 1, leaseSeconds: 3, now: past) }).isEmpty })
        let result = try #require(attempt.wait())
        #expect(result.lostNode == "n1")
        guard case .failed(let message, let retryable) = result.outcome else { Issue.record("\(result.outcome)"); return }
        #expect(message == "node n1 lost (its lease ended)")
        #expect(retryable)
        // The node's late completion is refused.
        let late = try sync(database) {
            try await $0.complete(self.key("wf", "writer", 1), node: "n1", report: .succeeded([:]), workerPid: nil)
        }
        #expect(late == false)
    }

    @Test func aCommittedOutputIsAdoptedInsteadOfRunningTheAgentAgain() throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        try register(database, "n1", ["writer": "sha-w", "editor": "sha-e"])
        // A host queued attempt 1 of writer and died; n1 committed it. Attempt 1 of editor is
        // still running on n1.
        try sync(database) { queue in
            try await queue.enqueue(queued("wf", "writer", sha: "sha-w", priority: 2))
            try await queue.enqueue(queued("wf", "editor", sha: "sha-e", priority: 1))
            _ = try await queue.claim(node: "n1", limit: 2, leaseSeconds: 30)
            _ = try await queue.complete(self.key("wf", "writer", 1), node: "n1", report: .succeeded(["text": "draft"]), workerPid: 5)
        }
        let runner = RemoteAgentRunner(database: database, logger: ClusterTestDatabase.logger)
        defer { runner.shutdown() }
        // `resume` retries both as attempt 2.
        let context = RecordingContext()
        let writer = runner.runAttempt(attemptRequest("wf", "writer", attempt: 2, context: context))
        guard case .succeeded(let output) = writer.outcome else { Issue.record("\(writer.outcome)"); return }
        #expect(output == ["text": "draft"])
        #expect(writer.node == "n1")
        #expect(context.logged == ["adopted the output node n1 committed for attempt 1"])
        let editor = BackgroundAttempt(runner, attemptRequest("wf", "editor", attempt: 2))
        _ = try sync(database) {
            try await $0.complete(self.key("wf", "editor", 1), node: "n1", report: .succeeded(["text": "edited"]), workerPid: 6)
        }
        let edited = try #require(editor.wait())
        guard case .succeeded(let editedOutput) = edited.outcome else { Issue.record("\(edited.outcome)"); return }
        #expect(editedOutput == ["text": "edited"])
        // Neither agent was queued again.
        let second = try sync(database) { try await $0.rows([self.key("wf", "writer", 2), self.key("wf", "editor", 2)]) }
        #expect(second.isEmpty)
    }

    @Test func aCancelledAttemptThatNoNodeClaimedIsCancelledInTheQueue() throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        try register(database, "n1", ["writer": "sha-w"])
        let runner = RemoteAgentRunner(database: database, logger: ClusterTestDatabase.logger)
        defer { runner.shutdown() }
        let cancellation = AttemptCancellation()
        let attempt = BackgroundAttempt(runner, attemptRequest("wf", "writer", attempt: 1, cancellation: cancellation))
        #expect(try eventually { !(try sync(database) { try await $0.rows([self.key("wf", "writer", 1)]) }).isEmpty })
        cancellation.cancel(reason: "workflow cancelled")
        let result = try #require(attempt.wait())
        guard case .cancelled(let message) = result.outcome else { Issue.record("\(result.outcome)"); return }
        #expect(message == "workflow cancelled")
        #expect(try sync(database) { try await $0.claim(node: "n1", limit: 1, leaseSeconds: 3) }.isEmpty)
    }

    @Test func anAgentNoLiveNodeRegisteredIsNamedWithHowToStartANode() throws {
        let (database, url, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        try register(database, "n1", ["writer": "sha-w"])
        let runner = RemoteAgentRunner(database: database, logger: ClusterTestDatabase.logger)
        defer { runner.shutdown() }
        #expect(runner.problem(loading: Manifest(name: "writer")) == nil)
        let problem = runner.problem(loading: Manifest(name: "editor", version: "2.0.0"))
        #expect(
            problem
                == "no live node of the cluster registered 'editor' (version 2.0.0); start one on a machine that has "
                + "the agent's manifest and library: agenthost node --cluster \(url) --slots 4 --manifests DIR")
    }
}

struct LeaseKeeperTests {
    @Test func renewsEveryThirdOfALeaseAndGivesUpOnceAWholeLeasePassedWithoutOne() {
        var keeper = LeaseKeeper(leaseSeconds: 3, now: 100)
        #expect(keeper.decide(at: 100.5) == .wait(until: 101))
        #expect(keeper.decide(at: 101) == .renew)
        keeper.renewed(at: 101, succeeded: true)
        #expect(keeper.decide(at: 101.2) == .wait(until: 102))
        // The database stops answering.
        keeper.renewed(at: 102, succeeded: false)
        keeper.renewed(at: 103, succeeded: false)
        #expect(keeper.decide(at: 103.5) == .wait(until: 104))
        #expect(keeper.decide(at: 104) == .giveUp(lastRenewed: 101))
        // Given up once; renewals go on.
        #expect(keeper.decide(at: 104) == .renew)
        keeper.renewed(at: 104.1, succeeded: true)
        #expect(keeper.gaveUp == false)
        #expect(keeper.decide(at: 107.5) == .giveUp(lastRenewed: 104.1))
    }
}

struct ClusterURLTests {
    @Test func readsTCPAndSocketURLsAndNamesWhatIsWrong() throws {
        _ = try ClusterURL("postgres://postgres@127.0.0.1:5544/agenthost")
        _ = try ClusterURL("postgresql://u:p%40ss@db.internal/agenthost")
        _ = try ClusterURL("postgres:///agenthost?host=/var/run/postgresql")
        #expect(throws: ClusterError.self) { try ClusterURL("mysql://db/x") }
        #expect {
            try ClusterURL("postgres://db/x?sslmode=require")
        } throws: { error in
            "\(error)".hasPrefix("--cluster 'postgres://db/x?sslmode=require': sslmode=require is not supported yet")
        }
    }
}
