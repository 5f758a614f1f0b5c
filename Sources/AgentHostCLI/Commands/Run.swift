import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation
import WorkflowHosting
import Logging
import Synchronization
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
                set. Ctrl-C interrupts the workflow: nothing new starts, running agents are asked to \
                stop, and it is left for `agenthost resume ID` (exit 130); a second Ctrl-C stops at \
                once; `agenthost cancel ID` ends a workflow for good. The run is recorded in the store \
                (--db, AGENTHOST_DB \
                or .agenthost/state.sqlite; --no-store to keep it in memory): `agenthost status ID` \
                follows it from another terminal, `agenthost resume ID` finishes it if this process \
                dies. Exit 0 when it completed, 1 when it failed or was cancelled, 2 when the request, \
                the manifests or the store are wrong.
                """
        )

        @OptionGroup var host: HostOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var cluster: ClusterOptions
        @Argument(help: "The request file (JSON).") var request: String
        @OptionGroup var overrides: RequestOverrides
        @Flag(help: "Print one JSON event per line instead of the live view.") var json = false
        @Option(help: ArgumentHelp("Folder for the agents' files (default .agenthost/runs).", valueName: "dir"))
        var out: String = ".agenthost/runs"
        @Option(help: "The workflow id (default wf-<time>-<pid>).") var id: String?
        @Option(
            help: ArgumentHelp(
                "Seconds an agent told to stop (timeout, cancel) gets before its call is abandoned (default 2).",
                valueName: "seconds"))
        var cancelGrace: Double = 2

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
            let runners = try HostRunner(cluster: cluster, host: host, logger: logger)
            defer { runners.shutdown() }
            let workflows = WorkflowHost(
                store: store, runner: runners.runner,
                options: ExecutorOptions(
                    cancellationGrace: max(0, cancelGrace), artifactsRoot: absolutePath(out), pipelinedCommits: true),
                agentFolders: host.agentFolders(), logger: logger)
            defer { workflows.stopPolling() }
            let plan: ExecutionPlan
            do throws(PlanningError) {
                plan = try Planner(catalog: discovery.catalog, estimates: workflows.estimates()).plan(workflowRequest)
            } catch {
                reportError("\(request): \(error.message)")
                throw HostExit.inputError
            }
            try runners.requireNodes(for: plan, catalog: discovery.catalog)
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
        /// Ctrl-C interrupts it. Throws exit 1 unless it completed, 130 when interrupted.
        /// - Parameter statusCommand: the command that shows the workflow later (nil when not recorded).
        static func follow(
            _ handle: WorkflowHandle, json: Bool, quiet: Bool, statusCommand: String?, artifacts: String
        ) throws {
            let interrupt = interruptOnSignal(handle)
            let mode: RunView.Mode = json ? .json : quiet ? .quiet : isatty(STDOUT_FILENO) == 1 ? .live : .plain
            let view = RunView(mode: mode, handle: handle, style: .forStandardOutput())
            let status = handle.wait()
            interrupt.cancel()
            view.finish(status)
            // `agenthost status ID [--db FILE]` -> `agenthost resume ID [--db FILE]`.
            let resumeCommand = statusCommand.map { "agenthost resume" + $0.dropFirst("agenthost status".count) }
            if !json {
                let details = statusCommand ?? "not recorded (--no-store)"
                var text = "workflow id: \(status.workflowId)\ndetails: \(details)\nartifacts: \(artifacts)\n"
                if status.state == .interrupted {
                    let how = resumeCommand.map { "resume with `\($0)`" } ?? "not recorded, cannot resume"
                    text += "interrupted: \(how)"
                    text += "\n"
                }
                CommandOutput.write(text)
            } else if status.state == .interrupted, let resumeCommand {
                FileHandle.standardError.write(Data("interrupted: resume with `\(resumeCommand)`\n".utf8))
            }
            if status.state == .interrupted { throw HostExit.interrupted }
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

        /// The first Ctrl-C interrupts the workflow (resumable); the second stops the host at
        /// once (exit 130; the store then shows the workflow as interrupted). libdispatch takes
        /// every SIGINT once a source watches it, so the second one is handled here too.
        private static func interruptOnSignal(_ handle: WorkflowHandle) -> DispatchSourceSignal {
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            let count = Mutex(0)
            source.setEventHandler {
                let seen = count.withLock { value in
                    value += 1
                    return value
                }
                if seen > 1 {
                    let notice = "agenthost: stopped; `agenthost resume \(handle.workflowId)` finishes the workflow\n"
                    FileHandle.standardError.write(Data(notice.utf8))
                    _exit(130)
                }
                let notice = "agenthost: interrupting: no new agents start, running ones are asked to stop "
                FileHandle.standardError.write(Data((notice + "(Ctrl-C again stops at once)\n").utf8))
                handle.interrupt(reason: "interrupted (SIGINT)")
            }
            source.resume()
            return source
        }
    }
}
