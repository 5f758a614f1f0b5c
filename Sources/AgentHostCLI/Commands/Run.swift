import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation
import WorkflowHosting
import Logging
import WorkflowExecution
import WorkflowPlanning
import WorkflowStore

extension AgentHost {
    /// `agenthost run REQUEST`: plan a request and execute it, showing progress.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a request and run it: live progress in a terminal, a summary at the end.",
            discussion: """
                REQUEST is a JSON file (see Examples/). In a terminal a live view shows each running \
                agent; otherwise one line per event is printed; --json prints one JSON event per \
                line; --quiet prints only the summary. Colours are used in a terminal unless NO_COLOR is \
                set. Ctrl-C cancels the workflow. The run is recorded in the store (--db, AGENTHOST_DB \
                or .agenthost/state.sqlite; --no-store to keep it in memory): `agenthost status ID` \
                follows it from another terminal, `agenthost resume ID` finishes it if this process \
                dies. Exit 0 when it completed, 1 when it failed or was cancelled, 2 when the request, \
                the manifests or the store are wrong.
                """
        )

        @OptionGroup var host: HostOptions
        @OptionGroup var store: StoreOptions
        @Argument(help: "The request file (JSON).") var request: String
        @OptionGroup var overrides: RequestOverrides
        @Flag(help: "Print one JSON event per line instead of the live view.") var json = false
        @Option(help: ArgumentHelp("Folder for the agents' files (default .agenthost/runs).", valueName: "dir"))
        var out: String = ".agenthost/runs"
        @Option(help: "The workflow id (default wf-<time>-<pid>).") var id: String?

        func run() throws {
            if let id, let problem = WorkflowIdentifier.problem(with: id) {
                reportError("--id '\(id)': \(problem) (it names the run's folder under --out)")
                throw HostExit.inputError
            }
            if json { try CommandOutput.protect() }  // before any plugin loads: a plugin's prints go to stderr
            let workflowRequest = overrides.apply(to: try RequestFile.load(request))
            let discovery = host.discover()
            try requireManifests(discovery, host: host)
            warnAboutProblems(discovery)
            try Self.checkOutputFolder(out)
            let store = try self.store.openForWriting()
            let logger = host.makeLogger()
            let runner = PluginAgentRunner(runtime: host.makeRuntime(logger: logger), logger: logger)
            defer { runner.shutdown() }
            let workflows = WorkflowHost(
                store: store, runner: runner, options: ExecutorOptions(artifactsRoot: absolutePath(out)),
                agentFolders: host.agentFolders(), logger: logger)
            defer { workflows.stopPolling() }
            let plan: ExecutionPlan
            do throws(PlanningError) {
                plan = try Planner(catalog: discovery.catalog, estimates: workflows.estimates()).plan(workflowRequest)
            } catch {
                reportError("\(request): \(error.message)")
                throw HostExit.inputError
            }
            let workflowId = id ?? "wf-\(Int(Date().timeIntervalSince1970))-\(getpid())"
            let handle: WorkflowHandle
            do {
                handle = try workflows.start(
                    plan: plan, workflowId: workflowId, catalog: discovery.catalog, requestFile: absolutePath(request),
                    baseDirectory: RequestFile.baseDirectory(of: request))
            } catch {
                throw HostExit.failure(error)
            }
            try Self.follow(
                handle, json: json, quiet: host.log.quiet,
                statusCommand: self.store.statusCommand(workflowId, recorded: store != nil),
                artifacts: workflows.artifactsDirectory(for: workflowId))
        }

        /// Shows `handle`'s run until it ends (live view, plain lines or JSON), then the summary;
        /// Ctrl-C cancels it. Throws exit 1 unless it completed.
        /// - Parameter statusCommand: the command that shows the workflow later (nil when not recorded).
        static func follow(
            _ handle: WorkflowHandle, json: Bool, quiet: Bool, statusCommand: String?, artifacts: String
        ) throws {
            let interrupt = cancelOnInterrupt(handle)
            let mode: RunView.Mode = json ? .json : quiet ? .quiet : isatty(STDOUT_FILENO) == 1 ? .live : .plain
            let view = RunView(mode: mode, handle: handle, style: .forStandardOutput())
            let status = handle.wait()
            interrupt.cancel()
            view.finish(status)
            if !json {
                let details = statusCommand ?? "not recorded (--no-store)"
                FileHandle.standardOutput.write(
                    Data("workflow id: \(status.workflowId)\ndetails: \(details)\nartifacts: \(artifacts)\n".utf8))
            }
            if status.state != .completed { throw HostExit.workflowFailed }
        }

        /// Creates the `--out` folder and checks it is writable, before any agent starts; exits 2
        /// naming the path and why otherwise.
        static func checkOutputFolder(_ out: String) throws {
            let path = absolutePath(out)
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                let reason = error.localizedDescription
                reportError(
                    "--out \(path): cannot create the folder for the agents' files (\(reason)); "
                        + "pass --out DIR in a folder you can write")
                throw HostExit.inputError
            }
            guard access(path, W_OK | X_OK) == 0 else {
                reportError(
                    "--out \(path): the folder for the agents' files is not writable (\(String(cString: strerror(errno)))); "
                        + "pass --out DIR in a folder you can write")
                throw HostExit.inputError
            }
        }

        /// Ctrl-C cancels the workflow (a second one kills the host as usual).
        private static func cancelOnInterrupt(_ handle: WorkflowHandle) -> DispatchSourceSignal {
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            source.setEventHandler {
                handle.cancel(reason: "interrupted (SIGINT)")
                signal(SIGINT, SIG_DFL)
            }
            source.resume()
            return source
        }
    }
}
