import AgentCatalog
import ArgumentParser
import Foundation
import WorkflowStore

extension AgentHost {
    /// `agenthost analytics ID`: estimated against actual, critical path, bottlenecks, advice.
    struct Analytics: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a workflow's estimates with what happened: per agent and in total.",
            discussion: """
                Shows estimated and actual seconds per agent and for the workflow, the realized \
                critical path, bottlenecks, retries and recommendations.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var log: LogOptions
        @Argument(help: "The workflow id.") var id: String
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() throws {
            guard let store = try self.store.openForReading(for: "analytics") else { throw self.store.noStoreFor(id) }
            let analytics = try self.store.attempt { () throws(StoreError) in try store.analytics(workflowId: id) }
            print(json ? analytics.json.prettyText : analytics.table, terminator: json ? "\n" : "")
        }
    }

    /// `agenthost report ID --html FILE`: one self-contained HTML page about a run.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an HTML report of a workflow: its graph and a timeline of every attempt.",
            discussion: "The file is self-contained (no scripts, styles or fonts fetched from the network).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var log: LogOptions
        @Argument(help: "The workflow id.") var id: String
        @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file")) var html: String

        func run() throws {
            guard let store = try self.store.openForReading(for: "report") else { throw self.store.noStoreFor(id) }
            let page = try self.store.attempt { () throws(StoreError) in try store.reportHTML(workflowId: id) }
            do {
                try Data(page.utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
            } catch {
                reportError("cannot write \(html): \(error.localizedDescription)")
                throw HostExit.inputError
            }
            print("wrote \(html) (\(page.utf8.count) bytes)")
        }
    }
}
