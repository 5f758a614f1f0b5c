import Foundation

/// Why the runtime could not resolve, load or call an agent's library.
///
/// Each case names the agent; the message names the file, symbol or version at fault and
/// what was expected.
public struct AgentRuntimeError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for programs; `message` says it for people.
    public enum Code: String, Sendable {
        /// No file named `library` in any search folder.
        case libraryNotFound
        /// `library` points outside the folders it may resolve into.
        case pathEscapes
        /// The library file is writable by group or others.
        case insecurePermissions
        /// The library's SHA-256 differs from the manifest's `sha256`.
        case checksumMismatch
        /// dlopen refused the file.
        case notLoadable
        /// The entry symbol is not exported by the library.
        case entryMissing
        /// The entry function returned NULL: the plugin cannot serve this host.
        case pluginDeclined
        /// The descriptor speaks an ABI version this host does not accept.
        case abiUnsupported
        /// The descriptor's `struct_size` is below the ABI 1.0 minimum.
        case descriptorTooSmall
        /// The descriptor's `name` differs from the manifest's `name`.
        case nameMismatch
        /// The descriptor lacks a required function (`run` or `free_output`).
        case missingFunction
        /// The plugin's `init` returned a non-OK status.
        case initFailed
        /// A run returned output that is not a UTF-8 JSON object.
        case malformedOutput
        /// A run returned more than `AgentRuntime.maximumOutputBytes` of output (or error text),
        /// or a command agent more than its `max_output_bytes` on stdout.
        case outputTooLarge
        /// The manifest's `kind` is not one this runtime can call.
        case unsupportedKind
        /// A c-function manifest's `symbol`/`signature`/`free` is missing or not callable.
        case invalidSignature
        /// A c-function's `symbol` or `free` is not exported by its library.
        case symbolMissing
        /// A command agent's `command` or `working_directory` does not exist.
        case commandNotFound
        /// A command agent's `command` is not a file the host may execute.
        case commandNotExecutable
    }

    /// What went wrong.
    public var code: Code
    /// The agent at fault (its manifest `name`).
    public var agent: String
    /// A sentence naming the file, symbol or value at fault and what was expected.
    public var message: String

    /// Creates an error for `agent`.
    public init(_ code: Code, agent: String, _ message: String) {
        self.code = code
        self.agent = agent
        self.message = message
    }

    /// An agent whose output (or error text) of `size` bytes is over `AgentRuntime.maximumOutputBytes`.
    public static func outputTooLarge(agent: String, size: Int) -> AgentRuntimeError {
        AgentRuntimeError(
            .outputTooLarge, agent: agent,
            "returned \(byteCount(size)) of output, above the limit of \(byteCount(AgentRuntime.maximumOutputBytes)) "
                + "(docs/PLUGIN_ABI.md, \"Output size\"); write large results to a file in `artifacts_dir` "
                + "and return its path")
    }

    /// `N bytes (X MiB)`, for messages about sizes.
    public static func byteCount(_ size: Int) -> String {
        size < 1 << 20 ? "\(size) bytes" : "\(size) bytes (\(String(format: "%.1f", Double(size) / Double(1 << 20))) MiB)"
    }

    /// `agent 'NAME': MESSAGE`.
    public var description: String { "agent '\(agent)': \(message)" }
}
