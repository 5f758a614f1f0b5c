import ArgumentParser

/// The `agenthost` command: discover, plan, run and inspect agent workflows.
@main
struct AgentHost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenthost",
        abstract: "A plugin host that plans and runs workflows of agents.",
        version: "0.1.0",
        subcommands: []
    )
}
