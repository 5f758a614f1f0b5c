import ArgumentParser
import Foundation
import WorkflowStore

/// The only place exit codes are chosen: 0 success, 1 workflow failed, 2 usage or input error,
/// 130 interrupted by Ctrl-C (resumable).
enum HostExit {
    /// The workflow (or the one agent invoked) failed.
    static let workflowFailed = ExitCode(1)
    /// The command line, a manifest, a request or another input was wrong.
    static let inputError = ExitCode(2)
    /// The workflow was interrupted by Ctrl-C and can be resumed (128 + SIGINT, the shell's convention).
    static let interrupted = ExitCode(130)

    /// Reports a store failure and returns its exit code: 2, since every one the CLI meets is
    /// about its input (an unknown id, a finished workflow, a corrupt or foreign --db file).
    static func failure(_ error: StoreError) -> ExitCode {
        reportError(error.message)
        return inputError
    }
}

/// Writes `message` to stderr, prefixed as the tool's own voice.
func reportError(_ message: String) {
    var standardError = StandardError()
    print("agenthost: error: \(message)", to: &standardError)
}

/// Writes `message` to stderr as a warning.
func reportWarning(_ message: String) {
    var standardError = StandardError()
    print("agenthost: warning: \(message)", to: &standardError)
}

/// A TextOutputStream over stderr.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
