import AgentCatalog

/// The live state of one workflow, as a fold over its events.
///
/// The executor applies each event as it emits it; the store rebuilds the same value from
/// `workflow_events` for another process. `json` is the seed's status shape:
/// `progress_percentage`, `agents_status`, `counts`, `execution_info`.
public struct WorkflowStatus: Sendable, Hashable {
    /// Where the whole workflow stands.
    public enum State: String, Sendable, Hashable, CaseIterable {
        case pending, running, paused, completed, failed, cancelled, interrupted

        /// Whether the workflow can change no more (short of `resume` for interrupted).
        public var isFinished: Bool { self == .completed || self == .failed || self == .cancelled }
    }

    /// Where one agent stands. `cancelled`: its last attempt was stopped by a cancel (of the
    /// workflow or by the agent itself), not failed by the agent.
    public enum AgentState: String, Sendable, Hashable, CaseIterable {
        case waiting, running, completed, failed, skipped, cancelled

        /// Whether the agent will change no more (short of `retry`).
        public var isFinal: Bool { self == .completed || self == .failed || self == .skipped || self == .cancelled }
    }

    /// One agent's record.
    public struct AgentRecord: Sendable, Hashable {
        public var state: AgentState = .waiting
        public var attempts = 0
        public var startedAt: Double?
        public var finishedAt: Double?
        public var progress: Double?
        public var estimateSeconds: Double?
        public var message: String?

        public init() {}
    }

    public var workflowId: String
    public var state: State = .pending
    /// Agents in plan order (agents added by recovery are appended).
    public var order: [String] = []
    public var agents: [String: AgentRecord] = [:]
    public var startedAt: Double?
    public var finishedAt: Double?
    public var estimatedSeconds: Double?
    public var strategy: String?
    public var recovery: String?
    public var lastSequence: Int64 = 0
    public var lastTimestamp: Double?
    public var message: String?

    public init(workflowId: String) { self.workflowId = workflowId }

    /// Builds the status from a whole event stream.
    public init(workflowId: String, events: some Sequence<WorkflowEvent>) {
        self.init(workflowId: workflowId)
        for event in events { apply(event) }
    }

    /// Number of agents in each state.
    public func count(_ state: AgentState) -> Int { agents.values.reduce(0) { $0 + ($1.state == state ? 1 : 0) } }

    /// Share of agents that completed, 0 to 100 (one decimal): a failed workflow never reads 100.
    public var progressPercentage: Double {
        Self.progressPercentage(completed: count(.completed), total: order.count, state: state)
    }

    /// `completed` of `total` agents as a percentage with one decimal; an empty workflow is at
    /// 100 once completed.
    public static func progressPercentage(completed: Int, total: Int, state: State) -> Double {
        guard total > 0 else { return state == .completed ? 100 : 0 }
        return (Double(completed) / Double(total) * 1000).rounded() / 10
    }
}

// MARK: - Folding events

extension WorkflowStatus {
    /// Applies one event. Events of another workflow or already applied are ignored.
    public mutating func apply(_ event: WorkflowEvent) {
        guard event.workflowId == workflowId, event.sequence > lastSequence else { return }
        lastSequence = event.sequence
        lastTimestamp = event.timestamp
        switch event.type {
        case .workflowStarted:
            state = .running
            startedAt = startedAt ?? event.timestamp
            finishedAt = nil
            strategy = event.data?["strategy"]?.stringValue ?? strategy
            recovery = event.data?["recovery"]?.stringValue ?? recovery
            estimatedSeconds = event.data?["estimated_seconds"]?.doubleValue ?? estimatedSeconds
            addAgents(event.data)
            // A resumed workflow lists the agents whose outputs were committed before.
            for value in event.data?["completed"]?.arrayValue ?? [] {
                update(value.stringValue) {
                    $0.state = .completed
                    $0.progress = 1
                }
            }
        case .planResequenced:
            addAgents(event.data)
        case .agentStarted:
            update(event.agent) {
                $0.state = .running
                $0.attempts = max($0.attempts, event.attempt ?? $0.attempts + 1)
                $0.startedAt = $0.startedAt ?? event.timestamp
                $0.progress = 0
            }
        case .agentProgress:
            update(event.agent) { $0.progress = event.progress }
        case .agentLog:
            break
        case .agentRetrying:
            update(event.agent) {
                $0.state = .waiting
                $0.message = event.message
            }
        case .agentCompleted:
            update(event.agent) {
                $0.state = .completed
                $0.finishedAt = event.timestamp
                $0.progress = 1
                $0.message = nil
            }
        case .agentFailed:
            let cancelled = event.data?["cancelled"]?.boolValue == true
            update(event.agent) {
                $0.state = cancelled ? .cancelled : .failed
                $0.finishedAt = event.timestamp
                $0.message = event.message
            }
        case .agentSkipped:
            update(event.agent) {
                $0.state = .skipped
                $0.finishedAt = event.timestamp
                $0.message = event.message
            }
        case .workflowPaused: state = .paused
        case .workflowResumed: state = .running
        case .workflowInterrupted:
            state = .interrupted
            message = event.message
            for name in order where agents[name]?.state == .running { agents[name]?.state = .waiting }
        case .workflowRetried:
            state = .pending
            finishedAt = nil
            message = event.message
            for value in event.data?["agents"]?.arrayValue ?? [] {
                update(value.stringValue) {
                    $0.state = .waiting
                    $0.startedAt = nil
                    $0.finishedAt = nil
                    $0.progress = nil
                    $0.message = nil
                }
            }
        case .workflowCancelled, .workflowCompleted, .workflowFailed:
            state = event.type == .workflowCompleted ? .completed : event.type == .workflowFailed ? .failed : .cancelled
            finishedAt = event.timestamp
            message = event.message
        }
    }

    /// Adds the agents named in `data.agents` (names) with `data.estimates` ({name: seconds}).
    private mutating func addAgents(_ data: JSONValue?) {
        let names = data?["agents"]?.arrayValue ?? []
        let estimates = data?["estimates"]?.objectValue ?? [:]
        agents.reserveCapacity(agents.count + names.count)
        order.reserveCapacity(order.count + names.count)
        for value in names {
            guard let name = value.stringValue else { continue }
            var record = agents[name] ?? AgentRecord()
            if agents[name] == nil { order.append(name) }
            if let estimate = estimates[name]?.doubleValue { record.estimateSeconds = estimate }
            agents[name] = record
        }
    }

    private mutating func update(_ agent: String?, _ change: (inout AgentRecord) -> Void) {
        guard let agent else { return }
        if agents[agent] == nil {
            order.append(agent)
            agents[agent] = AgentRecord()
        }
        change(&agents[agent]!)
    }
}

// MARK: - JSON (the seed's shape)

extension WorkflowStatus {
    /// Seconds left by the estimates: the unfinished agents' estimates, scaled by the
    /// plan's parallelism (estimated duration / total work); nil when nothing is known.
    public var etaSeconds: Double? {
        guard !state.isFinished else { return 0 }
        let estimates = order.compactMap { agents[$0]?.estimateSeconds }
        guard !estimates.isEmpty else { return nil }
        let total = estimates.reduce(0, +)
        let remaining = order.reduce(0.0) { sum, name in
            guard let record = agents[name], let estimate = record.estimateSeconds else { return sum }
            switch record.state {
            case .waiting: return sum + estimate
            case .running: return sum + estimate * (1 - (record.progress ?? 0))
            default: return sum
            }
        }
        let parallelism = total > 0 ? (estimatedSeconds ?? total) / total : 1
        return remaining * min(1, parallelism)
    }

    /// `{workflow_id, state, progress_percentage, agents_status, counts, execution_info, agents}`.
    public var json: JSONValue {
        var byState: JSONObject = [:]
        for agentState in AgentState.allCases {
            byState[agentState.rawValue] = .array(order.filter { agents[$0]?.state == agentState }.map { .string($0) })
        }
        var counts: JSONObject = ["total": .integer(Int64(order.count))]
        for agentState in AgentState.allCases { counts[agentState.rawValue] = .integer(Int64(count(agentState))) }
        var info: JSONObject = ["state": .string(state.rawValue), "last_sequence": .integer(lastSequence)]
        if let strategy { info["strategy"] = .string(strategy) }
        if let recovery { info["recovery"] = .string(recovery) }
        if let startedAt { info["started_at"] = .number(startedAt) }
        if let finishedAt { info["finished_at"] = .number(finishedAt) }
        if let startedAt, let end = finishedAt ?? lastTimestamp { info["elapsed_seconds"] = .number(end - startedAt) }
        if let estimatedSeconds { info["estimated_seconds"] = .number(estimatedSeconds) }
        if let eta = etaSeconds { info["eta_seconds"] = .number(eta) }
        if let message { info["message"] = .string(message) }
        var perAgent: JSONObject = [:]
        for name in order {
            guard let record = agents[name] else { continue }
            var entry: JSONObject = ["state": .string(record.state.rawValue), "attempts": .integer(Int64(record.attempts))]
            if let startedAt = record.startedAt { entry["started_at"] = .number(startedAt) }
            if let finishedAt = record.finishedAt { entry["finished_at"] = .number(finishedAt) }
            if let startedAt = record.startedAt, let finishedAt = record.finishedAt {
                entry["duration_seconds"] = .number(finishedAt - startedAt)
            }
            if let progress = record.progress { entry["progress"] = .number(progress) }
            if let estimate = record.estimateSeconds { entry["estimate_seconds"] = .number(estimate) }
            if let message = record.message { entry["message"] = .string(message) }
            perAgent[name] = .object(entry)
        }
        return .object([
            "workflow_id": .string(workflowId), "state": .string(state.rawValue),
            "progress_percentage": .number(progressPercentage), "agents_status": .object(byState),
            "counts": .object(counts), "execution_info": .object(info), "agents": .object(perAgent),
        ])
    }
}
