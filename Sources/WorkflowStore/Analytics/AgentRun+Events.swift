import AgentCatalog
import WorkflowEvents

extension AgentRun {
    /// The attempts a workflow's events describe, as `record` writes them to `agent_runs`:
    /// what a run without a store (its events in memory) has in place of the table, so its
    /// analytics are computed the same way.
    public static func runs(from events: some Sequence<WorkflowEvent>) -> [AgentRun] {
        var runs: [AgentRun] = []
        var index: [String: Int] = [:]
        func key(_ agent: String, _ attempt: Int) -> String { "\(attempt) \(agent)" }
        var started = false
        for event in events {
            switch event.type {
            case .workflowStarted:
                if started { closeRunning(&runs, at: event.timestamp, reason: "the host stopped before this attempt ended") }
                started = true
            case .agentStarted:
                guard let agent = event.agent else { continue }
                let attempt = event.attempt ?? 1
                let run = AgentRun(
                    agent: agent, attempt: attempt, status: .running, startedAt: event.timestamp,
                    workerPid: event.data?["worker_pid"]?.integerValue.map(Int.init))
                if let at = index[key(agent, attempt)] { runs[at] = run } else {
                    index[key(agent, attempt)] = runs.count
                    runs.append(run)
                }
            case .agentCompleted, .agentFailed:
                guard let agent = event.agent else { continue }
                let attempt = event.attempt ?? 1
                let reported = event.data?["duration_seconds"]?.doubleValue
                // An end without a start (the start was not kept): it started `reported` before.
                let at = index[key(agent, attempt)] ?? {
                    index[key(agent, attempt)] = runs.count
                    let start = event.type == .agentCompleted ? event.timestamp - (reported ?? 0) : event.timestamp
                    runs.append(AgentRun(agent: agent, attempt: attempt, status: .running, startedAt: start))
                    return runs.count - 1
                }()
                runs[at].finishedAt = event.timestamp
                if event.type == .agentCompleted {
                    runs[at].status = .completed
                    runs[at].durationSeconds = reported ?? event.timestamp - runs[at].startedAt
                    runs[at].error = nil
                } else {
                    runs[at].status = .failed
                    runs[at].durationSeconds = event.timestamp - runs[at].startedAt
                    runs[at].error = event.message
                    runs[at].retryable = event.data?["retryable"]?.boolValue
                    runs[at].timedOut = event.data?["timed_out"]?.boolValue
                    runs[at].signal = EventWriter.signalNumber(event.data?["signal"]).map(Int.init)
                }
                if let pid = event.data?["worker_pid"]?.integerValue { runs[at].workerPid = Int(pid) }
            case .agentRetrying:
                guard let agent = event.agent else { continue }
                for at in runs.indices where runs[at].agent == agent && runs[at].status == .running {
                    runs[at].status = .failed
                    runs[at].finishedAt = event.timestamp
                    runs[at].durationSeconds = event.timestamp - runs[at].startedAt
                    runs[at].error = runs[at].error ?? event.message
                }
            case .workflowInterrupted, .workflowCompleted, .workflowFailed, .workflowCancelled:
                closeRunning(&runs, at: event.timestamp, reason: event.message ?? "workflow ended (\(event.type.rawValue))")
            case .agentProgress, .agentLog, .agentSkipped, .planResequenced, .workflowPaused, .workflowResumed,
                .workflowRetried:
                break
            }
        }
        return runs.sorted { ($0.startedAt, $0.agent, $0.attempt) < ($1.startedAt, $1.agent, $1.attempt) }
    }

    private static func closeRunning(_ runs: inout [AgentRun], at time: Double, reason: String) {
        for at in runs.indices where runs[at].status == .running {
            runs[at].status = .interrupted
            runs[at].finishedAt = time
            runs[at].durationSeconds = time - runs[at].startedAt
            runs[at].error = runs[at].error ?? reason
        }
    }
}
