import AgentCatalog

/// What a running agent may reach on the host side: log lines, progress and cancellation.
///
/// Called from the thread running the plugin (or threads the plugin uses for that call),
/// so implementations must be thread-safe and quick.
public protocol AgentCallContext: Sendable {
    /// Receives a log line the plugin wrote through `agent_host.log`.
    func log(_ level: AgentLogLevel, _ message: String)
    /// Receives progress of the current run; `fraction` is clamped to 0...1.
    func progress(_ fraction: Double, _ message: String?)
    /// Whether the current call should stop (workflow cancelled or attempt timed out).
    var isCancelled: Bool { get }
}

/// Log levels of `agent_host.log` (`AGENT_LOG_*`).
public enum AgentLogLevel: Int32, Sendable {
    /// `AGENT_LOG_DEBUG`.
    case debug
    /// `AGENT_LOG_INFO`.
    case info
    /// `AGENT_LOG_WARNING`.
    case warning
    /// `AGENT_LOG_ERROR`.
    case error

    /// The level for a raw value from a plugin: below 0 is debug, above 3 is error.
    init(clamping raw: Int32) {
        self = AgentLogLevel(rawValue: min(max(raw, 0), 3)) ?? .error
    }
}

/// How one call of an agent ended.
public enum AgentCallOutcome: Sendable {
    /// `AGENT_STATUS_OK` with a JSON object.
    case succeeded(JSONObject)
    /// `AGENT_STATUS_ERROR` (`retryable: false`), `AGENT_STATUS_RETRYABLE` (`true`), or output
    /// the host could not accept.
    case failed(message: String, retryable: Bool)
    /// `AGENT_STATUS_CANCELLED`, with the plugin's message if it gave one.
    case cancelled(message: String?)
}
