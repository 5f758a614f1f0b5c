import AgentCatalog
import ArgumentParser
import WorkflowPlanning

extension AgentHost {
    /// `agenthost plan REQUEST`: the plan for a request, without running it.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a request without running it: order, groups, critical path, estimates.",
            discussion: "Planning reads manifests only; plugin libraries need not be installed."
        )

        /// How the plan is printed.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json, dot, mermaid
        }

        @OptionGroup var host: HostOptions
        @Argument(help: "The request file (JSON), e.g. Examples/blog-campaign.json.") var request: String
        @OptionGroup var overrides: RequestOverrides
        @Option(help: "table for people, json for programs, dot (Graphviz) or mermaid for pictures.")
        var format: Format = .table

        func run() throws {
            let request = overrides.apply(to: try RequestFile.load(self.request))
            let discovery = host.discover()
            warnAboutProblems(discovery)
            let plan: ExecutionPlan
            do throws(PlanningError) {
                plan = try Planner(catalog: discovery.catalog).plan(request)
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
