import ArgumentParser

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
            Cancel.self,
            Resume.self,
            Serve.self,
            Worker.self,
        ]
    )
}
