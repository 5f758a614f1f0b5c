import AgentCatalog
import HTTPTypes
import HostProtocol
import WorkflowHosting
import Hummingbird
import NIOCore

// Implementation notes: every REST route is a thin adapter. It builds the params object of
// its JSON-RPC method from the path, the query and the body, calls the method through the
// in-process seam (`ProtocolServer.call`), and answers the result as it is, or the error in
// the envelope with the status its code maps to. So a route and its method validate, fail
// and answer alike; HostHTTPTests checks each pair.

/// The `/api/v1` routes.
struct APIRoutes<Context: Hummingbird.RequestContext>: Sendable {
    let dashboard: DashboardServer

    /// The longest body a route reads (the protocol's line limit).
    static var maximumBodyBytes: Int { 16 * 1024 * 1024 }

    func register(on router: Router<Context>) {
        let api = router.group("api/v1")
        api.get("health") { _, _ in dashboard.health() }
        api.get("openapi.json") { request, _ in
            try DashboardAssets.response(for: "openapi.json", request: request)
        }
        api.post("plans") { request, _ in
            try await rpc("workflow/plan", params: try await body(request), allowed: [])
        }
        api.post("workflows") { request, _ in
            let result = try await call("workflow/execute", params: try await body(request))
            let id = result["workflow_id"]?.stringValue ?? ""
            return json(result, status: .created, headers: [.location: "/api/v1/workflows/\(id)"])
        }
        api.get("workflows") { request, _ in
            try query(request, allowed: ["limit", "state"])
            var params: JSONObject = [:]
            if let limit = request.uri.queryParameters["limit"] { params["limit"] = try integer("limit", limit) }
            var result = try await call("workflow/list", params: params)
            if let state = request.uri.queryParameters["state"].map(String.init), !state.isEmpty {
                let wanted = Set(state.split(separator: ",").map(String.init))
                let all = result["workflows"]?.arrayValue ?? []
                result = .object(["workflows": .array(all.filter { wanted.contains($0["state"]?.stringValue ?? "") })])
            }
            return json(result)
        }
        api.get("workflows/:id") { request, context in
            try query(request, allowed: ["wait"])
            let id = try context.parameters.require("id")
            guard let waitText = request.uri.queryParameters["wait"] else {
                return json(try await call("workflow/status", params: ["workflow_id": .string(id)]))
            }
            guard let seconds = Double(String(waitText)), seconds >= 0, seconds <= 3600 else {
                throw APIError.badQuery("wait", "is '\(waitText)'; expected seconds from 0 to 3600")
            }
            return json(try await dashboard.waitOrStatus(id, seconds: seconds))
        }
        for (suffix, method) in [("plan", "workflow/plan_of"), ("analytics", "workflow/analytics")] {
            api.get("workflows/:id/\(suffix)") { request, context in
                try query(request, allowed: [])
                return json(try await call(method, params: ["workflow_id": .string(try context.parameters.require("id"))]))
            }
        }
        api.get("workflows/:id/layout") { request, context in
            try query(request, allowed: [])
            let id = try context.parameters.require("id")
            let plan = try await call("workflow/plan_of", params: ["workflow_id": .string(id)])
            return json(PlanLayout(plan: plan["plan"] ?? .null).json)
        }
        api.get("workflows/:id/agents/:agent") { request, context in
            try query(request, allowed: [])
            return json(
                try await call(
                    "workflow/agent_result",
                    params: [
                        "workflow_id": .string(try context.parameters.require("id")),
                        "agent": .string(try context.parameters.require("agent")),
                    ]))
        }
        for action in ["pause", "resume", "retry", "cancel"] {
            api.post("workflows/:id/\(action)") { request, context in
                var params = try await body(request, emptyAllowed: true)
                params["workflow_id"] = .string(try context.parameters.require("id"))
                return json(try await call("workflow/\(action)", params: params))
            }
        }
        api.get("workflows/:id/events") { request, context in
            try await dashboard.eventStream(request, workflowId: try context.parameters.require("id"))
        }
        api.get("workflows/:id/artifacts") { request, context in
            try query(request, allowed: [])
            let id = try context.parameters.require("id")
            _ = try await call("workflow/status", params: ["workflow_id": .string(id)])
            return json(try dashboard.artifacts.list(id))
        }
        api.get("workflows/:id/artifacts/**") { request, context in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            let id = try context.parameters.require("id")
            _ = try await call("workflow/status", params: ["workflow_id": .string(id)])
            return try dashboard.artifacts.file(id, path: path)
        }
        api.get("events") { request, _ in
            try query(request, allowed: [])
            return dashboard.runListStream()
        }
        api.get("agents") { request, _ in
            try query(request, allowed: ["capability", "output"])
            var params: JSONObject = [:]
            for name in ["capability", "output"] {
                if let value = request.uri.queryParameters[Substring(name)] { params[name] = .string(String(value)) }
            }
            return json(try await call("agents/list", params: params))
        }
        api.get("agents/:name") { request, context in
            try query(request, allowed: [])
            return json(try await call("agents/describe", params: ["agent": .string(try context.parameters.require("name"))]))
        }
        api.post("agents/reload") { request, _ in
            try await rpc("agents/reload", params: try await body(request, emptyAllowed: true), allowed: [])
        }
    }

    // MARK: - Adapters

    /// Calls `method` and answers its result with 200.
    private func rpc(_ method: String, params: JSONObject, allowed: [String]) async throws -> Response {
        json(try await call(method, params: params))
    }

    /// Calls `method`; a protocol error becomes the envelope.
    func call(_ method: String, params: JSONObject) async throws -> JSONValue {
        try await dashboard.call(method, params: params)
    }

    /// The body as a JSON object (`{}` for an empty body when `emptyAllowed`).
    private func body(_ request: Request, emptyAllowed: Bool = false) async throws -> JSONObject {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
        } catch {
            throw APIError(
                ProtocolError(
                    code: APIError.Code.payloadTooLarge,
                    message: "The request body is over \(Self.maximumBodyBytes) bytes"))
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if emptyAllowed { return [:] }
            throw APIError.badBody("is empty; expected a JSON object")
        }
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch {
            throw APIError(ProtocolError.parseError(error))
        }
        guard case .object(let object) = value else { throw APIError.badBody("is not a JSON object") }
        return object
    }

    /// Refuses query parameters the route does not take (`token` is the auth middleware's).
    private func query(_ request: Request, allowed: Set<String>) throws {
        for (key, _) in request.uri.queryParameters where key != "token" && !allowed.contains(String(key)) {
            let expected = allowed.isEmpty ? "this route takes none" : "expected \(allowed.sorted().joined(separator: ", "))"
            throw APIError.badQuery(String(key), "is not known here; \(expected)")
        }
    }

    private func integer(_ name: String, _ text: Substring) throws -> JSONValue {
        guard let value = Int64(text) else { throw APIError.badQuery(name, "is '\(text)'; expected an integer") }
        return .integer(value)
    }
}

/// A JSON response.
func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var headers = headers
    headers[.contentType] = "application/json"
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.compactBytes)))
}
