import AgentCatalog
import Foundation
import WorkflowPlanning

// MARK: - Recovery from an agent that failed for good

extension RunStateMachine {
    /// Applies the agent's recovery strategy (its manifest's, else the request's).
    mutating func recover(_ node: Int, message: String) {
        let strategy = state.nodes[node].manifest.recovery ?? request.recovery
        if state.stopping {
            settleFailed(node, strategy: "stop")
            return
        }
        switch strategy {
        case .skip:
            settleFailed(node, strategy: "skip")
        case .abort:
            settleFailed(node, strategy: "abort")
            abort(reason: "\(state.nodes[node].name) failed: \(message)")
        case .retryAlternative:
            if !substitute(node, message: message) {
                settleFailed(node, strategy: "skip", note: "no alternative left for \(state.nodes[node].name)")
            }
        case .replan:
            if let problem = replan(without: node, message: message) {
                settleFailed(
                    node, strategy: "skip", note: "replanning without \(state.nodes[node].name) failed: \(problem)")
            }
        }
    }

    /// Settles `node` as failed; its hard dependents are skipped, with a resequencing event.
    private mutating func settleFailed(_ node: Int, strategy: String, note: String? = nil) {
        markUnrecovered(node)
        let skipped = state.settle(node, as: .failed)
        for (dependent, cause) in skipped { appendSkipped(dependent, cause: cause) }
        guard !skipped.isEmpty else { return }
        let names = skipped.map { state.nodes[$0.node].name }
        let prefix = note.map { "\($0); " } ?? ""
        let list = names.joined(separator: ", ")
        emit(
            .planResequenced, agent: state.nodes[node].name,
            message: "\(prefix)\(state.nodes[node].name) failed: skipping its hard dependents \(list)",
            data: ["change": "skip", "recovery": .string(strategy), "skipped": .array(names.map { .string($0) })])
    }

    /// Cancels running agents and starts nothing more; never-started agents are skipped.
    private mutating func abort(reason: String) {
        setFailReason(reason)
        let never = state.stop()
        for node in never {
            let message = "not started: the workflow was aborted (\(reason))"
            state.nodes[node].error = message
            emit(.agentSkipped, agent: state.nodes[node].name, message: message)
        }
        for node in never { state.settle(node, as: .skipped) }
        stopRunning(reason: "workflow aborted: \(reason)")
    }

    // MARK: retry_alternative

    /// Puts an alternative agent in `node`'s place: same inputs, same dependents.
    /// - Returns: false when no alternative is left.
    private mutating func substitute(_ node: Int, message: String) -> Bool {
        let origin = state.nodes[node].origin ?? node
        let originName = state.nodes[origin].name
        let name = state.nodes[node].name
        tried[origin, default: []].insert(name)
        var candidates = plan.alternatives[originName] ?? state.nodes[origin].manifest.alternatives
        for capability in state.nodes[origin].manifest.capabilities {
            candidates += catalog.providers(ofCapability: capability).map(\.name)
        }
        let used = tried[origin] ?? []
        guard let choice = candidates.first(where: { !used.contains($0) && state.indexByName[$0] == nil }),
            let manifest = catalog.agent(named: choice)
        else { return false }
        tried[origin, default: []].insert(choice)

        let old = state.nodes[node]
        let added = state.addNode(
            manifest: manifest, outputKey: old.outputKey, priority: old.priority, orderIndex: old.orderIndex,
            group: max(old.group, state.currentGroup), resources: manifest.resources, estimate: manifest.estimateSeconds
        )
        state.nodes[added].origin = origin
        state.setDependencies(of: added, old.dependencies)
        for edge in old.dependents {
            let moved = state.nodes[edge.node].dependencies.map {
                $0.node == node ? SchedulerState.Edge(node: added, type: $0.type) : $0
            }
            state.setDependencies(of: edge.node, moved)
        }
        state.markFailedQuietly(node)
        emit(
            .planResequenced, agent: state.nodes[node].name,
            message: "\(choice) takes the place of \(state.nodes[node].name), which failed: \(message)",
            data: [
                "change": "substitution", "replaced": .string(state.nodes[node].name), "by": .string(choice),
                "agents": [.string(choice)], "estimates": [choice: .number(manifest.estimateSeconds)],
            ])
        for (dependent, cause) in state.admitSettledWaiters() { appendSkipped(dependent, cause: cause) }
        return true
    }

    // MARK: replan

    /// Recomputes the rest of the plan without the failed agent and continues on it.
    /// - Returns: why replanning was impossible, or nil when execution goes on.
    private mutating func replan(without node: Int, message: String) -> String? {
        let failed = state.nodes[node].name
        excluded.insert(failed)
        let completed = Set(
            state.nodes.indices.filter { state.state(of: $0) == .completed }.map { state.nodes[$0].name })
        let next: ExecutionPlan
        do {
            next = try planner.replan(request, completed: completed, excluded: excluded)
        } catch {
            return "\(error)"
        }
        let position = Dictionary(next.order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let baseGroup = state.currentGroup
        var added: [String] = []
        var estimates = JSONObject()
        for agent in next.agents where state.indexByName[agent.name] == nil && !agent.isCompleted {
            guard let manifest = catalog.agent(named: agent.name) else { continue }
            _ = state.addNode(
                manifest: manifest, outputKey: agent.name, priority: agent.priority,
                orderIndex: position[agent.name] ?? state.nodes.count, group: baseGroup + agent.group,
                resources: agent.resources, estimate: agent.estimate.seconds)
            added.append(agent.name)
            estimates[agent.name] = .number(agent.estimate.seconds)
        }
        // Agents not started yet take their dependencies from the new plan.
        let planned = Set(next.agents.map(\.name))
        for agent in next.agents {
            guard let index = state.indexByName[agent.name],
                state.state(of: index) == .waiting
                    || state.state(of: index) == .ready
            else { continue }
            state.unready(index)
            state.setDependencies(
                of: index,
                agent.dependencies.compactMap { dependency in
                    state.indexByName[dependency.agent].map { SchedulerState.Edge(node: $0, type: dependency.type) }
                })
        }
        var dropped: [String] = []
        for index in state.nodes.indices where index != node && !planned.contains(state.nodes[index].name) {
            let current = state.state(of: index)
            guard current == .waiting || current == .ready, !state.nodes[index].retired else { continue }
            let name = state.nodes[index].name
            let reason = next.dropped.first { $0.agent == name }?.reason ?? "not needed by the replanned workflow"
            state.retire(index)
            state.nodes[index].error = reason
            dropped.append(name)
            emit(.agentSkipped, agent: name, message: "replanned away: \(reason)")
        }
        state.settle(node, as: .failed)
        plan.alternatives.merge(next.alternatives) { old, _ in old }
        emit(
            .planResequenced, agent: failed,
            message: "replanned without \(failed) (\(message))"
                + (added.isEmpty ? "" : "; added \(added.joined(separator: ", "))")
                + (dropped.isEmpty ? "" : "; dropped \(dropped.joined(separator: ", "))"),
            data: [
                "change": "replan", "excluded": .array(excluded.sorted().map { .string($0) }),
                "agents": .array(added.map { .string($0) }), "estimates": .object(estimates),
                "dropped": .array(dropped.map { .string($0) }), "order": .array(next.order.map { .string($0) }),
            ])
        for (dependent, cause) in state.admitSettledWaiters() { appendSkipped(dependent, cause: cause) }
        return nil
    }
}

// MARK: - Agent input

extension RunStateMachine {
    /// What a driver needs to call the plugin of a start it takes.
    struct StartDetails {
        var manifest: Manifest
        var entries: [AgentInput.Entry]
        /// Set when the run asked the attempt to stop before a thread took it.
        var stopReason: String?
        /// Whether the attempt was settled (timed out, abandoned) before a thread took it.
        var settled: Bool
        /// The planner's rank of the agent.
        var priority: Double
    }

    /// The details of `start`, read in place (a Node is costly to copy).
    mutating func details(of start: Start) -> StartDetails {
        let node = start.attempt.node
        let live = state.nodes[node].live
        return StartDetails(
            manifest: state.nodes[node].manifest, entries: inputEntries(for: node), stopReason: live?.stopReason,
            settled: live?.number != start.attempt.number, priority: state.nodes[node].priority)
    }

    /// The `inputs` entries of `node`'s agent input, in dependency order with distinct keys:
    /// each completed dependency's output (serialized once, when a dependent first reads it)
    /// and, for a soft dependency that did not complete, its error.
    mutating func inputEntries(for node: Int) -> [AgentInput.Entry] {
        var entries: [AgentInput.Entry] = []
        entries.reserveCapacity(state.nodes[node].dependencies.count)
        for edge in state.nodes[node].dependencies {
            let dependency = edge.node
            let key = state.nodes[dependency].outputKey
            let entry: AgentInput.Entry
            switch state.nodes[dependency].state {
            case .completed:
                guard let output = state.nodes[dependency].output else { continue }
                let bytes = state.nodes[dependency].outputBytes ?? JSONValue.object(output).compactBytes
                state.nodes[dependency].outputBytes = bytes
                entry = AgentInput.Entry(key: key, value: output, bytes: bytes)
            case .failed, .skipped:
                guard edge.type == .soft else { continue }
                let error: JSONObject = ["error": .string(state.nodes[dependency].error ?? "did not complete")]
                entry = AgentInput.Entry(key: key, value: error, bytes: JSONValue.object(error).compactBytes)
            default:
                continue
            }
            // A key met again keeps its first place and takes the later value (as a JSONObject would).
            if let earlier = entries.firstIndex(where: { $0.key == key }) {
                entries[earlier].value = entry.value
                entries[earlier].bytes = entry.bytes
            } else {
                entries.append(entry)
            }
        }
        return entries
    }
}
