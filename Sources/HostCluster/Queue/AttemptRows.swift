import AgentCatalog
import Foundation

/// One attempt of one agent of one workflow: the queue's primary key.
public struct AttemptKey: Hashable, Sendable, CustomStringConvertible {
    /// The workflow.
    public var workflowId: String
    /// The agent's name.
    public var agent: String
    /// The 1-based attempt number, as in the host's event log.
    public var attempt: Int

    /// Creates a key.
    public init(workflowId: String, agent: String, attempt: Int) {
        self.workflowId = workflowId
        self.agent = agent
        self.attempt = attempt
    }

    /// `workflow=W agent=A attempt=N`, as the node's stderr lines print it.
    public var description: String { "workflow=\(workflowId) agent=\(agent) attempt=\(attempt)" }
}

/// Where an attempt row is (`attempt_queue.state`).
public enum AttemptState: String, Sendable, Hashable {
    /// Waiting for a node.
    case ready
    /// Claimed by `node` until `lease_until`.
    case leased
    /// The node committed its output (at most one per agent of a workflow).
    case done
    /// The node reported a failure.
    case failed
    /// Its lease expired: the host's reaper gave it up ("node NAME lost").
    case lost
    /// The host cancelled it before a node claimed it.
    case cancelled

    /// Whether the row will not change any more.
    public var isFinal: Bool { self != .ready && self != .leased }
}

/// An attempt the host puts into the queue.
public struct QueuedAttempt: Sendable {
    /// Its key.
    public var key: AttemptKey
    /// The agent's manifest version.
    public var agentVersion: String
    /// What a node must have registered for the agent to claim it.
    public var pluginSha256: String
    /// The planner's rank (higher is claimed first).
    public var priority: Double
    /// The AgentInput bytes the host's executor built.
    public var input: [UInt8]

    /// Creates one.
    public init(key: AttemptKey, agentVersion: String, pluginSha256: String, priority: Double, input: [UInt8]) {
        self.key = key
        self.agentVersion = agentVersion
        self.pluginSha256 = pluginSha256
        self.priority = priority
        self.input = input
    }
}

/// An attempt a node claimed.
public struct ClaimedAttempt: Sendable {
    /// Its key.
    public var key: AttemptKey
    /// The agent's manifest version.
    public var agentVersion: String
    /// The registration it was claimed under.
    public var pluginSha256: String
    /// The planner's rank.
    public var priority: Double
    /// The AgentInput bytes.
    public var input: [UInt8]
}

/// How a node's attempt ended, as it writes it back.
public enum AttemptReport: Sendable {
    /// The agent returned this output.
    case succeeded(JSONObject)
    /// It failed (`retryable` as the agent or the worker said), was cancelled, or timed out.
    case failed(AttemptFailure)
}

/// A failure as stored in `attempt_queue.error` (a JSON object with these members).
public struct AttemptFailure: Sendable, Equatable {
    /// `message`.
    public var message: String
    /// `retryable`.
    public var retryable: Bool
    /// `cancelled`: the agent was stopped (cancel or timeout) rather than failing.
    public var cancelled: Bool = false
    /// `signal`: the signal that ended the worker.
    public var signal: String?

    /// Creates one.
    public init(message: String, retryable: Bool, cancelled: Bool = false, signal: String? = nil) {
        self.message = message
        self.retryable = retryable
        self.cancelled = cancelled
        self.signal = signal
    }

    var json: JSONValue {
        var object: JSONObject = ["message": .string(message), "retryable": .bool(retryable), "cancelled": .bool(cancelled)]
        if let signal { object["signal"] = .string(signal) }
        return .object(object)
    }

    init(json: JSONValue) {
        let object = json.objectValue ?? [:]
        message = object["message"]?.stringValue ?? "no message"
        retryable = object["retryable"]?.boolValue ?? false
        cancelled = object["cancelled"]?.boolValue ?? false
        signal = object["signal"]?.stringValue
    }
}

/// An attempt row as the host reads it while it waits.
public struct AttemptRow: Sendable {
    /// Its key.
    public var key: AttemptKey
    /// Where it is.
    public var state: AttemptState
    /// The node that claimed it.
    public var node: String?
    /// The worker process that ran it on that node.
    public var workerPid: Int32?
    /// The committed output (`done`).
    public var output: JSONObject?
    /// The failure (`failed`, `lost`, `cancelled`).
    public var error: AttemptFailure?
}

/// What one renewal told a node.
public struct Renewal: Sendable {
    /// The attempts it still holds, each with the host's cancel reason when it asked for one.
    public var held: [AttemptKey: String?]
}

/// An agent as a node registers it.
public struct AgentRegistration: Sendable, Hashable {
    /// The manifest's name.
    public var agent: String
    /// The manifest's version.
    public var version: String
    /// The SHA-256 of its library (or, for an agent without a library file, its manifest identity).
    public var pluginSha256: String

    /// Creates one.
    public init(agent: String, version: String, pluginSha256: String) {
        self.agent = agent
        self.version = version
        self.pluginSha256 = pluginSha256
    }
}
