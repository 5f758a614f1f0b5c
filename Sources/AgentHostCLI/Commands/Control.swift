import AgentCatalog
import ArgumentParser
import Foundation
import HostProtocol
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
                retried (agents run at least once). Shown like `run`. A paused workflow whose host is \
                alive is asked to go on. Exit 2 for an unknown, completed, failed or cancelled \
                workflow.
                """)

        @OptionGroup var host: HostOptions
        @OptionGroup var store: StoreOptions
        @Argument(help: "The workflow id.") var id: String
        @Flag(help: "Print one JSON event per line instead of the live view.") var json = false
        @Option(help: ArgumentHelp("Folder for the agents' files (default .agenthost/runs).", valueName: "dir"))
        var out: String = ".agenthost/runs"

        func run() throws {
            guard let store = try self.store.openForWriting() else {
                reportError("resume reads the store; --no-store leaves nothing to resume")
                throw HostExit.inputError
            }
            let discovery = host.discover()
            warnAboutProblems(discovery)
            let logger = host.makeLogger()
            var options = ExecutorOptions(artifactsRoot: absolutePath(out))
            let requestFile = try self.store.attempt { () throws(StoreError) in
                try store.workflows().first { $0.id == id }?.requestFile
            }
            if let requestFile { options.baseDirectory = RequestFile.baseDirectory(of: requestFile) }
            let runner = PluginAgentRunner(runtime: host.makeRuntime(logger: logger), logger: logger)
            defer { runner.shutdown() }
            let workflows = WorkflowHost(store: store, runner: runner, options: options, logger: logger)
            defer { workflows.stopPolling() }
            let outcome = try self.store.attempt { () throws(StoreError) in
                try workflows.resumeStored(workflowId: id, catalog: discovery.catalog)
            }
            switch outcome {
            case .requested:
                print("resume requested: the host running \(id) goes on within a second")
            case .restarted(let handle):
                try Run.follow(
                    handle, json: json, statusCommand: self.store.statusCommand(id, recorded: true),
                    artifacts: workflows.artifactsDirectory(for: id))
            }
        }
    }
}
