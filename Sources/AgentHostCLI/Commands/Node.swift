import AgentCatalog
import ArgumentParser
import Foundation
import HostCluster
import WorkflowExecution

extension AgentHost {
    /// `agenthost node --cluster URL --slots N`: a cluster worker for one machine.
    struct Node: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run agents for cluster hosts: claim attempts from PostgreSQL and run them in worker processes.",
            discussion: """
                Registers the agents of --manifests (name, version, SHA-256 of the library), claims \
                the attempts hosts queue for them (highest priority first) and runs each in an \
                `agenthost worker` child process, at most --slots at once. Leases are renewed every \
                --lease / 3 seconds; a node that cannot renew for a whole lease cancels its \
                attempts (another node gets them). One line per claim, completion and refused \
                completion on stderr. SIGTERM or SIGINT: stop claiming, finish what runs (or hand it \
                back after one lease), exit 0. See docs/CLUSTER.md.
                """)

        @OptionGroup var host: HostOptions
        @OptionGroup var cluster: ClusterOptions
        @Option(help: "Attempts this node runs at once.") var slots: Int
        @Option(help: ArgumentHelp("Seconds a claim holds without renewal (default 3).", valueName: "seconds"))
        var lease: Double = 3
        @Option(help: "The node's name in the cluster (default HOSTNAME-PID).") var name: String?
        @Option(
            help: ArgumentHelp(
                "Seconds a stopped agent gets before its worker is killed (default 2).", valueName: "seconds"))
        var cancelGrace: Double = 2

        func validate() throws {
            guard slots >= 1 else { throw ValidationError("--slots must be at least 1") }
            guard lease >= 0.3 else { throw ValidationError("--lease must be at least 0.3 seconds") }
            if cluster.resolved == nil {
                throw ValidationError("--cluster postgres://... (or AGENTHOST_CLUSTER) is required")
            }
        }

        func run() throws {
            let logger = host.makeLogger("agenthost.node")
            let discovery = host.discover()
            try requireManifests(discovery, host: host)
            warnAboutProblems(discovery)
            guard let database = try cluster.open(logger: logger) else { throw HostExit.inputError }
            defer { database.close() }
            let runner = PluginAgentRunner(runtime: host.makeRuntime(logger: logger), logger: logger)
            defer { runner.shutdown() }
            let nodeName = name ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
            let node = ClusterNode(
                configuration: .init(name: nodeName, slots: slots, leaseSeconds: lease, cancellationGrace: cancelGrace),
                database: database, manifests: discovery.catalog.agents, runner: runner, logger: logger)
            let signals = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { node.stop() }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }
            do {
                try node.run()
            } catch {
                reportError("\(error)")
                throw HostExit.inputError
            }
        }
    }

    /// `agenthost cluster status`: the cluster's nodes, leases and queue.
    struct Cluster: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect the cluster (docs/CLUSTER.md).", subcommands: [ClusterStatusCommand.self])
    }

    /// `agenthost cluster status [--json]`.
    struct ClusterStatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the nodes, their agents and slots in use, the leases held and the queue depth.")

        @OptionGroup var cluster: ClusterOptions
        @OptionGroup var log: LogOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if cluster.resolved == nil {
                throw ValidationError("--cluster postgres://... (or AGENTHOST_CLUSTER) is required")
            }
        }

        func run() throws {
            let logger = log.makeLogger("agenthost.cluster")
            guard let database = try cluster.open(logger: logger) else { throw HostExit.inputError }
            defer { database.close() }
            let status: ClusterStatus
            do {
                status = try ClusterDatabase.blocking(seconds: 30) { try await ClusterStatus.read(database) }
            } catch {
                reportError("\(error)")
                throw HostExit.inputError
            }
            if json {
                CommandOutput.write(status.json.compactText + "\n")
                return
            }
            var text = "schema v\(status.schemaVersion); queue depth \(status.queueDepth); "
            text += status.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            text += "\n\nnodes:\n"
            if status.nodes.isEmpty { text += "  (none registered: start one with `agenthost node --cluster URL --slots N`)\n" }
            for node in status.nodes {
                let live = node.live ? "live" : "silent \(Int(node.heartbeatAge)) s"
                text += "  \(node.name): \(node.slotsInUse)/\(node.slots) slots, lease \(node.leaseSeconds) s, \(live)\n"
                for agent in node.agents {
                    text += "    \(agent.agent) \(agent.version) sha256 \(agent.pluginSha256.prefix(16))\n"
                }
            }
            text += "\nleases:\n"
            if status.leases.isEmpty { text += "  (none)\n" }
            for lease in status.leases {
                text += "  \(lease.key) on \(lease.node), \(String(format: "%.1f", lease.remaining)) s left\n"
            }
            CommandOutput.write(text)
        }
    }
}
