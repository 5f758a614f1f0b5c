import AgentCatalog
import AgentPluginABI
import Foundation
import Logging
import Synchronization

// Implementation notes
// The `agent_host` table handed to a plugin holds C function pointers made from the global
// functions below; they capture nothing. The call's context travels in `host_data` as an
// unretained pointer to a `HostCallBox`, which the caller keeps alive for the whole call
// (`withExtendedLifetime`), so the table is valid exactly as long as the ABI promises.

/// What the host callbacks of one plugin call reach: the call context during `run`, the
/// logger during `init`.
final class HostCallBox: Sendable {
    let agent: String
    let context: (any AgentCallContext)?
    let logger: Logger
    private let lastErrorMessage = Mutex<String?>(nil)

    init(agent: String, context: (any AgentCallContext)?, logger: Logger) {
        self.agent = agent
        self.context = context
        self.logger = logger
    }

    /// The last message logged at warning level or above, e.g. why `init` refused.
    var lastError: String? { lastErrorMessage.withLock { $0 } }

    func log(_ level: AgentLogLevel, _ message: String) {
        if level.rawValue >= AgentLogLevel.warning.rawValue { lastErrorMessage.withLock { $0 = message } }
        if let context {
            context.log(level, message)
            return
        }
        let metadata: Logger.Metadata = ["agent": "\(agent)"]
        // A plugin's text goes to a terminal: no line splitting, no escape sequences.
        let line = message.escapedForTerminal
        switch level {
        case .debug: logger.debug("\(line)", metadata: metadata)
        case .info: logger.info("\(line)", metadata: metadata)
        case .warning: logger.warning("\(line)", metadata: metadata)
        case .error: logger.error("\(line)", metadata: metadata)
        }
    }

    func progress(_ fraction: Double, _ message: String?) {
        let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        context?.progress(clamped, message)
    }

    var isCancelled: Bool { context?.isCancelled ?? false }

    /// Calls `body` with a host table pointing at this box; the table dies with the call.
    func withHostTable<Result>(_ body: (UnsafePointer<agent_host>) -> Result) -> Result {
        var host = agent_host(
            abi_major: UInt32(AGENT_ABI_VERSION_MAJOR), abi_minor: UInt32(AGENT_ABI_VERSION_MINOR),
            struct_size: UInt32(MemoryLayout<agent_host>.size), reserved0: 0,
            host_data: Unmanaged.passUnretained(self).toOpaque(),
            log: hostLog, progress: hostProgress, is_cancelled: hostIsCancelled)
        return withExtendedLifetime(self) { withUnsafePointer(to: &host) { body($0) } }
    }
}

private func box(of host: UnsafePointer<agent_host>?) -> HostCallBox? {
    guard let data = host?.pointee.host_data else { return nil }
    return Unmanaged<HostCallBox>.fromOpaque(data).takeUnretainedValue()
}

private func hostLog(_ host: UnsafePointer<agent_host>?, _ level: Int32, _ message: UnsafePointer<CChar>?) {
    guard let box = box(of: host), let message else { return }
    box.log(AgentLogLevel(clamping: level), String(cString: message))
}

private func hostProgress(_ host: UnsafePointer<agent_host>?, _ fraction: Double, _ message: UnsafePointer<CChar>?) {
    guard let box = box(of: host) else { return }
    box.progress(fraction, message.map { String(cString: $0) })
}

private func hostIsCancelled(_ host: UnsafePointer<agent_host>?) -> Int32 {
    guard let box = box(of: host) else { return 0 }
    return box.isCancelled ? 1 : 0
}
