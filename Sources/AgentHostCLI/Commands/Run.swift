import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation
import Logging
import WorkflowExecution
import WorkflowPlanning

extension AgentHost {
    /// `agenthost run REQUEST`: plan a request and execute it, showing progress.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a request and run it: live progress in a terminal, a summary at the end.",
            discussion: """
                REQUEST is a JSON file (see Examples/). In a terminal a live view shows each running \
                agent; otherwise one line per event is printed; --json prints one JSON event per \
                line. Ctrl-C cancels the workflow. Exit 0 when it completed, 1 when it failed or was \
                cancelled, 2 when the request or the manifests are wrong.
                """
        )

        @OptionGroup var host: HostOptions
        @Argument(help: "The request file (JSON).") var request: String
        @Option(help: "Override the request's strategy: sequential, parallel or adaptive.") var strategy: String?
        @Option(help: "Override the request's recovery: skip, retry_alternative, replan or abort.") var recovery:
            String?
        @Option(help: "Override the request's max_concurrency.") var maxConcurrency: Int?
        @Flag(help: "Print one JSON event per line instead of the live view.") var json = false
        @Option(help: ArgumentHelp("Folder for the agents' files (default .agenthost/runs).", valueName: "dir"))
        var out: String = ".agenthost/runs"
        @Option(help: "The workflow id (default wf-<time>-<pid>).") var id: String?

        func run() throws {
            let workflowRequest = try readRequest()
            let discovery = host.discover()
            warnAboutProblems(discovery)
            let planner = Planner(catalog: discovery.catalog)
            let plan: ExecutionPlan
            do throws(PlanningError) {
                plan = try planner.plan(workflowRequest)
            } catch {
                reportError("\(request): \(error.message)")
                throw HostExit.inputError
            }
            let logger = host.makeLogger()
            let runner = PluginAgentRunner(runtime: host.makeRuntime(logger: logger), logger: logger)
            defer { runner.shutdown() }
            let options = ExecutorOptions(
                artifactsRoot: absolutePath(out),
                baseDirectory: (absolutePath(request) as NSString).deletingLastPathComponent)
            let executor = WorkflowExecutor(
                catalog: discovery.catalog, runner: runner, recorder: makeRecorder(), planner: planner,
                options: options, logger: logger)
            let workflowId = id ?? "wf-\(Int(Date().timeIntervalSince1970))-\(getpid())"
            let handle = executor.start(plan: plan, workflowId: workflowId)
            let interrupt = cancelOnInterrupt(handle)
            let view = RunView(mode: json ? .json : isatty(STDOUT_FILENO) == 1 ? .live : .plain, handle: handle)
            let status = handle.wait()
            interrupt.cancel()
            view.finish(status)
            if status.state != .completed { throw HostExit.workflowFailed }
        }

        /// The recorder events go to; the store replaces this one function.
        private func makeRecorder() -> any WorkflowRecorder { InMemoryRecorder() }

        /// The request file with the command-line overrides applied.
        private func readRequest() throws -> WorkflowRequest {
            guard let data = FileManager.default.contents(atPath: request) else {
                reportError("cannot read request file '\(request)'")
                throw HostExit.inputError
            }
            var parsed: WorkflowRequest
            do {
                parsed = try WorkflowRequest(json: try JSONValue(parsing: Array(data)))
            } catch let error as JSONParseError {
                reportError("\(request): \(error)")
                throw HostExit.inputError
            } catch let error as PlanningError {
                reportError("\(request): \(error.message)")
                throw HostExit.inputError
            }
            if let strategy {
                guard let value = Strategy(rawValue: strategy) else {
                    reportError("--strategy is \(strategy); expected sequential, parallel or adaptive")
                    throw HostExit.inputError
                }
                parsed.strategy = value
            }
            if let recovery {
                guard let value = Manifest.RecoveryStrategy(rawValue: recovery) else {
                    reportError("--recovery is \(recovery); expected skip, retry_alternative, replan or abort")
                    throw HostExit.inputError
                }
                parsed.recovery = value
            }
            if let maxConcurrency {
                guard maxConcurrency >= 1 else {
                    reportError("--max-concurrency is \(maxConcurrency); expected 1 or more")
                    throw HostExit.inputError
                }
                parsed.maxConcurrency = maxConcurrency
            }
            return parsed
        }

        /// Ctrl-C cancels the workflow (a second one kills the host as usual).
        private func cancelOnInterrupt(_ handle: WorkflowHandle) -> DispatchSourceSignal {
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
