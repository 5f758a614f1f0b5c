import AgentCatalog
import HostProtocol

extension MCPServer {
    /// Prefix of the per-agent tools: `agent_writer` calls the agent `writer`.
    static let agentToolPrefix = "agent_"

    /// Every tool: the workflow tools, `invoke_agent`, then one per agent of the catalog.
    func tools() -> [MCPTool] {
        Self.workflowTools + [Self.invokeTool] + directory.catalog.agents.map(Self.agentTool(for:))
    }

    /// `tools/list {cursor?}` -> `{tools}` (one page: the list is small).
    func listTools(_ request: MCPRequest) throws(ProtocolError) -> JSONValue? {
        .object(["tools": .array(tools().map(\.json))])
    }

    /// `tools/call {name, arguments}` -> a `CallToolResult`.
    ///
    /// An unknown tool is a protocol error (-32602, with the closest name); everything that
    /// goes wrong inside a tool is an `isError` result whose text names the argument, field,
    /// agent or workflow at fault, so the model can correct its call.
    func callTool(_ request: MCPRequest) throws(ProtocolError) -> JSONValue? {
        guard let name = request.params["name"]?.stringValue, !name.isEmpty else {
            throw ProtocolError.invalidParams(method: request.method, param: "name", "is missing; expected a tool name")
        }
        let all = tools()
        guard let tool = all.first(where: { $0.name == name }) else {
            throw ProtocolError.invalidParams(
                method: request.method, param: "name",
                "names tool \(name), which this server does not have\(NameSuggestion.didYouMean(name, among: all.map(\.name)))")
        }
        let raw = request.params["arguments"] ?? .object([:])
        guard let members = raw.objectValue ?? (raw.isNull ? [:] : nil) else {
            throw ProtocolError.invalidParams(
                method: request.method, param: "arguments", "must be an object, not \(raw.typeDescription)")
        }
        let result: ToolResult?
        do {
            result = try tool.handler(self, request, ToolArguments(tool: name, members: members))
        } catch let failure as ToolFailure {
            result = .failure(failure.message, details: failure.details)
        } catch let error as ProtocolError {
            result = .failure(error.message, details: error.data?.objectValue)
        } catch {
            result = .failure("\(name): \(error)")
        }
        return result.map { $0.json(structuredContent: structuredResults) }
    }

    /// Answers `request` later with `result` (for tools that finish asynchronously).
    func answer(_ request: MCPRequest, _ result: ToolResult) {
        request.respond(result.json(structuredContent: structuredResults))
    }
}
