import AgentCatalog
import OrderedCollections

/// Why a request could not be planned, or a stored plan could not be read.
///
/// Every error carries a stable `code`, a message naming the field, agent or capability at
/// fault and what was expected, and `details` as JSON for programs. All errors are built by
/// the factory functions below so that messages stay consistent.
public struct PlanningError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable error code.
    public enum Code: String, Sendable, CaseIterable {
        /// The request JSON is malformed: an unknown field, a wrong type, a bad value.
        case badRequest = "bad_request"
        /// A request or plan names an agent the catalog does not know.
        case unknownAgent = "unknown_agent"
        /// No agent provides a capability or output the goal asks for.
        case unsatisfiableGoal = "unsatisfiable_goal"
        /// An agent's hard dependency resolves to no agent.
        case missingDependency = "missing_dependency"
        /// The dependencies form a cycle.
        case cycle
        /// The request has no goal and no template matches its campaign type.
        case noTemplate = "no_template"
        /// An agent needs more of a resource than the request's limit allows.
        case resourceLimit = "resource_limit"
        /// An estimate is negative or not finite.
        case invalidEstimate = "invalid_estimate"
        /// A stored plan's JSON is malformed.
        case badPlan = "bad_plan"
    }

    /// What went wrong, as a stable code.
    public var code: Code
    /// A human sentence naming what is at fault and what was expected.
    public var message: String
    /// Machine-readable context (field, agent, cycle, ...).
    public var details: JSONValue

    /// The message prefixed with the code.
    public var description: String { "\(code.rawValue): \(message)" }

    init(_ code: Code, _ message: String, details: JSONValue = .object([:])) {
        self.code = code
        self.message = message
        self.details = details
    }
}

// MARK: - Factories

extension PlanningError {
    /// A request member that is not part of the format.
    static func unknownField(_ path: String, known: some Sequence<String> = [String]()) -> PlanningError {
        let name = path.split(separator: ".").last.map(String.init) ?? path
        var details: JSONObject = ["field": .string(path)]
        if let suggestion = NameSuggestion.closest(to: name, among: known) { details["suggestion"] = .string(suggestion) }
        return PlanningError(
            .badRequest, "\(path) is not a known field\(NameSuggestion.didYouMean(name, among: known))",
            details: .object(details))
    }

    /// Campaign fields that break the `input_schema` of the planned agents; the first names the field.
    static func campaignSchema(_ violations: [SchemaViolation], agents: [String: [String]]) -> PlanningError {
        let first = violations[0]
        var text = first.description
        if let readers = agents[first.path], !readers.isEmpty {
            text += " (declared by \(readers.joined(separator: ", ")))"
        }
        if violations.count > 1 { text += "; and \(violations.count - 1) more" }
        var details: JSONObject = [
            "field": .string(first.path),
            "violations": .array(violations.map { .object(["field": .string($0.path), "message": .string($0.description)]) }),
        ]
        if case .unknownField(let suggestion?) = first.kind { details["suggestion"] = .string(suggestion) }
        return PlanningError(.badRequest, text, details: .object(details))
    }

    /// A request member of the wrong JSON type.
    static func wrongType(_ path: String, expected: String, got value: JSONValue) -> PlanningError {
        PlanningError(
            .badRequest, "\(path) must be \(expected), not \(value.typeDescription)",
            details: ["field": .string(path), "expected": .string(expected)])
    }

    /// A request member with a value outside what is allowed.
    static func badValue(_ path: String, _ explanation: String) -> PlanningError {
        PlanningError(.badRequest, "\(path) \(explanation)", details: ["field": .string(path)])
    }

    /// An agent name nobody in the catalog carries.
    static func unknownAgent(_ name: String, field: String, known: some Sequence<String> = [String]()) -> PlanningError {
        var details: JSONObject = ["agent": .string(name), "field": .string(field)]
        if let suggestion = NameSuggestion.closest(to: name, among: known) { details["suggestion"] = .string(suggestion) }
        return PlanningError(
            .unknownAgent,
            "\(field) names agent \(name), which is not in the catalog\(NameSuggestion.didYouMean(name, among: known))",
            details: .object(details))
    }

    /// Goal entries no agent provides.
    static func unsatisfiableGoal(kind: String, missing: [String]) -> PlanningError {
        PlanningError(
            .unsatisfiableGoal,
            "no agent provides the \(kind) \(missing.joined(separator: ", ")) asked for by the goal",
            details: ["kind": .string(kind), "missing": .array(missing.map { .string($0) })])
    }

    /// A hard dependency that resolves to no agent.
    static func missingDependency(agent: String, dependency: String) -> PlanningError {
        PlanningError(
            .missingDependency, "agent \(agent) has a hard dependency on \(dependency), which no agent in the catalog provides",
            details: ["agent": .string(agent), "dependency": .string(dependency)])
    }

    /// A dependency cycle; `cycle` starts and ends with the same agent.
    static func cycle(_ cycle: [String]) -> PlanningError {
        PlanningError(
            .cycle, "dependency cycle: \(cycle.joined(separator: " -> "))",
            details: ["cycle": .array(cycle.map { .string($0) })])
    }

    /// No goal and no template for the campaign type.
    static func noTemplate(campaignType: String?) -> PlanningError {
        guard let campaignType else {
            return PlanningError(
                .noTemplate, "request has no goal and request.campaign.campaign_type is missing; give one of them")
        }
        return PlanningError(
            .noTemplate, "request has no goal and no template exists for campaign_type \(campaignType)",
            details: ["campaign_type": .string(campaignType)])
    }

    /// An agent whose resource demand exceeds the request's limit.
    static func resourceLimit(agent: String, resource: String, demand: Int, limit: Int) -> PlanningError {
        PlanningError(
            .resourceLimit,
            "agent \(agent) needs \(demand) \(resource) but request.resources.\(resource) allows only \(limit)",
            details: ["agent": .string(agent), "resource": .string(resource),
                      "demand": .integer(Int64(demand)), "limit": .integer(Int64(limit))])
    }

    /// An estimate that cannot be scheduled.
    static func invalidEstimate(agent: String, seconds: Double) -> PlanningError {
        PlanningError(
            .invalidEstimate, "agent \(agent) has estimate \(seconds) s; expected a finite number >= 0",
            details: ["agent": .string(agent)])
    }

    /// A stored plan that does not match the plan format.
    static func badPlan(_ path: String, _ explanation: String) -> PlanningError {
        PlanningError(.badPlan, "\(path) \(explanation)", details: ["field": .string(path)])
    }
}
