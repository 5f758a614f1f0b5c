import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation
import HostCluster
import Logging
import WorkflowExecution
import WorkflowPlanning

/// `--cluster postgres://...` (or AGENTHOST_CLUSTER): run the workflow's agents on cluster
/// nodes through PostgreSQL instead of in this process (docs/CLUSTER.md).
struct ClusterOptions: ParsableArguments {
    @Option(
        name: .customLong("cluster"),
        help: ArgumentHelp(
            "Run agents on `agenthost node`s through this PostgreSQL database (or AGENTHOST_CLUSTER).",
            valueName: "postgres-url"))
    var url: String?

    /// `--cluster`, else AGENTHOST_CLUSTER; nil for a single-machine run.
    var resolved: String? {
        if let url, !url.isEmpty { return url }
        let environment = ProcessInfo.processInfo.environment["AGENTHOST_CLUSTER"]
        return environment?.isEmpty == false ? environment : nil
    }

    /// Opens (and migrates) the cluster database; exits 2 naming the URL and the reason.
    func open(logger: Logger) throws -> ClusterDatabase? {
        guard let text = resolved else { return nil }
        do {
            return try ClusterDatabase(url: ClusterURL(text), logger: logger)
        } catch {
            reportError(error.message)
            throw HostExit.inputError
        }
    }
}

/// The agent runner of a command that runs workflows: the cluster's, or plugins in this process.
struct HostRunner {
    let runner: any AgentRunner
    let remote: RemoteAgentRunner?
    private let local: PluginAgentRunner?
    private let database: ClusterDatabase?

    /// A RemoteAgentRunner when `cluster` names a database, else a PluginAgentRunner.
    init(cluster: ClusterOptions, host: HostOptions, logger: Logger) throws {
        if let database = try cluster.open(logger: logger) {
            let remote = RemoteAgentRunner(database: database, logger: logger)
            self.runner = remote
            self.remote = remote
            self.local = nil
            self.database = database
        } else {
            let local = PluginAgentRunner(runtime: host.makeRuntime(logger: logger), logger: logger)
            self.runner = local
            self.remote = nil
            self.local = local
            self.database = nil
        }
    }

    /// Exits 2 when no live node registered one of `plan`'s agents, naming them and how to start a node.
    func requireNodes(for plan: ExecutionPlan, catalog: Catalog) throws {
        guard let remote, let database else { return }
        let manifests = plan.agents.compactMap { catalog.agent(named: $0.name) }
        let missing = remote.unregistered(manifests)
        guard !missing.isEmpty else { return }
        reportError(
            ClusterError.noNode(for: missing.map { ($0.name, $0.version) }, cluster: database.url.text).message)
        throw HostExit.inputError
    }

    /// Stops the runner (its workers, or the cluster watcher and pool).
    func shutdown() {
        local?.shutdown()
        remote?.shutdown()
        database?.close()
    }
}
