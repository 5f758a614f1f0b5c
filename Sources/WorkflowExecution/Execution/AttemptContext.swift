import AgentCatalog
import AgentRuntime
import Foundation
import Synchronization

/// The host side of one running attempt: turns the plugin's log lines and progress into
/// events and answers `is_cancelled`. Once the attempt was settled without its call (timed
/// out, abandoned) it is silenced: what the call still reports is dropped.
///
/// `@unchecked Sendable` only for `abandoned`, which the run's condition guards.
final class AttemptContext: AgentCallContext, @unchecked Sendable {
    let agent: String
    let attempt: Int
    let cancellation = AttemptCancellation()
    private let log: EventLog
    private struct Reports {
        var lastProgress = -1.0
        var silenced = false
    }
    private let reports = Mutex(Reports())

    /// Guarded by the run's lock: the call was abandoned and its thread written off.
    var abandoned = false

    init(agent: String, attempt: Int, log: EventLog) {
        self.agent = agent
        self.attempt = attempt
        self.log = log
    }

    /// Drops the log lines and progress the call reports from now on.
    func silence() {
        reports.withLock { $0.silenced = true }
    }

    private var isSilenced: Bool {
        reports.withLock { $0.silenced }
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
        // Repeated identical reports add nothing to the stream.
        let changed = reports.withLock { reports in
            defer { reports.lastProgress = clamped }
            return clamped != reports.lastProgress && !reports.silenced
        }
        guard changed else { return }
        log.append(.agentProgress, agent: agent, attempt: attempt, progress: clamped, message: message)
        log.flush()
    }

    var isCancelled: Bool { cancellation.isCancelled }
}
