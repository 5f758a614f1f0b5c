import AgentCatalog
import AgentRuntime
import Foundation

/// The host side of one running attempt: turns the plugin's log lines and progress into
/// events and answers `is_cancelled`. Its `settled` flag (guarded by the run's lock) makes
/// sure an attempt ends once, whether the runner returns or the executor gives it up.
final class AttemptContext: AgentCallContext, @unchecked Sendable {
    let node: Int
    let agent: String
    let attempt: Int
    let startedAt: Double
    let cancellation = AttemptCancellation()
    private let log: EventLog
    private let progressLock = NSLock()
    private var lastProgress = -1.0

    /// Guarded by the run's lock.
    var settled = false
    /// Guarded by the run's lock: the attempt ran out of time.
    var timedOut = false

    init(node: Int, agent: String, attempt: Int, startedAt: Double, log: EventLog) {
        self.node = node
        self.agent = agent
        self.attempt = attempt
        self.startedAt = startedAt
        self.log = log
    }

    func log(_ level: AgentLogLevel, _ message: String) {
        let name: String
        switch level {
        case .debug: name = "debug"
        case .info: name = "info"
        case .warning: name = "warning"
        case .error: name = "error"
        }
        log.append(.agentLog, agent: agent, attempt: attempt, message: message, data: ["level": .string(name)])
        log.flush()
    }

    func progress(_ fraction: Double, _ message: String?) {
        let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        progressLock.lock()
        // Repeated identical reports add nothing to the stream.
        let changed = clamped != lastProgress
        lastProgress = clamped
        progressLock.unlock()
        guard changed else { return }
        log.append(.agentProgress, agent: agent, attempt: attempt, progress: clamped, message: message)
        log.flush()
    }

    var isCancelled: Bool { cancellation.isCancelled }
}
