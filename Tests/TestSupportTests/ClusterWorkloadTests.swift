import Foundation
import TestSupport
import Testing

struct ClusterWorkloadTests {
    @Test func writesARootAFanOutAndAChainOfNumberedExecAgents() throws {
        let folder = NSTemporaryDirectory() + "cluster-workload-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let workload = try ClusterWorkload(fanOut: 3, chain: 2, sleepMilliseconds: 250, maxConcurrency: 6, in: folder)
        #expect(workload.agents == ["n000", "n001", "n002", "n003", "n004", "n005"])
        #expect(workload.dependencies(of: "n000") == [])
        #expect(["n001", "n002", "n003", "n004"].map(workload.dependencies(of:)) == Array(repeating: ["n000"], count: 4))
        #expect(workload.dependencies(of: "n005") == ["n004"])
        #expect(Array(workload.chainAgents) == ["n004", "n005"])

        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: workload.manifestFolder + "/n005.json"))) as? [String: Any]
        #expect(manifest?["entry"] as? String == "exec_entry_any")
        #expect(manifest?["dependencies"] as? [String] == ["n004"])
        #expect(manifest?["estimate_seconds"] as? Double == 0.25)
        let config = manifest?["config"] as? [String: Any]
        #expect(config?["sleep_ms"] as? Int == 250)
        #expect(config?["started"] as? String == workload.startedLog)
        let request = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: workload.requestFile))) as? [String: Any]
        #expect((request?["goal"] as? [String: Any])?["agents"] as? [String] == workload.agents)
        #expect(request?["max_concurrency"] as? Int == 6)
    }

    @Test func readsCompleteLogLinesOnly() throws {
        let folder = NSTemporaryDirectory() + "cluster-workload-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let workload = try ClusterWorkload(fanOut: 1, chain: 0, sleepMilliseconds: 0, maxConcurrency: 1, in: folder)
        try "n000 1 10\nn001 1 11\nn001 2 12\nn000 1".write(toFile: workload.startedLog, atomically: true, encoding: .utf8)
        try "n000 1 100 200 10\nn001 2 300".write(toFile: workload.recordLog, atomically: true, encoding: .utf8)
        #expect(workload.executions().map(\.agent) == ["n000", "n001", "n001"])
        #expect(workload.executionCounts() == ["n000": 1, "n001": 2])
        #expect(workload.records().map(\.end) == [200])
    }
}
