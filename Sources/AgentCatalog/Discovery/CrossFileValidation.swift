/// The checks that need every file at once: duplicates and references between manifests.
enum CrossFileValidation {
    /// The manifests with the first of each name kept; a problem for every later duplicate.
    static func uniqueAgents(_ manifests: [Manifest], problems: inout [ManifestProblem]) -> [Manifest] {
        firstOfEach(manifests, key: \.name, source: \.source, field: "name", noun: "agent", problems: &problems)
    }

    /// A problem for every hard or soft dependency nobody satisfies and every unknown alternative.
    ///
    /// Optional dependencies may name agents that are not installed: they only order a plan.
    /// Reads the catalog's indexes (built from the same agents), so no name is hashed twice.
    static func checkReferences(_ catalog: Catalog, problems: inout [ManifestProblem]) {
        let agents = catalog.agents
        for (position, agent) in agents.enumerated() {
            let file = agent.source.file
            for (index, dependency) in agent.dependencies.enumerated() where dependency.type != .optional {
                let field = "dependencies[\(index)]"
                switch dependency.target {
                case .agent(let name) where catalog.agentIndex(ofDependency: index, ofAgentAt: position) == nil:
                    problems.append(
                        .invalid(
                            file, field,
                            "\(dependency.type.rawValue) dependency on unknown agent \"\(name)\"; no manifest "
                                + "discovered has that name (make it {\"agent\": \"\(name)\", \"type\": \"optional\"} "
                                + "if it may be absent)"))
                case .capability(let capability)
                where catalog.providerIndices(ofCapability: capability).allSatisfy({ $0 == position }):
                    problems.append(
                        .invalid(
                            file, field,
                            "\(dependency.type.rawValue) dependency on capability \"\(capability)\", which no "
                                + "other discovered agent provides"))
                default:
                    break
                }
            }
            for (index, alternative) in agent.alternatives.enumerated() where catalog.index(of: alternative) == nil {
                problems.append(
                    .invalid(
                        file, "alternatives[\(index)]",
                        "unknown agent \"\(alternative)\"; expected the name of a discovered agent"))
            }
        }
    }

    /// The templates with the first of each campaign type kept; a problem for every duplicate.
    static func uniqueTemplates(_ templates: [WorkflowTemplate], problems: inout [ManifestProblem]) -> [WorkflowTemplate] {
        firstOfEach(
            templates, key: \.campaignType, source: \.source, field: "campaign_type", noun: "campaign type",
            problems: &problems)
    }

    /// The items with the first of each `key` kept; for every later one a problem on `field` of
    /// its file: `<noun> "<key>" is already defined in <first file>; this file is ignored`.
    private static func firstOfEach<Item>(
        _ items: [Item], key: KeyPath<Item, String>, source: KeyPath<Item, ManifestSource>, field: String,
        noun: String, problems: inout [ManifestProblem]
    ) -> [Item] {
        var firstFile: [String: String] = [:]
        var kept: [Item] = []
        kept.reserveCapacity(items.count)
        for item in items {
            let name = item[keyPath: key]
            let file = item[keyPath: source].file
            if let first = firstFile[name] {
                problems.append(
                    .invalid(file, field, "\(noun) \"\(name)\" is already defined in \(first); this file is ignored"))
            } else {
                firstFile[name] = file
                kept.append(item)
            }
        }
        return kept
    }
}
