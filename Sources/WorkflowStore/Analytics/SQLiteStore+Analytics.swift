import AgentCatalog
import Foundation
import GRDB
import WorkflowEvents

extension SQLiteStore {
    /// Estimated vs actual per agent and in total, the realized critical path, bottlenecks,
    /// retries and recommendations for a stored workflow (finished or not).
    /// - Throws: `StoreError.unknownWorkflow`, `.badData`.
    public func analytics(workflowId: String, now: Double = Date().timeIntervalSince1970) throws(StoreError) -> WorkflowAnalytics {
        let status = try status(workflowId: workflowId, now: now)
        let runs = try runs(workflowId: workflowId)
        let dependencies = try dependencies(workflowId: workflowId).mapValues { $0.map(\.agent) }
        let (estimates, estimatedSeconds) = try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.agent, a.estimate_seconds FROM plan_agents a JOIN workflows w ON w.plan_id = a.plan_id
                    WHERE w.id = ? AND a.estimate_seconds IS NOT NULL
                    """,
                arguments: [workflowId])
            let total = try Double.fetchOne(
                db,
                sql: "SELECT p.estimated_seconds FROM execution_plans p JOIN workflows w ON w.plan_id = p.id WHERE w.id = ?",
                arguments: [workflowId])
            return (Dictionary(rows.map { ($0["agent"] as String, $0["estimate_seconds"] as Double) }, uniquingKeysWith: { a, _ in a }), total)
        }
        return WorkflowAnalytics.compute(
            status: status, runs: runs, dependencies: dependencies, estimates: estimates,
            estimatedSeconds: status.estimatedSeconds ?? estimatedSeconds)
    }

    /// The self-contained HTML report of a stored workflow (see `RunReport`).
    /// - Throws: `StoreError.unknownWorkflow`, `.badData`.
    public func reportHTML(workflowId: String, now: Double = Date().timeIntervalSince1970) throws(StoreError) -> String {
        let analytics = try analytics(workflowId: workflowId, now: now)
        let status = try status(workflowId: workflowId, now: now)
        let title = try read { db in
            try String.fetchOne(db, sql: "SELECT title FROM workflows WHERE id = ?", arguments: [workflowId])
        }
        return RunReport.html(
            title: title ?? workflowId, status: status, runs: try runs(workflowId: workflowId),
            dependencies: try dependencies(workflowId: workflowId), plan: try plan(workflowId: workflowId),
            analytics: analytics, generatedAt: now, artifacts: try artifactFiles(workflowId: workflowId, status: status))
    }

    /// Each agent's artifact files (its output's `artifacts` names) as absolute paths inside
    /// the workflow's artifacts folder (from its first event); names that climb out are left out.
    func artifactFiles(workflowId: String, status: WorkflowStatus) throws(StoreError) -> [String: [String]] {
        guard let folder = try events(workflowId: workflowId, limit: 1).first?.data?["artifacts_dir"]?.stringValue
        else { return [:] }
        var files: [String: [String]] = [:]
        for agent in status.order where status.agents[agent]?.state == .completed {
            let names = try output(workflowId: workflowId, agent: agent)?["artifacts"]?.arrayValue ?? []
            let paths = names.compactMap(\.stringValue).filter { !$0.hasPrefix("/") && !$0.split(separator: "/").contains("..") }
            if !paths.isEmpty { files[agent] = paths.map { folder + "/" + $0 } }
        }
        return files
    }
}
