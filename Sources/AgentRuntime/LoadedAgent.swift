import AgentCatalog
import Foundation
import Logging

/// An agent whose library is loaded and initialized, ready to run.
///
/// Obtained from `AgentRuntime.load`; the runtime keeps one per agent name. Thread-safe:
/// `run` may be called from many threads at once; it serializes the calls itself when the
/// manifest is not `parallel_safe`.
public final class LoadedAgent: Sendable {
    /// How the agent's library is called. A new kind adds a case here and a branch in `run`
    /// and `shutdown`.
    enum Backend: Sendable {
        /// A plugin speaking the AgentHost C ABI v1 (`agent_plugin.h`).
        case agentV1(AgentV1Plugin)
        /// A plain exported C function called through libffi (`kind: "c-function"`).
        case cFunction(CFunctionAgent)
        /// An executable speaking JSON on stdin and stdout (`kind: "command"`).
        case command(CommandAgent)
    }

    /// The manifest the agent was loaded from.
    public let manifest: Manifest
    /// The absolute, symlink-free path of the loaded library.
    public let libraryPath: String
    /// The version the plugin reports about itself (its descriptor's `version`); for a
    /// c-function agent, which reports none, the manifest's `version`.
    public let pluginVersion: String

    let backend: Backend
    private let gate = CallGate()
    private let logger: Logger

    init(manifest: Manifest, libraryPath: String, pluginVersion: String, backend: Backend, logger: Logger) {
        self.manifest = manifest
        self.libraryPath = libraryPath
        self.pluginVersion = pluginVersion
        self.backend = backend
        self.logger = logger
    }

    /// Runs the agent once on the calling thread, blocking until the plugin returns.
    ///
    /// Serializes calls itself when `!manifest.parallelSafe`. Log lines, progress and
    /// cancellation go through `context` for the duration of this call only.
    /// - Parameters:
    ///   - input: the agent input object (docs/PLUGIN_ABI.md, "Agent input"); passed as is.
    ///   - context: receives the plugin's log lines and progress; answers `is_cancelled`.
    /// - Returns: the plugin's JSON object, its failure, or its cancellation. Output the
    ///   host cannot accept (malformed JSON, not an object) is a non-retryable failure.
    public func run(input: JSONValue, context: some AgentCallContext) -> AgentCallOutcome {
        guarded {
            switch backend {
            case .agentV1(let plugin):
                return plugin.run(input: input, box: HostCallBox(agent: manifest.name, context: context, logger: logger))
            case .cFunction(let function):
                return function.run(input: input, context: context)
            case .command(let command):
                return command.run(inputBytes: input.compactBytes, context: context, stop: nil).outcome
            }
        }
    }

    /// Runs the agent once with an input already serialized: `inputBytes` must be the compact
    /// JSON of the agent input object (what `input.compactBytes` gives). An agent-v1 plugin
    /// receives these bytes as they are, saving a serialization per call; a c-function agent
    /// parses them to read its arguments. Otherwise the same as `run(input:context:)`.
    public func run(inputBytes: [UInt8], context: some AgentCallContext) -> AgentCallOutcome {
        guarded {
            switch backend {
            case .agentV1(let plugin):
                return plugin.run(
                    inputBytes: inputBytes, box: HostCallBox(agent: manifest.name, context: context, logger: logger))
            case .cFunction(let function):
                let input: JSONValue
                do {
                    input = try JSONValue(parsing: inputBytes)
                } catch {
                    return .failed(
                        message: "agent '\(manifest.name)': the host's input is not JSON: \(error)", retryable: false)
                }
                return function.run(input: input, context: context)
            case .command(let command):
                return command.run(inputBytes: inputBytes, context: context, stop: nil).outcome
            }
        }
    }

    /// Runs a command agent once, woken by `stop` on cancellation; nil for other kinds.
    ///
    /// Serialized like `run` when the manifest is not `parallel_safe`.
    public func runCommand(inputBytes: [UInt8], context: any AgentCallContext, stop: CommandStop) -> CommandCallResult? {
        guard case .command(let command) = backend else { return nil }
        var result: CommandCallResult?
        let outcome = guarded {
            let call = command.run(inputBytes: inputBytes, context: context, stop: stop)
            result = call
            return call.outcome
        }
        return result ?? CommandCallResult(outcome: outcome)
    }

    /// Runs `call` inside the gate: alone when the agent is not parallel_safe, never after shutdown.
    private func guarded(_ call: () -> AgentCallOutcome) -> AgentCallOutcome {
        let exclusive = !manifest.parallelSafe
        guard gate.enter(exclusive: exclusive) else {
            return .failed(
                message: "agent '\(manifest.name)' cannot run: the runtime has shut it down", retryable: false)
        }
        defer { gate.leave(exclusive: exclusive) }
        return call()
    }

    /// How `shutdown` went.
    enum ShutdownResult: Equatable {
        /// The plugin's `shutdown` was called.
        case done
        /// A call was still running after the wait: no `shutdown` (the ABI forbids it during a call).
        case busy
        /// An earlier shutdown closed the agent.
        case already
    }

    /// Refuses new calls, waits up to `seconds` for running ones and calls the plugin's
    /// `shutdown` once, unless a call still runs then.
    @discardableResult
    func shutdown(waitingAtMost seconds: Double = .infinity) -> ShutdownResult {
        switch gate.close(waitingAtMost: seconds) {
        case .already: return .already
        case .busy: return .busy
        case .idle: break
        }
        switch backend {
        case .agentV1(let plugin): plugin.shutdown()
        case .cFunction: break  // a plain C function has no shutdown; its library stays mapped
        case .command(let command): command.shutdown()
        }
        return .done
    }
}

/// Admits calls into one plugin: any number at once, or one at a time for exclusive calls,
/// until it is closed. `@unchecked Sendable`: every field is guarded by `condition`.
final class CallGate: @unchecked Sendable {
    /// Not a Mutex: calls wait on it for their turn, and shutdown for the calls to end.
    private let condition = NSCondition()
    private var running = 0
    private var closed = false

    /// Waits for a turn; `false` once the gate is closed.
    func enter(exclusive: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while exclusive && running > 0 && !closed { condition.wait() }
        if closed { return false }
        running += 1
        return true
    }

    func leave(exclusive: Bool) {
        condition.lock()
        running -= 1
        condition.unlock()
        condition.broadcast()
    }

    enum CloseResult { case idle, busy, already }

    /// Refuses new calls and waits up to `seconds` for running ones: `.idle` once none runs,
    /// `.busy` when one still does, `.already` if an earlier call closed the gate.
    func close(waitingAtMost seconds: Double) -> CloseResult {
        condition.lock()
        defer { condition.unlock() }
        if closed { return .already }
        closed = true
        condition.broadcast()
        let limit = seconds.isFinite ? Date(timeIntervalSinceNow: max(0, seconds)) : Date.distantFuture
        while running > 0 {
            if !condition.wait(until: limit) && running > 0 { return .busy }
        }
        return .idle
    }
}
