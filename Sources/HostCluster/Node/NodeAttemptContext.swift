import AgentRuntime
import Logging
import WorkflowExecution

/// The node side of one attempt: the plugin's log lines go to the node's log, named by the
/// attempt; progress is dropped (the host shows the claim and the end).
final class NodeAttemptContext: AgentCallContext, @unchecked Sendable {
    let key: AttemptKey
    let cancellation: AttemptCancellation
    private let logger: Logger

    init(key: AttemptKey, cancellation: AttemptCancellation, logger: Logger) {
        self.key = key
        self.cancellation = cancellation
        self.logger = logger
    }

    func log(_ level: AgentLogLevel, _ message: String) {
        let text: Logger.Message = "\(key): \(message)"
        switch level {
        case .debug: logger.debug(text)
        case .info: logger.info(text)
        case .warning: logger.warning(text)
        case .error: logger.error(text)
        }
    }

    func progress(_ fraction: Double, _ message: String?) {}

    var isCancelled: Bool { cancellation.isCancelled }
}
