import Foundation

/// A workflow of agents `n000`, `n001`, ... served by TestExecAgent's any-name entry (Tests/Plugins/ExecTestAgent):
/// a root, a fan-out of agents that need only the root, and a chain that starts at the root.
///
/// Every agent answers its name and its dependencies' outputs (`echo_inputs`), so two runs have
/// equal outputs exactly when data flowed the same; each execution appends
/// `<agent> <attempt> <pid>` to ``startedLog`` as it begins and
/// `<agent> <attempt> <start_ns> <end_ns> <pid>` to ``recordLog`` as it ends.
public struct ClusterWorkload: Sendable {
    /// The agents that need only the root.
    public let fanOut: Int
    /// The length of the chain under the root.
    public let chain: Int
    /// How long each agent sleeps (0: answers at once).
    public let sleepMilliseconds: Int
    /// The folder holding `manifests/`, `request.json` and the two logs.
    public let folder: String

    /// The root, then the fan-out, then the chain in order.
    public let agents: [String]

    /// Writes the manifests and the request of `1 + fanOut + chain` agents into `folder`.
    /// - Parameter maxConcurrency: the request's `max_concurrency` (the cluster's slots).
    /// - Throws: a ``HarnessError`` when a file cannot be written.
    public init(fanOut: Int, chain: Int, sleepMilliseconds: Int, maxConcurrency: Int, in folder: String) throws {
        self.fanOut = fanOut
        self.chain = chain
        self.sleepMilliseconds = sleepMilliseconds
        self.folder = folder
        agents = (0..<(1 + fanOut + chain)).map { String(format: "n%03d", $0) }
        let manifests = folder + "/manifests"
        try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
        for agent in agents {
            let manifest: [String: Any] = [
                "manifest_version": 1, "name": agent, "version": "1.0.0", "description": "cluster test agent",
                "library": "libTestExecAgent.so", "entry": "exec_entry_any", "kind": "agent-v1",
                "capabilities": [String](), "dependencies": dependencies(of: agent), "outputs": [agent + "_out"],
                "estimate_seconds": max(Double(sleepMilliseconds) / 1000, 0.001), "parallel_safe": true,
                "max_retries": 1, "timeout_seconds": 120, "resources": [String: Int](), "alternatives": [String](),
                "isolation": "in-process",
                "config": [
                    "sleep_ms": sleepMilliseconds, "echo_inputs": true, "started": startedLog, "record": recordLog,
                ],
            ]
            try Self.write(manifest, to: "\(manifests)/\(agent).json")
        }
        let request: [String: Any] = [
            "goal": ["agents": agents], "strategy": "adaptive", "max_concurrency": maxConcurrency,
            "campaign": ["title": "cluster workload \(fanOut)+\(chain)"],
        ]
        try Self.write(request, to: requestFile)
    }

    /// The folder of the manifests (`--manifests`).
    public var manifestFolder: String { folder + "/manifests" }
    /// The request (`agenthost run REQUEST`).
    public var requestFile: String { folder + "/request.json" }
    /// One line per execution as it begins: `<agent> <attempt> <pid>`.
    public var startedLog: String { folder + "/started.log" }
    /// One line per execution that ran to its end: `<agent> <attempt> <start_ns> <end_ns> <pid>`.
    public var recordLog: String { folder + "/record.log" }

    /// The root agent.
    public var root: String { agents[0] }
    /// The chain's agents, in order.
    public var chainAgents: ArraySlice<String> { agents.suffix(chain) }

    /// The agents `agent` needs.
    public func dependencies(of agent: String) -> [String] {
        guard let index = agents.firstIndex(of: agent), index > 0 else { return [] }
        // The fan-out and the chain's first agent need the root; every other chain agent its predecessor.
        return index <= fanOut + 1 ? [root] : [agents[index - 1]]
    }

    /// The executions begun so far, in order: (agent, attempt, pid).
    public func executions() -> [(agent: String, attempt: Int, pid: Int)] {
        lines(startedLog).compactMap { fields in
            guard fields.count == 3, let attempt = Int(fields[1]), let pid = Int(fields[2]) else { return nil }
            return (fields[0], attempt, pid)
        }
    }

    /// The executions that ran to their end: (agent, attempt, start and end in ns since 1970, pid).
    public func records() -> [(agent: String, attempt: Int, start: Int64, end: Int64, pid: Int)] {
        lines(recordLog).compactMap { fields in
            guard fields.count == 5, let attempt = Int(fields[1]), let start = Int64(fields[2]),
                let end = Int64(fields[3]), let pid = Int(fields[4])
            else { return nil }
            return (fields[0], attempt, start, end, pid)
        }
    }

    /// How many times each agent began executing.
    public func executionCounts() -> [String: Int] {
        executions().reduce(into: [:]) { counts, execution in counts[execution.agent, default: 0] += 1 }
    }

    // MARK: - Private helpers

    private func lines(_ path: String) -> [[String]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        // A line cut short by a kill has no newline: keep only complete lines.
        let complete = text.hasSuffix("\n") ? text : String(text[..<(text.lastIndex(of: "\n") ?? text.startIndex)])
        return complete.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }

    private static func write(_ object: [String: Any], to path: String) throws {
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw HarnessError("cannot write \(path): \(error)")
        }
    }
}
