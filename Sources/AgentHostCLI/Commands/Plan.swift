import AgentCatalog
import ArgumentParser
import WorkflowPlanning
import WorkflowStore

extension AgentHost {
    /// `agenthost plan REQUEST`: the plan for a request, without running it.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a request without running it: order, groups, critical path, estimates.",
            discussion: """
                Planning reads manifests only; plugin libraries need not be installed. When a store \
                exists (--db, AGENTHOST_DB or .agenthost/state.sqlite), estimates are learned from \
                its recorded runs (median of the last 20) where there are some; the table shows each \
                estimate's source. The store is only read, never created.
                """
        )

        /// How the plan is printed.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json, dot, mermaid
        }

        @OptionGroup var host: HostOptions
        @Argument(help: "The request file (JSON), e.g. Examples/blog-campaign.json.") var request: String
        @OptionGroup var overrides: RequestOverrides
        @OptionGroup var store: StoreOptions
        @Option(help: "table for people, json for programs, dot (Graphviz) or mermaid for pictures.")
        var format: Format = .table

        func run() throws {
            let request = overrides.apply(to: try RequestFile.load(self.request))
            let discovery = host.discover()
            warnAboutProblems(discovery)
            let estimates: any EstimatesProvider = try store.openIfPresent()?.learnedEstimates() ?? ManifestEstimates()
            let plan: ExecutionPlan
            do throws(PlanningError) {
                plan = try Planner(catalog: discovery.catalog, estimates: estimates).plan(request)
            } catch {
                reportError("cannot plan \(self.request): \(error.message)")
                throw HostExit.inputError
            }
            switch format {
            case .table: print(PlanRenderer.table(plan), terminator: "")
            case .json: print(plan.json.prettyText)
            case .dot: print(PlanRenderer.dot(plan), terminator: "")
            case .mermaid: print(PlanRenderer.mermaid(plan), terminator: "")
            }
        }
    }
}
