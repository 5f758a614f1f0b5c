import Foundation
import WorkflowExecution

/// Where a command's own output goes.
///
/// fd 1 until `protect()`; after it, a private copy of fd 1 while fd 1 itself points at stderr
/// (`StandardOutputGuard`), so a plugin that prints cannot corrupt output a program reads.
/// `invoke`, `run --json` and `resume --json` call `protect()` before any plugin can load;
/// `serve` does the same through `ProtocolChannel`.
enum CommandOutput {
    /// Set once by `protect()`, on the main thread before any other thread writes.
    nonisolated(unsafe) private static var descriptor: Int32 = STDOUT_FILENO

    /// Moves the command's output to a private copy of fd 1 and points fd 1 at stderr.
    /// - Throws: exit 2 (after saying why) when the descriptors could not be duplicated.
    static func protect() throws {
        do {
            descriptor = try StandardOutputGuard.divert()
        } catch {
            reportError(error.description)
            throw HostExit.inputError
        }
    }

    /// Writes `text` to the command's output in one go.
    static func write(_ text: String) {
        StandardOutputGuard.write(Array(text.utf8), to: descriptor)
    }
}
