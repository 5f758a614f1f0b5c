import AgentCatalog
import Foundation
import Testing
import TestSupport

@testable import HostCluster

@Suite(.enabled(if: PostgresServer.isAvailable, "\(PostgresServer.unavailableReason ?? "")"))
struct AttemptQueueTests {
    @Test func migrationsApplyOnceEvenWhenSeveralProcessesOpenTogether() throws {
        let (database, url, server) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        // Three more pools migrate the same database at once: the advisory lock serializes them.
        let errors = LockedErrors()
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            do {
                let other = try ClusterDatabase(url: ClusterURL(url), logger: ClusterTestDatabase.logger)
                other.close()
            } catch {
                errors.append("\(error)")
            }
        }
        #expect(errors.all.isEmpty)
        let name = String(url.split(separator: "/").last!)
        #expect(try server.psql("select string_agg(version::text, ',' order by version) from cluster_migrations", database: name) == "1")
        let tables = try server.psql(
            "select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'public'",
            database: name)
        #expect(tables == "attempt_queue,cluster_migrations,node_agents,nodes")
        // A database migrated by a newer agenthost is refused with a message saying so.
        try server.psql("insert into cluster_migrations(version, name) values (99, 'future')", database: name)
        #expect {
            try ClusterDatabase(url: ClusterURL(url), logger: ClusterTestDatabase.logger)
        } throws: { error in
            "\(error)".contains("schema version 99 is newer than this agenthost knows (1)")
        }
    }

    @Test func claimsComeHighestPriorityFirstAndOnlyForWhatTheNodeRegistered() throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        try register(database, "n1", ["a": "sha-a", "b": "sha-b"])
        try sync(database) { queue in
            try await queue.enqueue(queued("wf", "a", sha: "sha-a", priority: 1))
            try await queue.enqueue(queued("wf", "b", sha: "sha-b", priority: 3))
            try await queue.enqueue(queued("wf2", "a", sha: "sha-a", priority: 5))
            // Not claimable by n1: an agent it did not register, and a library it does not have.
            try await queue.enqueue(queued("wf", "c", sha: "sha-c", priority: 100))
            try await queue.enqueue(queued("wf3", "a", sha: "sha-other", priority: 100))
        }
        var order: [String] = []
        for _ in 0..<4 {
            let claimed = try sync(database) { try await $0.claim(node: "n1", limit: 1, leaseSeconds: 3) }
            order += claimed.map { "\($0.key.workflowId)/\($0.key.agent)" }
        }
        #expect(order == ["wf2/a", "wf/b", "wf/a"])
        // A batch claim comes back in priority order too.
        try sync(database) { queue in
            for index in 0..<5 { try await queue.enqueue(queued("wf4", "a", attempt: index + 1, sha: "sha-a", priority: Double(index))) }
        }
        let batch = try sync(database) { try await $0.claim(node: "n1", limit: 3, leaseSeconds: 3) }
        #expect(batch.map(\.key.attempt) == [5, 4, 3])
        #expect(batch.first?.input == Array(#"{"agent":"a"}"#.utf8))
    }

    @Test func twoClaimersNeverGetTheSameRow() async throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        try register(database, "n1", ["a": "sha-a"])
        try register(database, "n2", ["a": "sha-a"])
        let queue = database.queue
        for index in 0..<80 {
            try await queue.enqueue(queued("wf", "a", attempt: index + 1, sha: "sha-a", priority: Double(index % 7)))
        }
        func drain(_ node: String) async throws -> [Int] {
            var got: [Int] = []
            while true {
                let claimed = try await queue.claim(node: node, limit: 3, leaseSeconds: 3)
                if claimed.isEmpty { return got }
                got += claimed.map(\.key.attempt)
            }
        }
        async let first = drain("n1")
        async let second = drain("n2")
        let (one, two) = try await (first, second)
        #expect(Set(one).isDisjoint(with: two))
        #expect(one.count + two.count == 80)
        #expect(Set(one + two) == Set(1...80))
        // Each row is leased to the claimer that got it.
        let rows = try await queue.rows(one.map { AttemptKey(workflowId: "wf", agent: "a", attempt: $0) })
        #expect(rows.allSatisfy { $0.state == .leased && $0.node == "n1" })
    }

    @Test func aCompletionAfterTheLeaseMovedOnIsRefused() throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        let t0 = 2_000_000_000.0
        try register(database, "n1", ["a": "sha-a"], now: t0)
        try register(database, "n2", ["a": "sha-a"], now: t0)
        let first = AttemptKey(workflowId: "wf", agent: "a", attempt: 1)
        try sync(database) { try await $0.enqueue(queued("wf", "a", sha: "sha-a", priority: 1), now: t0) }
        let claimed = try sync(database) { try await $0.claim(node: "n1", limit: 1, leaseSeconds: 3, now: t0) }
        #expect(claimed.map(\.key) == [first])
        // A renewal at t0+1 holds the lease to t0+4.
        let renewal = try sync(database) { try await $0.renew(node: "n1", leaseSeconds: 3, slotsInUse: 1, now: t0 + 1) }
        #expect(renewal.held.keys.sorted { $0.attempt < $1.attempt } == [first])
        #expect(try sync(database) { try await $0.reap(workflowIds: ["wf"], now: t0 + 3.9) }.isEmpty)
        let lost = try sync(database) { try await $0.reap(workflowIds: ["wf"], now: t0 + 4.1) }
        #expect(lost.map(\.key) == [first])
        #expect(lost.first?.state == .lost)
        #expect(lost.first?.error?.message == "node n1 lost (its lease ended)")
        #expect(lost.first?.error?.retryable == true)
        // n1 comes back (it was frozen): its completion is refused and nothing changes.
        let late = try sync(database) {
            try await $0.complete(first, node: "n1", report: .succeeded(["from": "n1"]), workerPid: 7, now: t0 + 5)
        }
        #expect(late == false)
        #expect(try sync(database) { try await $0.rows([first]) }.first?.state == .lost)
        // Its next renewal no longer lists the attempt, so it cancels its copy.
        let after = try sync(database) { try await $0.renew(node: "n1", leaseSeconds: 3, slotsInUse: 1, now: t0 + 5) }
        #expect(after.held.isEmpty)
        // The retry on n2 commits; a second committed output for the agent is impossible.
        let second = AttemptKey(workflowId: "wf", agent: "a", attempt: 2)
        try sync(database) { try await $0.enqueue(queued("wf", "a", attempt: 2, sha: "sha-a", priority: 1), now: t0 + 5) }
        #expect(try sync(database) { try await $0.claim(node: "n2", limit: 1, leaseSeconds: 3, now: t0 + 5) }.map(\.key) == [second])
        let accepted = try sync(database) {
            try await $0.complete(second, node: "n2", report: .succeeded(["from": "n2"]), workerPid: 8, now: t0 + 6)
        }
        #expect(accepted)
        // Wrong node, or a row that is done already: refused.
        #expect(
            try sync(database) { try await $0.complete(second, node: "n1", report: .succeeded([:]), workerPid: nil) } == false)
        let outputs = try sync(database) { try await $0.committedOutputs(workflowId: "wf") }
        #expect(outputs["a"]?.output == ["from": "n2"])
        #expect(outputs["a"]?.node == "n2")
        #expect(outputs["a"]?.workerPid == 8)
    }

    @Test func aSecondCommittedOutputForTheSameAgentIsRefused() throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        try register(database, "n1", ["a": "sha-a"])
        try sync(database) { queue in
            try await queue.enqueue(queued("wf", "a", attempt: 1, sha: "sha-a", priority: 1))
            try await queue.enqueue(queued("wf", "a", attempt: 2, sha: "sha-a", priority: 1))
        }
        let claimed = try sync(database) { try await $0.claim(node: "n1", limit: 2, leaseSeconds: 30) }
        #expect(claimed.count == 2)
        let results = try claimed.map { attempt in
            try sync(database) { try await $0.complete(attempt.key, node: "n1", report: .succeeded(["n": .integer(Int64(attempt.key.attempt))]), workerPid: nil) }
        }
        #expect(results == [true, false])
        #expect(try sync(database) { try await $0.committedOutputs(workflowId: "wf") }.count == 1)
    }

    @Test func liveRegistrationsAreThoseWithAHeartbeatYoungerThanTheirLease() throws {
        let (database, _, _) = try ClusterTestDatabase.fresh()
        defer { database.close() }
        let t0 = 2_000_000_000.0
        try register(database, "n1", ["a": "sha-a"], now: t0)
        try register(database, "n2", ["b": "sha-b"], now: t0 + 2)
        let at4 = try sync(database) { try await $0.liveRegistrations(now: t0 + 4) }
        #expect(at4.map(\.node) == ["n2"])
        _ = try sync(database) { try await $0.renew(node: "n1", leaseSeconds: 3, slotsInUse: 0, now: t0 + 4) }
        let renewed = try sync(database) { try await $0.liveRegistrations(now: t0 + 4.5) }
        #expect(renewed.map(\.agent.agent) == ["a", "b"])
        try sync(database) { try await $0.deregister(node: "n1") }
        #expect(try sync(database) { try await $0.liveRegistrations(now: t0 + 4.5) }.map(\.node) == ["n2"])
    }
}

/// Errors collected from several threads.
final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func append(_ error: String) { lock.withLock { errors.append(error) } }
    var all: [String] { lock.withLock { errors } }
}
