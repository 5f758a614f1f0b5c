import AgentCatalog
import Foundation
import HostProtocol
import WorkflowExecution

// Implementation notes: runs and their files are resources under one URI scheme:
//   agenthost://workflows/{workflow_id}                  the status (JSON)
//   agenthost://workflows/{workflow_id}/plan             the plan (JSON)
//   agenthost://workflows/{workflow_id}/outputs/{agent}  one agent's committed output (JSON)
//   agenthost://workflows/{workflow_id}/artifacts/{path} a file an agent wrote
// `resources/list` lists the most recent workflows and their files; the templates cover the
// rest. An artifact path may not leave the workflow's folder (no `..`, no absolute path).

extension MCPServer {
    /// The scheme and authority of every resource URI.
    static let resourcePrefix = "agenthost://workflows/"
    /// How many recent workflows `resources/list` lists.
    static let listedWorkflows = 20

    /// `resources/list {cursor?}` -> `{resources}`.
    func listResources(_ request: MCPRequest) throws(ProtocolError) -> JSONValue? {
        var resources: [JSONValue] = []
        for status in try backend.list(limit: Self.listedWorkflows) {
            let id = status.workflowId
            resources.append(
                resource(
                    uri: Self.resourcePrefix + id, name: "workflow \(id)", mimeType: "application/json",
                    description: "Status of workflow \(id) (\(status.state.rawValue))"))
            for link in artifactLinks(id) {
                resources.append(resource(uri: link.uri, name: link.name, mimeType: link.mimeType, description: link.description))
            }
        }
        return .object(["resources": .array(resources)])
    }

    /// `resources/templates/list` -> `{resourceTemplates}`.
    func resourceTemplates() -> JSONValue {
        let templates: [(String, String, String, String)] = [
            ("{workflow_id}", "workflow status", "application/json", "The status of a workflow and its agents."),
            ("{workflow_id}/plan", "workflow plan", "application/json", "The plan a workflow runs."),
            ("{workflow_id}/outputs/{agent}", "agent output", "application/json", "An agent's committed output."),
            ("{workflow_id}/artifacts/{path}", "artifact", "application/octet-stream", "A file an agent wrote."),
        ]
        return .object([
            "resourceTemplates": .array(
                templates.map { suffix, name, mime, description in
                    .object([
                        "uriTemplate": .string(Self.resourcePrefix + suffix), "name": .string(name),
                        "mimeType": .string(mime), "description": .string(description),
                    ])
                })
        ])
    }

    /// `resources/read {uri}` -> `{contents: [{uri, mimeType, text | blob}]}`.
    func readResource(_ request: MCPRequest) throws(ProtocolError) -> JSONValue? {
        guard let uri = request.params["uri"]?.stringValue, !uri.isEmpty else {
            throw ProtocolError.invalidParams(method: request.method, param: "uri", "is missing; expected a resource URI")
        }
        guard uri.hasPrefix(Self.resourcePrefix) else {
            throw Self.resourceNotFound(uri, "expected a URI starting with \(Self.resourcePrefix)")
        }
        let parts = uri.dropFirst(Self.resourcePrefix.count).split(separator: "/", maxSplits: 2).map(String.init)
        guard let id = parts.first?.removingPercentEncoding, !id.isEmpty else {
            throw Self.resourceNotFound(uri, "expected agenthost://workflows/{workflow_id}")
        }
        let content: JSONObject
        switch (parts.count, parts.count > 1 ? parts[1] : "") {
        case (1, _):
            content = json(uri, try mapped(uri) { () throws(ProtocolError) in try backend.status(workflowId: id).json })
        case (2, "plan"):
            content = json(uri, try mapped(uri) { () throws(ProtocolError) in try backend.plan(workflowId: id).json })
        case (3, "outputs"):
            let agent = parts[2].removingPercentEncoding ?? parts[2]
            let output = try mapped(uri) { () throws(ProtocolError) in try backend.output(workflowId: id, agent: agent) }
            guard let output else { throw Self.resourceNotFound(uri, "agent \(agent) has no committed output in \(id)") }
            content = json(uri, output)
        case (3, "artifacts"):
            content = try artifact(uri, workflowId: id, path: parts[2].removingPercentEncoding ?? parts[2])
        default:
            throw Self.resourceNotFound(
                uri, "expected {workflow_id}, {workflow_id}/plan, {workflow_id}/outputs/{agent} or {workflow_id}/artifacts/{path}")
        }
        return .object(["contents": [.object(content)]])
    }

    // MARK: - Artifacts

    /// A `resource_link` to the workflow's status.
    func workflowLink(_ workflowId: String) -> ResourceLink {
        ResourceLink(
            uri: Self.resourcePrefix + workflowId, name: "workflow \(workflowId)", mimeType: "application/json",
            description: "Status of workflow \(workflowId)")
    }

    /// Links to every file the workflow's agents wrote, in path order.
    func artifactLinks(_ workflowId: String) -> [ResourceLink] {
        let root = artifactsDirectory(workflowId)
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                paths.append(path)
            }
        }
        return paths.sorted().map { path in
            let encoded = path.addingPercentEncoding(withAllowedCharacters: Self.pathCharacters) ?? path
            return ResourceLink(
                uri: Self.resourcePrefix + workflowId + "/artifacts/" + encoded, name: path,
                mimeType: Self.mimeType(of: path), description: "File written by workflow \(workflowId)")
        }
    }

    private func artifact(_ uri: String, workflowId: String, path: String) throws(ProtocolError) -> JSONObject {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !components.contains(".."), !components.contains("") else {
            throw Self.resourceNotFound(uri, "artifact paths stay inside the workflow's folder (no '..', no leading '/')")
        }
        _ = try mapped(uri) { () throws(ProtocolError) in try backend.status(workflowId: workflowId) }
        let file = artifactsDirectory(workflowId) + "/" + path
        guard let data = FileManager.default.contents(atPath: file) else {
            let known = artifactLinks(workflowId).map(\.name)
            throw Self.resourceNotFound(
                uri, "workflow \(workflowId) has no file \(path)\(NameSuggestion.didYouMean(path, among: known))")
        }
        let mime = Self.mimeType(of: path)
        var content: JSONObject = ["uri": .string(uri), "mimeType": .string(mime)]
        if Self.isText(mime), let text = String(data: data, encoding: .utf8) {
            content["text"] = .string(text)
        } else {
            content["blob"] = .string(data.base64EncodedString())
        }
        return content
    }

    // MARK: - Helpers

    private func resource(uri: String, name: String, mimeType: String, description: String?) -> JSONValue {
        var object: JSONObject = ["uri": .string(uri), "name": .string(name), "mimeType": .string(mimeType)]
        if let description { object["description"] = .string(description) }
        return .object(object)
    }

    private func json(_ uri: String, _ value: JSONValue) -> JSONObject {
        ["uri": .string(uri), "mimeType": "application/json", "text": .string(value.prettyText)]
    }

    /// Runs `body`, turning "unknown workflow" into MCP's "resource not found".
    private func mapped<T>(_ uri: String, _ body: () throws(ProtocolError) -> T) throws(ProtocolError) -> T {
        do { return try body() } catch where error.code == ProtocolError.Code.unknownWorkflow {
            throw Self.resourceNotFound(uri, error.message)
        }
    }

    /// MCP's -32002 "Resource not found", with the URI.
    static func resourceNotFound(_ uri: String, _ explanation: String) -> ProtocolError {
        ProtocolError(code: -32002, message: "Resource not found: \(uri): \(explanation)", data: ["uri": .string(uri)])
    }

    static let pathCharacters: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "?#")
        return set
    }()

    static func mimeType(of path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "md": return "text/markdown"
        case "txt", "log": return "text/plain"
        case "json": return "application/json"
        case "html", "htm": return "text/html"
        case "svg": return "image/svg+xml"
        case "ics": return "text/calendar"
        case "csv": return "text/csv"
        case "xml": return "application/xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        default: return "application/octet-stream"
        }
    }

    static func isText(_ mime: String) -> Bool {
        mime.hasPrefix("text/") || mime == "application/json" || mime == "application/xml" || mime == "image/svg+xml"
    }
}
