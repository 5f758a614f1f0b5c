import AgentCatalog

// MARK: - Control: pause, resume, cancel, interrupt, a recorder failure

extension RunStateMachine {

    /// No new starts; running agents finish.
    mutating func pause(at now: Double) -> [Action] {
        self.now = now
        guard !finished, !state.paused, !state.stopping else { return [] }
        state.paused = true
        emit(.workflowPaused, message: "paused: running agents finish, no new ones start")
        return conclude(at: now)
    }

    /// Starts may happen again.
    mutating func resume(at now: Double) -> [Action] {
        self.now = now
        guard !finished, state.paused else { return [] }
        state.paused = false
        emit(.workflowResumed)
        return conclude(at: now)
    }

    /// Ends the workflow for good: running agents are told to stop, nothing new starts.
    mutating func cancel(reason: String, at now: Double) -> [Action] {
        self.now = now
        guard !finished, cancelReason == nil, interruptReason == nil else { return [] }
        cancelReason = reason
        return stopAll(reason: "workflow cancelled: \(reason)")
    }

    /// Stops the run without settling it: no new starts, running agents told to stop, what
    /// they did not finish left for `resume` (workflow.interrupted).
    mutating func interrupt(reason: String, at now: Double) -> [Action] {
        self.now = now
        guard !finished, cancelReason == nil, interruptReason == nil, failReason == nil else { return [] }
        interruptReason = reason
        return stopAll(reason: "workflow interrupted: \(reason)")
    }

    /// The recorder failed: the run fails, like abort without an agent at fault.
    mutating func recorderFailed(reason: String, at now: Double) -> [Action] {
        self.now = now
        guard !finished, !recorderHasFailed else { return [] }
        recorderHasFailed = true
        failReason = reason
        return stopAll(reason: reason)
    }

    /// No new starts (a pause is lifted: nothing starts any more), live attempts told to stop.
    private mutating func stopAll(reason: String) -> [Action] {
        state.paused = false
        _ = state.stop()
        stopRunning(reason: reason)
        return conclude(at: now)
    }

    /// Tells every live attempt to stop and starts its grace period.
    mutating func stopRunning(reason: String) {
        for node in state.nodes.indices {
            guard let live = state.nodes[node].live, live.stopReason == nil else { continue }
            state.nodes[node].live?.stopReason = reason
            let id = AttemptID(node: node, number: live.number)
            actions.append(.cancel(id, reason: reason))
            actions.append(.schedule(.abandon(id), at: now + graceSeconds(node)))
        }
    }
}
