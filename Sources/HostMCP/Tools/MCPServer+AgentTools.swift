import AgentCatalog
import AgentRuntime
import Foundation
import HostProtocol
import Synchronization
import WorkflowExecution

// Implementation notes: one agent call outside any workflow, as `agenthost invoke` makes it:
// the arguments are merged into the standard agent input, the call runs on this request's
// thread through the same AgentRunner the workflows use (in-process or in a worker process),
// the plugin's `progress` becomes `notifications/progress`, and cancelling the call sets the
// plugin's `is_cancelled`.

extension MCPServer {
    static let invokeTool = MCPTool(
        name: "invoke_agent", title: "Invoke one agent",
        description: "Runs one agent once outside any workflow and returns its JSON output. campaign and inputs fill the agent input; a c-function agent takes its arguments by name in input.",
        inputSchema: objectSchema(
            [
                "agent": ["type": "string", "description": "The agent's name (see the agent_<name> tools)."],
                "campaign": ["type": "object", "description": "The campaign handed to the agent."],
                "inputs": ["type": "object", "description": "Outputs of the agents it depends on, by agent name."],
                "input": ["type": "object", "description": "More fields of the agent input, e.g. {\"x\": 27} for a c-function agent."],
            ], required: ["agent"]),
        handler: { server, request, arguments in
            try arguments.allowOnly(["agent", "campaign", "inputs", "input"])
            let name = try arguments.string("agent")
            var fields = try arguments.optionalObject("input") ?? [:]
            if let campaign = try arguments.optionalObject("campaign") { fields["campaign"] = .object(campaign) }
            if let inputs = try arguments.optionalObject("inputs") { fields["inputs"] = .object(inputs) }
            return try server.invoke(name, fields: fields, request: request)
        })

    /// The tool `agent_<name>`: its input schema comes from the manifest (`input_schema` for the
    /// campaign of an agent-v1 plugin, the signature's arguments for a c-function agent).
    static func agentTool(for manifest: Manifest) -> MCPTool {
        let schema = agentInputSchema(manifest)
        let known = schema["properties"]?.objectValue.map { Array($0.keys) } ?? []
        var description = manifest.description.isEmpty ? "Runs the agent \(manifest.name)." : manifest.description
        description += " (agent \(manifest.name) \(manifest.version)"
        if !manifest.outputs.isEmpty { description += "; outputs \(manifest.outputs.joined(separator: ", "))" }
        description += ")"
        return MCPTool(
            name: agentToolPrefix + manifest.name, title: "Agent \(manifest.name)", description: description,
            inputSchema: schema,
            handler: { server, request, arguments in
                try arguments.allowOnly(known)
                return try server.invoke(manifest.name, fields: arguments.members, request: request)
            })
    }

    /// The JSON Schema of the `agent_<name>` tool's arguments.
    static func agentInputSchema(_ manifest: Manifest) -> JSONValue {
        if let signature = manifest.cFunction {
            var properties: JSONObject = [:]
            for argument in signature.arguments {
                let type: JSONValue
                switch argument.type {
                case .int32, .int64, .uint32, .uint64: type = "integer"
                case .double, .float: type = "number"
                case .bool: type = "boolean"
                case .string: type = "string"
                }
                var entry: JSONObject = ["type": type]
                if let from = argument.from { entry["description"] = .string("Also read from \(from.joined(separator: ".")).") }
                properties[argument.name] = .object(entry)
            }
            let required = signature.arguments.filter { $0.from == nil }.map(\.name)
            return objectSchema(properties, required: required)
        }
        let campaign: JSONValue =
            manifest.inputSchema?.json
            ?? ["type": "object", "description": "The campaign (this agent's manifest declares no input_schema)."]
        let dependencies = manifest.dependencies.map { dependency -> String in
            switch dependency.target {
            case .agent(let name): return name
            case .capability(let capability): return "a provider of \(capability)"
            }
        }
        let inputs: JSONValue = [
            "type": "object",
            "description": .string(
                "Outputs of the agents it depends on, by agent name"
                    + (dependencies.isEmpty ? "." : ": \(dependencies.joined(separator: ", ")).")),
        ]
        return objectSchema(["campaign": campaign, "inputs": inputs])
    }

    /// Runs agent `name` once with `fields` merged into the standard input.
    func invoke(_ name: String, fields: JSONObject, request: MCPRequest) throws -> ToolResult? {
        let catalog = directory.catalog
        guard let manifest = catalog.agent(named: name) else {
            throw ToolFailure(
                "no agent named \(name); known agents: \(catalog.agents.map(\.name).joined(separator: ", "))"
                    + NameSuggestion.didYouMean(name, among: catalog.agents.map(\.name)))
        }
        let number = session.withLock { state -> Int in
            state.invocations += 1
            return state.invocations
        }
        let folder = configuration.invokeDirectory(manifest.name)
        let cwd = FileManager.default.currentDirectoryPath
        var input: JSONObject = [
            "workflow_id": .string("mcp-invoke-\(manifest.name)-\(number)"), "agent": .string(manifest.name),
            "attempt": 1, "campaign": .object([:]), "inputs": .object([:]),
            "artifacts_dir": .string(folder.hasPrefix("/") ? folder : cwd + "/" + folder), "base_dir": .string(cwd),
        ]
        input.merge(fields) { _, given in given }
        let cancellation = AttemptCancellation()
        request.onCancel { cancellation.cancel(reason: "the MCP client cancelled the call") }
        let context = InvokeCallContext(request: request, cancellation: cancellation)
        let now = Date().timeIntervalSince1970
        let attempt = AttemptRequest(
            manifest: manifest, input: .object(input), attempt: 1, timeoutSeconds: manifest.timeoutSeconds,
            deadline: now + manifest.timeoutSeconds, cancellationGrace: 2, context: context,
            cancellation: cancellation)
        let result = runner.runAttempt(attempt)
        guard !request.isCancelled else { return nil }
        let logs = context.logLines
        switch result.outcome {
        case .succeeded(let output):
            var text = JSONValue.object(output).prettyText
            if !logs.isEmpty { text += "\n\nLog:\n" + logs.joined(separator: "\n") }
            return ToolResult(text: text, structured: output)
        case .failed(let message, let retryable):
            return .failure(
                "agent \(manifest.name) failed\(retryable ? " (retryable)" : ""): \(message)",
                details: ["agent": .string(manifest.name), "log": .array(logs.map { .string($0) })])
        case .cancelled(let message):
            return .failure("agent \(manifest.name) was cancelled\(message.map { ": \($0)" } ?? "")")
        }
    }
}

/// Host services for an `invoke_agent` call: progress goes to the client, log lines are kept
/// for the result, `is_cancelled` follows the client's cancellation.
final class InvokeCallContext: AgentCallContext {
    private let request: MCPRequest
    private let cancellation: AttemptCancellation
    private let lines = Mutex<[String]>([])

    init(request: MCPRequest, cancellation: AttemptCancellation) {
        self.request = request
        self.cancellation = cancellation
    }

    var logLines: [String] { lines.withLock { $0 } }

    func log(_ level: AgentLogLevel, _ message: String) {
        lines.withLock { $0.append("\(level): \(message)") }
    }

    func progress(_ fraction: Double, _ message: String?) {
        request.progress(min(max(fraction, 0), 1), total: 1, message: message)
    }

    var isCancelled: Bool { cancellation.isCancelled }
}
