// AgentContext+Degraded.swift — saying in an agent's output that it worked without a
// failed dependency, and carrying what upstream agents said on to later agents.
//
// Implementation notes: every Swift agent's output gets a `worked_without` list when the
// run had a failed soft dependency (the host passes it as {"error": ...}) or when any
// dependency's output carries such a list: entries are {"agent", "dependency", "error",
// "effect"}, the agent that did without, the dependency it did without, that dependency's
// error and what the agent did instead. A body may add its own entries (with a precise
// `effect`); the kit adds the rest, so an agent downstream (campaign_manager) sees every
// degradation of the run among its own inputs, however far up it happened.
import Foundation

extension AgentContext {
    /// One `worked_without` entry for this agent and its failed dependency `dependency`.
    public func workedWithout(_ dependency: String, effect: String) -> [String: Any] {
        [
            "agent": agent, "dependency": dependency,
            "error": dependencyError(dependency) ?? "no output among the inputs", "effect": effect,
        ]
    }

    /// The `worked_without` entries of this run: the body's own (`result`), then one per
    /// failed soft dependency not already covered, then those the dependencies' outputs
    /// carry; each (agent, dependency) pair once.
    func degradations(adding result: [String: Any]) -> [[String: Any]] {
        var entries = JSON.objects(result["worked_without"])
        for name in inputs.keys.sorted() {
            guard let error = dependencyError(name) else { continue }
            entries.append([
                "agent": agent, "dependency": name, "error": error,
                "effect": "ran without the output of \(name)",
            ])
        }
        for name in inputs.keys.sorted() {
            entries += JSON.objects(dependency(name)?["worked_without"])
        }
        var seen = Set<String>()
        return entries.filter { entry in
            seen.insert("\(JSON.string(entry["agent"]) ?? "")\u{1}\(JSON.string(entry["dependency"]) ?? "")").inserted
        }
    }
}
