import AgentCatalog
import Foundation
import WorkflowEvents
import WorkflowPlanning

extension ProtocolServer {
    /// `workflow/plan {request}` -> `{plan_id, plan}`; the plan is kept for `workflow/execute`.
    func planWorkflow(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        try context.params.allowOnly(["request"])
        let plan = try makePlan(context)
        let planId = session.withLock { state -> String in
            let id = "plan-\(state.nextPlan)"
            state.nextPlan += 1
            state.plans[id] = plan
            if state.plans.count > configuration.retainedPlans { state.plans.removeFirst() }
            return id
        }
        return .object(["plan_id": .string(planId), "plan": plan.json])
    }

    /// `workflow/execute {request} | {plan_id}, base_directory?` -> `{workflow_id, plan}` at once;
    /// the run goes on in the background.
    func executeWorkflow(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let params = context.params
        try params.allowOnly(["request", "plan_id", "base_directory"])
        let baseDirectory = try params.optionalString("base_directory")
        let plan: ExecutionPlan
        switch (params.members["request"], try params.optionalString("plan_id")) {
        case (.some, .some):
            throw ProtocolError.invalidParams(
                method: context.method, param: "plan_id", "must not be given together with request; send one of them")
        case (.none, .none):
            throw ProtocolError.invalidParams(
                method: context.method, param: "request", "is missing; expected a request object or a plan_id")
        case (.none, .some(let planId)):
            guard let kept = session.withLock({ $0.plans[planId] }) else { throw ProtocolError.unknownPlan(planId) }
            plan = kept
        case (.some, .none):
            plan = try makePlan(context)
        }
        let base = baseDirectory ?? FileManager.default.currentDirectoryPath
        if let missing = CampaignSources.problems(in: plan.request.campaign, baseDirectory: base).first {
            throw ProtocolError.invalidParams(
                method: context.method, param: "request.\(missing.field)",
                "names the source file '\(missing.path)', which \(missing.exists ? "is not a readable file" : "does not exist") "
                    + "(looked at \(missing.resolved)); relative paths resolve against base_directory")
        }
        guard !context.isCancelled else { return nil }
        let workflowId = try workflows.start(plan: plan, catalog: directory.catalog, baseDirectory: baseDirectory)
        return .object(["workflow_id": .string(workflowId), "plan": plan.json])
    }

    /// `workflow/status {workflow_id}` -> the status (seed's shape).
    func workflowStatus(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context)
        return try workflows.status(workflowId: id).json
    }

    /// `workflow/plan_of {workflow_id}` -> `{workflow_id, plan}`.
    func planOf(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context)
        return .object(["workflow_id": .string(id), "plan": try workflows.plan(workflowId: id).json])
    }

    /// `workflow/analytics {workflow_id}` -> the analytics.
    func workflowAnalytics(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context)
        return try workflows.analytics(workflowId: id)
    }

    /// `workflow/agent_result {workflow_id, agent}` -> `{workflow_id, agent, state, attempts, output}`.
    func agentResult(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context, also: ["agent"])
        let agent = try context.params.nonEmptyString("agent")
        let status = try workflows.status(workflowId: id)
        guard let record = status.agents[agent] else { throw ProtocolError.unknownAgent(agent, workflowId: id) }
        let output = try workflows.output(workflowId: id, agent: agent)
        var result: JSONObject = [
            "workflow_id": .string(id), "agent": .string(agent), "state": .string(record.state.rawValue),
            "attempts": .integer(Int64(record.attempts)), "output": output ?? .null,
        ]
        if let message = record.message { result["message"] = .string(message) }
        return .object(result)
    }

    /// `workflow/list {limit?}` -> `{workflows: [{workflow_id, state, progress_percentage, ...}]}`.
    func listWorkflows(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        try context.params.allowOnly(["limit"])
        let limit = try context.params.optionalInteger("limit", in: 1...10_000) ?? 100
        let workflows = try workflows.list(limit: Int(limit)).map { status -> JSONValue in
            var entry: JSONObject = [
                "workflow_id": .string(status.workflowId), "state": .string(status.state.rawValue),
                "progress_percentage": .number(status.progressPercentage),
                "agents": .integer(Int64(status.order.count)), "last_sequence": .integer(status.lastSequence),
            ]
            if let startedAt = status.startedAt { entry["started_at"] = .number(startedAt) }
            if let finishedAt = status.finishedAt { entry["finished_at"] = .number(finishedAt) }
            return .object(entry)
        }
        return .object(["workflows": .array(workflows)])
    }

    /// `workflow/cancel {workflow_id, reason?}` -> the status after the request.
    func cancelWorkflow(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context, also: ["reason"])
        let reason = try context.params.optionalString("reason")
        try requireUnfinished(id, action: "cancelled")
        try workflows.cancel(workflowId: id, reason: reason)
        return try workflows.status(workflowId: id).json
    }

    /// `workflow/pause {workflow_id}` -> the status after the request.
    func pauseWorkflow(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context)
        try requireUnfinished(id, action: "paused")
        try workflows.pause(workflowId: id)
        return try workflows.status(workflowId: id).json
    }

    /// `workflow/resume {workflow_id}` -> the status after the request (paused or interrupted).
    func resumeWorkflow(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context)
        try requireUnfinished(id, action: "resumed")
        try workflows.resume(workflowId: id, catalog: directory.catalog)
        return try workflows.status(workflowId: id).json
    }

    /// `workflow/retry {workflow_id, agents?, reason?}` -> `{workflow_id, agents, status}`: a new
    /// attempt of a failed or cancelled workflow, which keeps every committed output and runs
    /// the agents that did not complete (or `agents` and their dependents) again.
    func retryWorkflow(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context, also: ["agents", "reason"])
        let reason = try context.params.optionalString("reason")
        var agents: [String] = []
        if let value = context.params.members["agents"] {
            let invalid = ProtocolError.invalidParams(
                method: context.method, param: "agents", "must be an array of agent names (non-empty strings)")
            guard let array = value.arrayValue else { throw invalid }
            for item in array {
                guard let name = item.stringValue, !name.isEmpty else { throw invalid }
                agents.append(name)
            }
        }
        let rerun = try workflows.retry(workflowId: id, agents: agents, reason: reason, catalog: directory.catalog)
        return .object([
            "workflow_id": .string(id), "agents": .array(rerun.map { .string($0) }),
            "status": try workflows.status(workflowId: id).json,
        ])
    }

    /// `workflow/wait {workflow_id}` -> the status once the workflow has finished or was interrupted.
    func waitForWorkflow(_ context: RequestContext) throws(ProtocolError) -> JSONValue? {
        let id = try workflowId(context)
        let status = try workflows.status(workflowId: id)
        if status.state.isFinished || status.state == .interrupted { return status.json }
        let backend = workflows
        let work = self.work
        let subscription = try backend.subscribe(workflowId: id, from: status.lastSequence + 1) { event in
            guard event.type.isTerminal || event.type == .workflowInterrupted else { return }
            // Off the executor's delivering thread: reading the status there could wait on it.
            work.async {
                do throws(ProtocolError) {
                    context.respond(try backend.status(workflowId: id).json)
                } catch {
                    context.fail(error)
                }
            }
        }
        context.onCancel { subscription.cancel() }
        // The input ended: the workflow was just interrupted (its agents are abandoned when the
        // process exits), which is the answer unless it finished meanwhile.
        context.onEndOfInput {
            subscription.cancel()
            do throws(ProtocolError) {
                var status = try backend.status(workflowId: id)
                if !status.state.isFinished { status.state = .interrupted }
                context.respond(status.json)
            } catch {
                context.fail(error)
            }
        }
        return nil
    }

    // MARK: - Helpers

    func workflowId(_ context: RequestContext, also: [String] = []) throws(ProtocolError) -> String {
        try context.params.allowOnly(["workflow_id"] + also)
        return try context.params.nonEmptyString("workflow_id")
    }

    private func requireUnfinished(_ id: String, action: String) throws(ProtocolError) {
        let state = try workflows.status(workflowId: id).state
        if state.isFinished {
            throw ProtocolError.invalidState(
                workflowId: id, state: state.rawValue, "a finished workflow cannot be \(action)")
        }
    }

    private func makePlan(_ context: RequestContext) throws(ProtocolError) -> ExecutionPlan {
        guard let json = context.params.members["request"] else {
            throw ProtocolError.invalidParams(
                method: context.method, param: "request", "is missing; expected an object")
        }
        do throws(PlanningError) {
            let request = try WorkflowRequest(json: json)
            return try Planner(catalog: directory.catalog, estimates: backend.estimates()).plan(request)
        } catch {
            if error.code == .badRequest {
                let field = error.details["field"]?.stringValue ?? "request"
                return try { () throws(ProtocolError) -> ExecutionPlan in
                    throw ProtocolError(
                        code: ProtocolError.Code.invalidParams,
                        message: "Invalid params for \(context.method): \(error.message)",
                        data: ["param": .string(field), "details": error.details])
                }()
            }
            throw ProtocolError.planRejected(error)
        }
    }
}
