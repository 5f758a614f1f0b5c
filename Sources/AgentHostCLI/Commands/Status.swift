import AgentCatalog
import ArgumentParser
import Foundation
import WorkflowStore

extension AgentHost {
    /// `agenthost status [ID]`: stored workflows, or one in detail.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the stored workflows, or one workflow's agents, progress and timings.",
            discussion: """
                Reads the store, also while another process runs the workflow. A workflow whose \
                host died shows as interrupted (`agenthost resume ID` finishes it). With --json, one \
                workflow is printed as {workflow_id, state, progress_percentage, agents_status, counts, \
                execution_info, agents}; all of them as {workflows: [...]}.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var log: LogOptions
        @Argument(help: "A workflow id; all workflows when omitted.") var id: String?
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() throws {
            guard let store = try self.store.openForReading(for: "status") else {
                if let id { throw self.store.noStoreFor(id) }
                print(json ? JSONValue.object(["workflows": []]).prettyText : self.store.noRunsYet)
                return
            }
            if let id {
                let status = try self.store.attempt { () throws(StoreError) in try store.status(workflowId: id) }
                print(json ? status.json.prettyText : WorkflowTables.status(status), terminator: json ? "\n" : "")
                return
            }
            let summaries = try self.store.attempt { () throws(StoreError) in try store.workflows() }
            if json {
                print(JSONValue.object(["workflows": .array(summaries.map(\.json))]).prettyText)
            } else {
                print(WorkflowTables.list(summaries), terminator: "")
            }
        }
    }

    /// `agenthost history`: past workflows, newest first.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List past workflows, newest first, with their duration and outcome.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var log: LogOptions
        @Option(help: "Show at most this many workflows.") var limit = 20
        @Flag(help: "Print JSON instead of a table.") var json = false

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
        }

        func run() throws {
            guard let store = try self.store.openForReading(for: "history") else {
                print(json ? JSONValue.object(["workflows": []]).prettyText : self.store.noRunsYet)
                return
            }
            let summaries = Array(
                try self.store.attempt { () throws(StoreError) in try store.workflows() }.prefix(limit))
            if json {
                print(JSONValue.object(["workflows": .array(summaries.map(WorkflowTables.historyJSON))]).prettyText)
            } else {
                print(WorkflowTables.history(summaries), terminator: "")
            }
        }
    }
}
