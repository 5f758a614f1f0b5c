import AgentCatalog
import Foundation
import HostProtocol
import WorkflowHosting
import Synchronization
import WorkflowExecution
import WorkflowPlanning

// Implementation notes: `run_workflow` starts the workflow through the backend (the same
// composition root as `agenthost serve`), subscribes to its events and answers when a
// terminal event arrives; every agent event in between becomes a `notifications/progress`
// (progress = finished agents plus the running ones' fractions, total = the plan's agents).
// If the client cancels the call, the workflow is cancelled too.

extension MCPServer {
    static let requestArguments: JSONObject = [
        "request": [
            "type": "object",
            "description": """
                A workflow request: {"campaign": {...}, "goal": {"agents"|"capabilities"|"outputs": [...]}, \
                "strategy": "sequential"|"parallel"|"adaptive", "recovery", "max_concurrency", "resources"}.
                """,
        ],
        "request_file": [
            "type": "string",
            "description": "Path of a request JSON file (e.g. Examples/blog-campaign.json); campaign.sources resolve against its folder.",
        ],
    ]

    static let workflowIdArgument: JSONObject = [
        "workflow_id": ["type": "string", "description": "The id run_workflow returned, e.g. wf-1a2b3c4d5e6f."]
    ]

    static let workflowTools: [MCPTool] = [
        MCPTool(
            name: "plan_workflow", title: "Plan a workflow",
            description: "Plans a request without running it: order, groups, critical path, estimated duration, bottlenecks. Give request or request_file.",
            inputSchema: objectSchema(requestArguments),
            handler: { server, _, arguments in try server.planTool(arguments) }),
        MCPTool(
            name: "run_workflow", title: "Run a workflow",
            description: "Plans and runs a request. With wait (default true) the call returns when the workflow has finished, sending progress notifications meanwhile; cancelling the call cancels the workflow. With wait false it returns the workflow id at once.",
            inputSchema: objectSchema(
                requestArguments.merging([
                    "wait": ["type": "boolean", "description": "Wait for the workflow to finish (default true)."]
                ]) { first, _ in first }),
            handler: { server, request, arguments in try server.runTool(request, arguments) }),
        MCPTool(
            name: "workflow_status", title: "Workflow status",
            description: "The state of a workflow and of each of its agents (attempts, progress, messages).",
            inputSchema: workflowIdSchema([:]),
            handler: { server, _, arguments in try server.statusTool(arguments) }),
        MCPTool(
            name: "workflow_result", title: "Workflow result",
            description: "The outputs of a workflow's agents (or of one agent) and links to the files they wrote.",
            inputSchema: workflowIdSchema(["agent": ["type": "string", "description": "Only this agent's output."]]),
            handler: { server, _, arguments in try server.resultTool(arguments) }),
        MCPTool(
            name: "cancel_workflow", title: "Cancel a workflow",
            description: "Cancels a running or paused workflow: running agents are told to stop, nothing new starts.",
            inputSchema: workflowIdSchema(
                ["reason": ["type": "string", "description": "Why, recorded with the cancellation."]]),
            handler: { server, _, arguments in try server.cancelTool(arguments) }),
    ]

    /// The schema of a tool that takes `workflow_id` (required) and `extra` arguments.
    static func workflowIdSchema(_ extra: JSONObject) -> JSONValue {
        objectSchema(workflowIdArgument.merging(extra) { first, _ in first }, required: ["workflow_id"])
    }

    /// `{"type": "object", "properties": ..., "required": ..., "additionalProperties": false}`.
    static func objectSchema(_ properties: JSONObject, required: [String] = []) -> JSONValue {
        var schema: JSONObject = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        schema["additionalProperties"] = false
        return .object(schema)
    }

    // MARK: - Handlers

    func planTool(_ arguments: ToolArguments) throws -> ToolResult {
        try arguments.allowOnly(["request", "request_file"])
        let (plan, _) = try makePlan(arguments)
        return ToolResult(text: PlanRenderer.table(plan), structured: ["plan": plan.json])
    }

    func runTool(_ request: MCPRequest, _ arguments: ToolArguments) throws -> ToolResult? {
        try arguments.allowOnly(["request", "request_file", "wait"])
        let wait = try arguments.optionalBool("wait") ?? true
        let (plan, baseDirectory) = try makePlan(arguments)
        guard !request.isCancelled else { return nil }
        let catalog = directory.catalog
        let workflowId = try backend.start(plan: plan, catalog: catalog, baseDirectory: baseDirectory)
        guard wait else {
            return ToolResult(
                text: "Started workflow \(workflowId) (\(plan.order.count) agents); follow it with workflow_status.",
                structured: ["workflow_id": .string(workflowId), "plan": plan.json],
                links: [workflowLink(workflowId)])
        }
        follow(workflowId, plan: plan, request: request)
        return nil
    }

    func statusTool(_ arguments: ToolArguments) throws -> ToolResult {
        try arguments.allowOnly(["workflow_id"])
        let id = try arguments.string("workflow_id")
        let status = try backend.status(workflowId: id)
        return ToolResult(text: summary(status), structured: status.json.objectValue, links: [workflowLink(id)])
    }

    func resultTool(_ arguments: ToolArguments) throws -> ToolResult {
        try arguments.allowOnly(["workflow_id", "agent"])
        let id = try arguments.string("workflow_id")
        let status = try backend.status(workflowId: id)
        var names = status.order
        if let agent = try arguments.optionalString("agent") {
            guard status.agents[agent] != nil else {
                throw ToolFailure(
                    "workflow \(id) has no agent \(agent); its agents are \(status.order.joined(separator: ", "))"
                        + NameSuggestion.didYouMean(agent, among: status.order))
            }
            names = [agent]
        }
        var outputs: JSONObject = [:]
        for name in names { outputs[name] = try backend.output(workflowId: id, agent: name) ?? .null }
        var structured = status.json.objectValue ?? [:]
        structured["outputs"] = .object(outputs)
        let text = summary(status) + "\n\nOutputs:\n" + JSONValue.object(outputs).prettyText
        return ToolResult(text: text, structured: structured, links: [workflowLink(id)] + artifactLinks(id))
    }

    func cancelTool(_ arguments: ToolArguments) throws -> ToolResult {
        try arguments.allowOnly(["workflow_id", "reason"])
        let id = try arguments.string("workflow_id")
        let reason = try arguments.optionalString("reason")
        let before = try backend.status(workflowId: id)
        if before.state.isFinished {
            throw ToolFailure("workflow \(id) is \(before.state.rawValue); a finished workflow cannot be cancelled")
        }
        try backend.cancel(workflowId: id, reason: reason ?? "cancelled by the MCP client")
        let status = try backend.status(workflowId: id)
        return ToolResult(text: summary(status), structured: status.json.objectValue)
    }

    // MARK: - Helpers

    /// The request from `request` or `request_file`, planned with the backend's estimates.
    /// - Returns: the plan and the folder `campaign.sources` resolve against.
    private func makePlan(_ arguments: ToolArguments) throws -> (ExecutionPlan, String?) {
        let inline = try arguments.optionalObject("request")
        let file = try arguments.optionalString("request_file")
        let json: JSONValue
        var baseDirectory: String?
        switch (inline, file) {
        case (.some, .some):
            throw ToolFailure("\(arguments.tool): give request or request_file, not both")
        case (nil, nil):
            throw ToolFailure("\(arguments.tool): argument `request` (an object) or `request_file` (a path) is missing")
        case (.some(let object), nil):
            json = .object(object)
        case (nil, .some(let path)):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ToolFailure("\(arguments.tool): cannot read request_file \(path)")
            }
            do throws(JSONParseError) {
                json = try JSONValue(parsing: Array(data))
            } catch {
                throw ToolFailure("\(path):\(error.line):\(error.column): not valid JSON: \(error.message)")
            }
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            baseDirectory = (absolute as NSString).deletingLastPathComponent
        }
        do throws(PlanningError) {
            let request = try WorkflowRequest(json: json)
            let plan = try Planner(catalog: directory.catalog, estimates: backend.backend.estimates()).plan(request)
            return (plan, baseDirectory)
        } catch {
            var details = error.details.objectValue ?? [:]
            details["code"] = .string(error.code.rawValue)
            throw ToolFailure("\(file.map { "\($0): " } ?? "")\(error.message)", details: details)
        }
    }

    /// Sends progress for `workflowId` to `request` and answers it when the workflow ends.
    private func follow(_ workflowId: String, plan: ExecutionPlan, request: MCPRequest) {
        let total = Double(max(plan.order.count, 1))
        let tally = Mutex(ProgressTally())
        let subscription = Mutex<(any WorkflowEventSubscription)?>(nil)
        let backend = self.backend
        let work = self.work
        let server = self
        let handler: @Sendable (WorkflowEvent) -> Void = { event in
            if let (progress, message) = tally.withLock({ $0.apply(event) }) {
                request.progress(progress, total: total, message: message)
            }
            guard event.type.isTerminal || event.type == .workflowInterrupted else { return }
            // Off the executor's delivering thread: reading the status there could wait on it.
            work.async {
                subscription.withLock { $0 }?.cancel()
                do {
                    let status = try backend.status(workflowId: workflowId)
                    var result = ToolResult(
                        text: server.summary(status), structured: status.json.objectValue,
                        links: [server.workflowLink(workflowId)] + server.artifactLinks(workflowId))
                    result.isError = status.state != .completed
                    server.answer(request, result)
                } catch {
                    server.answer(request, .failure("workflow \(workflowId): \(error)"))
                }
            }
        }
        do {
            let live = try backend.subscribe(workflowId: workflowId, from: 1, handler: handler)
            subscription.withLock { $0 = live }
        } catch {
            answer(request, .failure(error.message))
            return
        }
        request.onCancel {
            subscription.withLock { $0 }?.cancel()
            try? backend.cancel(workflowId: workflowId, reason: "the MCP client cancelled run_workflow")
        }
    }

    /// One paragraph: state, counts and each agent's state and message.
    func summary(_ status: WorkflowStatus) -> String {
        var lines = ["Workflow \(status.workflowId) is \(status.state.rawValue)"
            + (status.message.map { ": \($0)" } ?? "") + "."]
        let counts = WorkflowStatus.AgentState.allCases.compactMap { state -> String? in
            let count = status.count(state)
            return count == 0 ? nil : "\(count) \(state.rawValue)"
        }
        lines.append("Agents: \(status.order.count) (\(counts.joined(separator: ", "))).")
        for name in status.order {
            guard let record = status.agents[name] else { continue }
            var line = "- \(name): \(record.state.rawValue)"
            if record.attempts > 1 { line += " after \(record.attempts) attempts" }
            if let message = record.message { line += " (\(message))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

/// Turns a workflow's events into increasing progress values.
struct ProgressTally {
    private var finished = 0
    private var running: [String: Double] = [:]

    /// The progress and message an event brings, or nil for events that move nothing.
    mutating func apply(_ event: WorkflowEvent) -> (Double, String)? {
        guard let agent = event.agent else { return nil }
        let message: String
        switch event.type {
        case .agentStarted:
            running[agent] = 0
            message = "\(agent) started"
        case .agentProgress:
            running[agent] = min(max(event.progress ?? 0, 0), 1)
            message = "\(agent) \(Int(((event.progress ?? 0) * 100).rounded())) %" + (event.message.map { ": \($0)" } ?? "")
        case .agentCompleted, .agentFailed, .agentSkipped:
            running[agent] = nil
            finished += 1
            message = "\(agent) \(event.type == .agentCompleted ? "completed" : event.type == .agentFailed ? "failed" : "skipped")"
        default:
            return nil
        }
        return (Double(finished) + running.values.reduce(0, +), message)
    }
}
