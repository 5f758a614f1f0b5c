import ArgumentParser
import Foundation

/// The `agenthost` command: discover, plan, run and inspect agent workflows.
@main
struct AgentHost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenthost",
        abstract: "A plugin host that plans and runs workflows of agents.",
        discussion: """
            Agents are shared libraries described by manifests (AgentManifests/*.json). \
            Exit codes: 0 success, 1 workflow failed, 2 usage or input error.
            """,
        version: "0.1.0",
        subcommands: [
            Agents.self,
            Invoke.self,
            Plan.self,
            Run.self,
            Status.self,
            History.self,
            Analytics.self,
            Report.self,
            Events.self,
            Logs.self,
            Output.self,
            Cancel.self,
            Resume.self,
            Retry.self,
            Serve.self,
            MCP.self,
            Worker.self,
            Node.self,
            Cluster.self,
        ]
    )

    /// Runs the command, mapping the argument parser's usage errors (EX_USAGE, 64) to the
    /// documented exit code 2; help, version and every other outcome keep theirs.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            var standardError = StandardError()
            print(fullMessage(for: error), to: &standardError)
            Foundation.exit(HostExit.usageError.rawValue)
        }
    }
}
