import ArgumentParser
import Foundation
import WorkflowExecution

extension AgentHost {
    /// `agenthost worker`: the child process that runs `isolation: "process"` agents for a
    /// host over a framed protocol on stdin/stdout. Started by the host, never by people.
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Internal: run process-isolated agents for a host over stdin/stdout.",
            shouldDisplay: false
        )

        @OptionGroup var host: HostOptions

        func run() throws {
            let status = WorkerLoop.run(
                input: STDIN_FILENO, output: STDOUT_FILENO, logger: host.makeLogger("agenthost-worker"))
            let code = HostExit.code(forWorkerStatus: status)
            if code != .success { throw code }
        }
    }
}
