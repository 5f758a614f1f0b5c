import AgentCatalog
import AgentRuntime
import Foundation

/// The host side of one running attempt: turns the plugin's log lines and progress into
/// events and answers `is_cancelled`. Once the attempt was settled without its call (timed
/// out, abandoned) it is silenced: what the call still reports is dropped.
final class AttemptContext: AgentCallContext, @unchecked Sendable {
    let agent: String
    let attempt: Int
    let cancellation = AttemptCancellation()
    private let log: EventLog
    private let progressLock = NSLock()
    private var lastProgress = -1.0
    /// Guarded by `progressLock`.
    private var silenced = false

    /// Guarded by the run's lock: the call was abandoned and its thread written off.
    var abandoned = false

    init(agent: String, attempt: Int, log: EventLog) {
        self.agent = agent
        self.attempt = attempt
        self.log = log
    }

    /// Drops the log lines and progress the call reports from now on.
    func silence() {
        progressLock.lock()
        silenced = true
        progressLock.unlock()
    }

    private var isSilenced: Bool {
        progressLock.lock()
        defer { progressLock.unlock() }
        return silenced
    }

    func log(_ level: AgentLogLevel, _ message: String) {
        let name: String
        switch level {
        case .debug: name = "debug"
        case .info: name = "info"
        case .warning: name = "warning"
        case .error: name = "error"
        }
        guard !isSilenced else { return }
        log.append(.agentLog, agent: agent, attempt: attempt, message: message, data: ["level": .string(name)])
        log.flush()
    }

    func progress(_ fraction: Double, _ message: String?) {
        let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        progressLock.lock()
        // Repeated identical reports add nothing to the stream.
        let changed = clamped != lastProgress && !silenced
        lastProgress = clamped
        progressLock.unlock()
        guard changed else { return }
        log.append(.agentProgress, agent: agent, attempt: attempt, progress: clamped, message: message)
        log.flush()
    }

    var isCancelled: Bool { cancellation.isCancelled }
}
