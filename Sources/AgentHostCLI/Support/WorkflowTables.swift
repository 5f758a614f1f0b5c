import AgentCatalog
import Foundation
import WorkflowExecution
import WorkflowStore

/// How stored workflows are shown to people (`status`, `history`) and to programs.
enum WorkflowTables {
    /// `status`: one line per workflow.
    static func list(_ summaries: [WorkflowSummary]) -> String {
        var table = TextTable("ID", "STATE", "PROGRESS", "AGENTS", "STARTED", "TITLE")
        for summary in summaries {
            table.append([
                summary.id, summary.state.rawValue, percent(summary.progressPercentage), counts(summary),
                summary.startedAt.map(date) ?? "-", summary.title ?? "",
            ])
        }
        return table.render() + "\(summaries.count) workflow(s)\n"
    }

    /// `history`: one line per workflow with its duration and outcome.
    static func history(_ summaries: [WorkflowSummary]) -> String {
        var table = TextTable("ID", "OUTCOME", "STARTED", "DURATION", "AGENTS", "TITLE")
        for summary in summaries {
            table.append([
                summary.id, summary.state.rawValue, summary.startedAt.map(date) ?? "-",
                duration(summary).map(RunView.seconds) ?? "-", counts(summary), summary.title ?? "",
            ])
        }
        return table.render()
    }

    /// A history line as JSON: the summary plus `duration_seconds` when it ended.
    static func historyJSON(_ summary: WorkflowSummary) -> JSONValue {
        guard case .object(var object) = summary.json else { return summary.json }
        if let seconds = duration(summary) { object["duration_seconds"] = .number(seconds) }
        return .object(object)
    }

    /// `status ID`: the workflow's header, a line per agent and the counts.
    static func status(_ status: WorkflowStatus) -> String {
        var header =
            "workflow \(status.workflowId): \(status.state.rawValue), \(percent(status.progressPercentage)) done"
        if let strategy = status.strategy { header += ", strategy \(strategy)" }
        header += "\n"
        if let started = status.startedAt {
            header += "started \(date(started))"
            if let end = status.finishedAt ?? status.lastTimestamp {
                header += ", elapsed \(RunView.seconds(end - started))"
            }
            if let estimate = status.estimatedSeconds { header += ", estimated \(RunView.seconds(estimate))" }
            if !status.state.isFinished, let eta = status.etaSeconds { header += ", ETA \(RunView.seconds(eta))" }
            header += "\n"
        }
        if let message = status.message { header += "\(message)\n" }
        var table = TextTable("AGENT", "STATE", "ATTEMPTS", "DURATION", "ESTIMATE", "NOTE")
        for name in status.order {
            guard let record = status.agents[name] else { continue }
            let duration = record.startedAt.flatMap { start in record.finishedAt.map { RunView.seconds($0 - start) } }
            table.append([
                name, record.state.rawValue, "\(record.attempts)", duration ?? "-",
                record.estimateSeconds.map(RunView.seconds) ?? "-", record.message ?? "",
            ])
        }
        let counts = WorkflowStatus.AgentState.allCases.map { "\(status.count($0)) \($0.rawValue)" }
        return header + "\n" + table.render() + "\n" + counts.joined(separator: ", ") + "\n"
    }

    // MARK: - Helpers

    private static func counts(_ summary: WorkflowSummary) -> String {
        var text = "\(summary.completed)/\(summary.agentCount) done"
        if summary.failed > 0 { text += ", \(summary.failed) failed" }
        if summary.skipped > 0 { text += ", \(summary.skipped) skipped" }
        return text
    }

    private static func duration(_ summary: WorkflowSummary) -> Double? {
        summary.startedAt.flatMap { start in summary.finishedAt.map { $0 - start } }
    }

    private static func percent(_ value: Double) -> String { String(format: "%.0f %%", value) }

    private static func date(_ seconds: Double) -> String {
        formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()
}
