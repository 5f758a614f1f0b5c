import AgentCatalog

// Implementation notes: the campaign is handed whole to every agent, so each agent's
// `input_schema` checks the fields it declares (type, enum, required, nested members). A
// field that no planned agent declares is unknown only when every planned agent declares its
// inputs and none allows other fields (`"additionalProperties": false`): an agent without a
// schema may read anything. The planner's own fields (`campaign_type`, `content_types`,
// `include_images`, read by the templates) are always known.

extension Planner {
    /// Campaign fields the planner itself reads (the workflow templates).
    public static let plannerCampaignFields = ["campaign_type", "content_types", "include_images"]

    /// Checks `request.campaign` against the `input_schema` of the agents `plan` runs.
    /// - Throws: `PlanningError.badRequest` naming the first field at fault (and the closest
    ///   declared name for an unknown one); `details.violations` lists them all.
    public func checkCampaign(_ request: WorkflowRequest, agents names: [String]) throws(PlanningError) {
        guard let campaign = request.campaign.objectValue else { return }
        let manifests = names.compactMap { catalog.agent(named: $0) }
        let schemas = manifests.compactMap { manifest in manifest.inputSchema.map { (manifest.name, $0) } }
        guard !schemas.isEmpty else { return }
        var violations: [SchemaViolation] = []
        var declaredBy: [String: [String]] = [:]
        var declared = Self.plannerCampaignFields
        for (agent, schema) in schemas {
            var fieldsOnly = schema
            fieldsOnly.additionalProperties = true
            for violation in fieldsOnly.violations(of: .object(campaign), at: "campaign")
            where !violations.contains(violation) {
                violations.append(violation)
            }
            for name in schema.properties.keys {
                declaredBy["campaign.\(name)", default: []].append(agent)
                if !declared.contains(name) { declared.append(name) }
            }
        }
        let closed = schemas.count == manifests.count && schemas.allSatisfy { !$0.1.additionalProperties }
        if closed {
            for name in campaign.keys where !declared.contains(name) {
                let suggestion = NameSuggestion.closest(to: name, among: declared)
                violations.append(SchemaViolation(path: "campaign.\(name)", kind: .unknownField(suggestion: suggestion)))
            }
        }
        guard !violations.isEmpty else { return }
        // Unknown names first: a typo usually explains the missing field that follows from it.
        let ordered = violations.filter { if case .unknownField = $0.kind { true } else { false } }
            + violations.filter { if case .unknownField = $0.kind { false } else { true } }
        throw .campaignSchema(ordered, agents: declaredBy)
    }
}
