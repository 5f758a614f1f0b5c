import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation
import WorkflowHosting
import WorkflowExecution
import WorkflowStore

extension AgentHost {
    /// `agenthost cancel ID`: stop a workflow, from any process.
    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a running or interrupted workflow, from any terminal.",
            discussion: """
                A running workflow's host picks the request up from the store within a second: \
                running agents are told to stop and nothing new starts. An interrupted workflow (its \
                host died) is marked cancelled at once. Exit 2 for an unknown or finished workflow.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var log: LogOptions
        @Argument(help: "The workflow id.") var id: String

        func run() throws {
            let store = try self.store.openExisting(for: "cancel")
            let before = try self.store.attempt { () throws(StoreError) in try store.status(workflowId: id).state }
            try self.store.attempt { () throws(StoreError) in try store.requestControl(workflowId: id, .cancel) }
            if before == .running || before == .paused {
                print("cancel requested: the host running \(id) stops it within a second")
            } else {
                print("cancelled \(id) (no host was running it)")
            }
        }
    }

    /// `agenthost resume ID`: finish an interrupted or paused workflow.
    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Finish an interrupted or paused workflow with its stored plan.",
            discussion: """
                An interrupted workflow (its host was killed or stopped) runs again in this process: \
                agents whose output was committed are not run again, attempts that were running are \
                retried (agents run at least once). The agents are loaded from the manifest and \
                plugin folders the workflow was recorded with (--manifests replaces, --plugins adds); \
                when one cannot be loaded nothing changes and the error names its manifest or \
                library. Shown like `run`. A paused workflow whose host is alive is asked to go on. \
                Exit 2 for an unknown, completed, failed or cancelled workflow (see `retry`).
                """)

        @OptionGroup var recorded: RecordedRunOptions
        @Argument(help: "The workflow id.") var id: String

        func run() throws {
            let session = try recorded.open(id, command: "resume")
            defer { session.close() }
            let outcome = try recorded.store.hosting { () throws(HostingError) in
                try session.workflows.resumeStored(
                    workflowId: id, catalog: session.catalog, artifactsRoot: recorded.artifactsRoot)
            }
            switch outcome {
            case .requested:
                print("resume requested: the host running \(id) goes on within a second")
            case .restarted(let handle):
                try session.follow(handle)
            }
        }
    }

    /// `agenthost retry ID [--agent NAME]...`: re-run a failed or cancelled workflow from where it failed.
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a new attempt of a failed or cancelled workflow, keeping every committed output.",
            discussion: """
                The agents that did not complete (failed, cancelled, skipped or never started) run \
                again; with --agent, the named agents and every agent that depends on them run again \
                (even if they completed) and the rest is kept. Recorded in the same workflow's history \
                (a workflow.retried event with the reason); attempt numbers go on from the last. The \
                agents are loaded from the folders the workflow was recorded with, as for `resume`; \
                nothing changes when one cannot be loaded. Shown like `run`. Exit 0 when the new \
                attempt completed, 1 when it failed, 2 for an unknown workflow or one that is not \
                failed or cancelled.
                """)

        @OptionGroup var recorded: RecordedRunOptions
        @Argument(help: "The workflow id.") var id: String
        @Option(name: .customLong("agent"), help: ArgumentHelp(
            "Run this agent and its dependents again (repeatable).", valueName: "name"))
        var agents: [String] = []
        @Option(help: "Why, for the workflow's history.") var reason: String?

        func run() throws {
            let session = try recorded.open(id, command: "retry")
            defer { session.close() }
            let retry = try recorded.store.hosting { () throws(HostingError) in
                try session.workflows.retryStored(
                    workflowId: id, agents: agents, reason: reason, catalog: session.catalog,
                    artifactsRoot: recorded.artifactsRoot)
            }
            if !recorded.json { print("retrying \(id): \(retry.agents.joined(separator: ", ")) run again") }
            try session.follow(retry.handle)
        }
    }
}

/// The flags of the commands that run a recorded workflow again (`resume`, `retry`).
struct RecordedRunOptions: ParsableArguments {
    @OptionGroup var host: HostOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var cluster: ClusterOptions
    @Flag(help: "Print one JSON event per line instead of the live view.") var json = false
    @Option(help: ArgumentHelp(
        "Folder for the agents' files (default: the folder the workflow's run used).", valueName: "dir"))
    var out: String?

    /// The `--out` folder, absolute; nil for the one the workflow's run used.
    var artifactsRoot: String? { out.map(absolutePath) }

    /// What `resume` and `retry` run with: the store, the agents loaded from the folders the
    /// workflow was recorded with, and a host.
    struct Session {
        let workflows: WorkflowHost
        let catalog: Catalog
        let runner: HostRunner
        let statusCommand: String?
        let json: Bool
        let quiet: Bool

        /// Shows the run like `run` does; exit 1 unless it completed.
        func follow(_ handle: WorkflowHandle) throws {
            try AgentHost.Run.follow(
                handle, json: json, quiet: quiet, statusCommand: statusCommand,
                artifacts: workflows.artifactsDirectory(for: handle.workflowId))
        }

        func close() {
            workflows.stopPolling()
            runner.shutdown()
        }
    }

    /// Opens the store and loads the agents `id` was recorded with.
    func open(_ id: String, command: String) throws -> Session {
        if json { try CommandOutput.protect() }  // before any plugin loads: a plugin's prints go to stderr
        guard let store = try self.store.openForWriting() else {
            reportError("\(command) reads the store; --no-store leaves nothing to \(command)")
            throw HostExit.inputError
        }
        let recorded = try self.store.attempt { () throws(StoreError) in try store.folders(workflowId: id) }
        let host = self.host.filling(from: recorded)
        let discovery = host.discover()
        warnAboutProblems(discovery)
        let logger = host.makeLogger()
        var options = ExecutorOptions(
            artifactsRoot: artifactsRoot ?? absolutePath(".agenthost/runs"), pipelinedCommits: true)
        if recorded?.baseDirectory == nil {
            // Recorded before schema v4: the request file's folder, as `run` used.
            let requestFile = try self.store.attempt { () throws(StoreError) in
                try store.workflows().first { $0.id == id }?.requestFile
            }
            if let requestFile { options.baseDirectory = RequestFile.baseDirectory(of: requestFile) }
        }
        let runner = try HostRunner(cluster: cluster, host: host, logger: logger)
        let workflows = WorkflowHost(
            store: store, runner: runner.runner, options: options, agentFolders: host.agentFolders(), logger: logger)
        return Session(
            workflows: workflows, catalog: discovery.catalog, runner: runner,
            statusCommand: self.store.statusCommand(id, recorded: true), json: json, quiet: host.log.quiet)
    }
}
