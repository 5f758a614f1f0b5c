import WorkflowExecution

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file descriptors a server speaks on, after protecting the protocol from stray output.
public struct ProtocolChannel: Sendable {
    /// Where requests are read from.
    public let input: Int32
    /// A private descriptor for responses and notifications.
    public let output: Int32

    /// Creates a channel over descriptors the caller owns.
    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// Takes over the process's stdio for the protocol.
    ///
    /// Duplicates fd 1 to a private descriptor for protocol frames, then points fd 1 at
    /// stderr, so anything else that writes to stdout (a plugin's `printf`, a stray `print`)
    /// lands in stderr instead of corrupting the protocol. Call it before any plugin loads.
    /// Also ignores SIGPIPE: a client that goes away makes writes fail, not the server die.
    /// - Throws: `ProtocolError.internalError` when the descriptors could not be duplicated.
    public static func takeOverStandardOutput() throws(ProtocolError) -> ProtocolChannel {
        do {
            return ProtocolChannel(input: STDIN_FILENO, output: try StandardOutputGuard.divert())
        } catch {
            throw ProtocolError.internalError(error.description)
        }
    }
}
