import AgentCatalog
import Foundation
import WorkflowPlanning

// MARK: - Recovery from an agent that failed for good (under the lock)

extension WorkflowRun {
    /// Applies the agent's recovery strategy (its manifest's, else the request's).
    func recover(_ node: Int, message: String) {
        let strategy = manifests[node].recovery ?? request.recovery
        if state.stopping {
            settleFailed(node, strategy: "stop")
            return
        }
        switch strategy {
        case .skip:
            settleFailed(node, strategy: "skip")
        case .abort:
            settleFailed(node, strategy: "abort")
            abort(reason: "\(manifests[node].name) failed: \(message)")
        case .retryAlternative:
            if !substitute(node, message: message) {
                settleFailed(node, strategy: "skip", note: "no alternative left for \(manifests[node].name)")
            }
        case .replan:
            if let problem = replan(without: node, message: message) {
                settleFailed(
                    node, strategy: "skip", note: "replanning without \(manifests[node].name) failed: \(problem)")
            }
        }
        // Recovery may have added agents: a run that started with fewer threads than it may now use grows.
        let wanted = min(state.maxConcurrency, state.unsettled)
        while threads < wanted {
            threads += 1
            spawnWorker(threads)
        }
    }

    /// Settles `node` as failed; its hard dependents are skipped, with a resequencing event.
    private func settleFailed(_ node: Int, strategy: String, note: String? = nil) {
        unrecovered.append(manifests[node].name)
        let skipped = state.settle(node, as: .failed)
        for (dependent, cause) in skipped { appendSkipped(dependent, cause: cause) }
        guard !skipped.isEmpty else { return }
        let names = skipped.map { manifests[$0.node].name }
        let prefix = note.map { "\($0); " } ?? ""
        let list = names.joined(separator: ", ")
        log.append(
            .planResequenced, agent: manifests[node].name,
            message: "\(prefix)\(manifests[node].name) failed: skipping its hard dependents \(list)",
            data: ["change": "skip", "recovery": .string(strategy), "skipped": .array(names.map { .string($0) })])
    }

    /// Cancels running agents and starts nothing more; never-started agents are skipped.
    func abort(reason: String) {
        failReason = failReason ?? reason
        let never = state.stop()
        for node in never {
            let message = "not started: the workflow was aborted (\(reason))"
            errors[node] = message
            log.append(.agentSkipped, agent: manifests[node].name, message: message)
        }
        for node in never { state.settle(node, as: .skipped) }
        cancelRunning(reason: "workflow aborted: \(reason)")
        condition.broadcast()
    }

    /// Tells every running attempt to stop and gives each a grace period.
    func cancelRunning(reason: String) {
        for context in running.values {
            let isolated = manifests[context.node].isolation == .process
            context.cancellation.cancel(reason: reason)
            scheduleAbandon(context, isolated: isolated)
        }
    }

    // MARK: retry_alternative

    /// Puts an alternative agent in `node`'s place: same inputs, same dependents.
    /// - Returns: false when no alternative is left.
    private func substitute(_ node: Int, message: String) -> Bool {
        let origin = originOf[node] ?? node
        let originName = manifests[origin].name
        tried[origin, default: []].insert(manifests[node].name)
        var candidates = plan.alternatives[originName] ?? manifests[origin].alternatives
        for capability in manifests[origin].capabilities {
            candidates += catalog.providers(ofCapability: capability).map(\.name)
        }
        let used = tried[origin] ?? []
        guard let choice = candidates.first(where: { !used.contains($0) && state.indexByName[$0] == nil }),
            let manifest = catalog.agent(named: choice)
        else { return false }
        tried[origin, default: []].insert(choice)

        let old = state.nodes[node]
        let added = state.addNode(
            name: choice, outputKey: old.outputKey, priority: old.priority, orderIndex: old.orderIndex,
            group: max(old.group, state.currentGroup), resources: manifest.resources, estimate: manifest.estimateSeconds
        )
        manifests.append(manifest)
        outputs.append(nil)
        errors.append(nil)
        originOf[added] = origin
        state.setDependencies(of: added, old.dependencies)
        for edge in old.dependents {
            let moved = state.nodes[edge.node].dependencies.map {
                $0.node == node ? SchedulerState.Edge(node: added, type: $0.type) : $0
            }
            state.setDependencies(of: edge.node, moved)
        }
        state.markFailedQuietly(node)
        log.append(
            .planResequenced, agent: manifests[node].name,
            message: "\(choice) takes the place of \(manifests[node].name), which failed: \(message)",
            data: [
                "change": "substitution", "replaced": .string(manifests[node].name), "by": .string(choice),
                "agents": [.string(choice)], "estimates": [choice: .number(manifest.estimateSeconds)],
            ])
        for (dependent, cause) in state.admitSettledWaiters() { appendSkipped(dependent, cause: cause) }
        return true
    }

    // MARK: replan

    /// Recomputes the rest of the plan without the failed agent and continues on it.
    /// - Returns: why replanning was impossible, or nil when execution goes on.
    private func replan(without node: Int, message: String) -> String? {
        let failed = manifests[node].name
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
                name: agent.name, outputKey: agent.name, priority: agent.priority,
                orderIndex: position[agent.name] ?? state.nodes.count, group: baseGroup + agent.group,
                resources: agent.resources, estimate: agent.estimate.seconds)
            manifests.append(manifest)
            outputs.append(nil)
            errors.append(nil)
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
            errors[index] = reason
            dropped.append(name)
            log.append(.agentSkipped, agent: name, message: "replanned away: \(reason)")
        }
        state.settle(node, as: .failed)
        plan.alternatives.merge(next.alternatives) { old, _ in old }
        log.append(
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

// MARK: - Control and the end of the run

extension WorkflowRun {
    func pause() {
        condition.lock()
        guard !finished, !state.paused, !state.stopping else { return condition.unlock() }
        state.paused = true
        log.append(.workflowPaused, message: "paused: running agents finish, no new ones start")
        condition.unlock()
        flush()
    }

    func resume() {
        condition.lock()
        guard !finished, state.paused else { return condition.unlock() }
        state.paused = false
        log.append(.workflowResumed)
        condition.broadcast()
        condition.unlock()
        flush()
    }

    func cancel(reason: String) {
        condition.lock()
        guard !finished, cancelReason == nil else { return condition.unlock() }
        cancelReason = reason
        state.paused = false
        _ = state.stop()
        cancelRunning(reason: "workflow cancelled: \(reason)")
        condition.broadcast()
        condition.unlock()
        flush()
    }

    /// Fails the workflow (recorder failure): like abort, without an agent at fault.
    func fail(reason: String) {
        condition.lock()
        guard !finished else { return condition.unlock() }
        failReason = reason
        _ = state.stop()
        cancelRunning(reason: reason)
        condition.broadcast()
        condition.unlock()
    }

    /// Under the lock, once nothing runs or can start: emits the final event and wakes
    /// everyone waiting.
    func finishLocked() {
        guard !finished else { return }
        finished = true
        let names = { (wanted: SchedulerState.NodeState) in
            self.state.nodes.indices.filter { self.state.state(of: $0) == wanted && !self.state.nodes[$0].retired }
                .map { JSONValue.string(self.state.nodes[$0].name) }
        }
        let stuck = state.nodes.indices.filter { !state.state(of: $0).isSettled && !state.nodes[$0].retired }
        var data: JSONObject = [
            "completed": .array(names(.completed)), "failed": .array(names(.failed)),
            "skipped": .array(names(.skipped)), "duration_seconds": .number(options.clock.now() - startedAt),
        ]
        if writtenOffThreads > 0 { data["abandoned_threads"] = .integer(Int64(writtenOffThreads)) }
        if let cancelReason {
            log.append(.workflowCancelled, message: cancelReason, data: .object(data))
        } else if let failReason {
            log.append(.workflowFailed, message: failReason, data: .object(data))
        } else if !unrecovered.isEmpty {
            log.append(
                .workflowFailed, message: "did not complete: \(unrecovered.joined(separator: ", "))",
                data: .object(data))
        } else if !stuck.isEmpty {
            let list = stuck.map { state.nodes[$0].name }.joined(separator: ", ")
            log.append(.workflowFailed, message: "agents could never start: \(list)", data: .object(data))
        } else {
            log.append(.workflowCompleted, message: "all \(state.nodes.count) agents completed", data: .object(data))
        }
        condition.broadcast()
        condition.unlock()
        log.flush()
        timer.stop()
        let status = log.status
        doneCondition.lock()
        finalStatus = status
        let resumed = waiters
        waiters = []
        doneCondition.broadcast()
        doneCondition.unlock()
        for waiter in resumed { waiter.resume(returning: status) }
        condition.lock()
    }

    /// Blocks until the run is over.
    func waitFinished() -> WorkflowStatus {
        doneCondition.lock()
        defer { doneCondition.unlock() }
        while finalStatus == nil { doneCondition.wait() }
        return finalStatus!
    }

    /// Suspends until the run is over.
    func finishedAsync() async -> WorkflowStatus {
        await withCheckedContinuation { continuation in
            doneCondition.lock()
            if let finalStatus {
                doneCondition.unlock()
                continuation.resume(returning: finalStatus)
            } else {
                waiters.append(continuation)
                doneCondition.unlock()
            }
        }
    }
}
