import AgentCatalog
import ArgumentParser
import Foundation
import WorkflowHosting
import HostProtocol
import WorkflowStore

/// The only place exit codes are chosen: 0 success, 1 workflow failed, 2 usage or input error,
/// 130 interrupted by Ctrl-C (resumable). Commands throw one of these (or return for 0);
/// libraries report outcomes, never codes.
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

    /// Reports a hosting failure (unknown workflow, invalid state, an agent that cannot be
    /// loaded, the store) and returns its exit code: 2, all are about the command's input.
    static func failure(_ error: HostingError) -> ExitCode {
        reportError(error.message)
        return inputError
    }

    /// `serve`: 1 when the input ended while workflows still ran (they were interrupted), else 0.
    static func code(for exit: ProtocolServer.Exit) -> ExitCode {
        if case .endOfInput(let interrupted) = exit, !interrupted.isEmpty { return workflowFailed }
        return .success
    }

    /// `worker`: the status WorkerLoop reports (0 at end of input, 1 when its pipe broke); only the
    /// host that started the worker reads it.
    static func code(forWorkerStatus status: Int32) -> ExitCode {
        status == 0 ? .success : workflowFailed
    }

    /// A usage error the argument parser found (it would exit 64, EX_USAGE): 2, as documented.
    static let usageError = inputError
}

/// Writes `message` to stderr, prefixed as the tool's own voice.
/// Control characters and escape sequences in `message` are shown escaped, so a value quoted in
/// it cannot split the line or forge another.
func reportError(_ message: String) {
    var standardError = StandardError()
    print("agenthost: error: \(message.escapedForTerminal)", to: &standardError)
}

/// Writes `message` to stderr as a warning.
func reportWarning(_ message: String) {
    var standardError = StandardError()
    print("agenthost: warning: \(message.escapedForTerminal)", to: &standardError)
}

/// A TextOutputStream over stderr.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
