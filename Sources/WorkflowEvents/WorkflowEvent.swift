import AgentCatalog

/// One thing that happened in a workflow, in order.
///
/// Events are the single source of truth about a run: the store appends them to
/// `workflow_events`, the protocol streams them as `workflow/event` notifications, and
/// `status`, `analytics` and `report` are folds over them. `sequence` starts at 1 per
/// workflow and has no gaps.
public struct WorkflowEvent: Sendable, Hashable {
    /// 1-based position in the workflow's event stream; no gaps.
    public var sequence: Int64
    /// The workflow this event belongs to.
    public var workflowId: String
    /// What happened.
    public var type: EventType
    /// The agent concerned, for agent.* events and plan.resequenced when it concerns one.
    public var agent: String?
    /// The attempt number (1-based) for agent.* events.
    public var attempt: Int?
    /// Wall-clock time, seconds since 1970, when the event was created.
    public var timestamp: Double
    /// Progress in [0, 1] for agent.progress.
    public var progress: Double?
    /// A human sentence: the error, the log line, the reason for a change of order.
    public var message: String?
    /// Structured details: the output for agent.completed, the plan for workflow.started,
    /// the new order for plan.resequenced, the worker pid, the retry delay, ...
    public var data: JSONValue?

    public init(
        sequence: Int64, workflowId: String, type: EventType, agent: String? = nil, attempt: Int? = nil,
        timestamp: Double, progress: Double? = nil, message: String? = nil, data: JSONValue? = nil
    ) {
        self.sequence = sequence
        self.workflowId = workflowId
        self.type = type
        self.agent = agent
        self.attempt = attempt
        self.timestamp = timestamp
        self.progress = progress
        self.message = message
        self.data = data
    }
}

/// The kinds of event, named as they appear in JSON (`workflow/event` notifications,
/// the `type` column of `workflow_events`).
public enum EventType: String, Sendable, Hashable, CaseIterable {
    case workflowStarted = "workflow.started"
    case agentStarted = "agent.started"
    case agentProgress = "agent.progress"
    case agentLog = "agent.log"
    case agentCompleted = "agent.completed"
    case agentFailed = "agent.failed"
    case agentRetrying = "agent.retrying"
    case agentSkipped = "agent.skipped"
    case planResequenced = "plan.resequenced"
    case workflowPaused = "workflow.paused"
    case workflowResumed = "workflow.resumed"
    case workflowCancelled = "workflow.cancelled"
    case workflowCompleted = "workflow.completed"
    case workflowFailed = "workflow.failed"
    case workflowInterrupted = "workflow.interrupted"
    /// A failed or cancelled workflow starts a new attempt (`agenthost retry`, `workflow/retry`):
    /// `message` is the reason, `data.agents` the agents that run again.
    case workflowRetried = "workflow.retried"

    /// Whether this event ends the workflow.
    public var isTerminal: Bool {
        switch self {
        case .workflowCompleted, .workflowFailed, .workflowCancelled: return true
        default: return false
        }
    }
}

extension WorkflowEvent {
    /// The event as a JSON object with snake_case keys; absent fields are left out.
    public var json: JSONValue {
        var object: JSONObject = [
            "sequence": .integer(sequence), "workflow_id": .string(workflowId), "type": .string(type.rawValue),
        ]
        if let agent { object["agent"] = .string(agent) }
        if let attempt { object["attempt"] = .integer(Int64(attempt)) }
        object["timestamp"] = .number(timestamp)
        if let progress { object["progress"] = .number(progress) }
        if let message { object["message"] = .string(message) }
        if let data { object["data"] = data }
        return .object(object)
    }

    /// Reads an event back from `json` (the store's and the protocol's form).
    public init?(json: JSONValue) {
        guard let sequence = json["sequence"]?.integerValue, let workflowId = json["workflow_id"]?.stringValue,
            let typeName = json["type"]?.stringValue, let type = EventType(rawValue: typeName),
            let timestamp = json["timestamp"]?.doubleValue
        else { return nil }
        self.init(
            sequence: sequence, workflowId: workflowId, type: type, agent: json["agent"]?.stringValue,
            attempt: json["attempt"]?.integerValue.map(Int.init), timestamp: timestamp,
            progress: json["progress"]?.doubleValue, message: json["message"]?.stringValue, data: json["data"])
    }
}
