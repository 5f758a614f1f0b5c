import AgentCatalog
import HTTPTypes
import HostProtocol
import WorkflowHosting
import Hummingbird
import NIOCore

/// An HTTP error answered with the one JSON envelope:
/// `{"error": {"code": 1001, "message": "...", "data": {...}}}`.
///
/// The codes are the protocol's own (docs/PROTOCOL.md) plus the HTTP layer's (2001 and up,
/// docs/HTTP.md); `status` comes from the code in one place, `status(for:)`.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// The protocol error carried in the envelope.
    public var error: ProtocolError
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// Extra headers (`WWW-Authenticate`, `Allow`).
    public var headers: HTTPFields

    /// Wraps a protocol error with the status its code maps to.
    public init(_ error: ProtocolError, headers: HTTPFields = [:]) {
        self.error = error
        self.status = Self.status(for: error.code)
        self.headers = headers
    }

    /// The HTTP status for a protocol or HTTP-layer error code.
    public static func status(for code: Int) -> HTTPResponse.Status {
        switch code {
        case ProtocolError.Code.parseError, ProtocolError.Code.invalidRequest, ProtocolError.Code.invalidParams:
            return .badRequest
        case ProtocolError.Code.methodNotFound, ProtocolError.Code.unknownWorkflow, ProtocolError.Code.unknownAgent,
            ProtocolError.Code.unknownPlan, Code.notFound:
            return .notFound
        case ProtocolError.Code.planRejected: return .unprocessableContent
        case ProtocolError.Code.invalidState: return .conflict
        case ProtocolError.Code.shuttingDown: return .serviceUnavailable
        case ProtocolError.Code.requestCancelled: return .requestTimeout
        case Code.unauthorized: return .unauthorized
        case Code.forbidden, Code.readOnly: return .forbidden
        case Code.unsupportedMediaType: return .unsupportedMediaType
        case Code.methodNotAllowed: return .methodNotAllowed
        case Code.payloadTooLarge: return .contentTooLarge
        default: return .internalServerError
        }
    }

    /// The HTTP layer's own codes (docs/HTTP.md).
    public enum Code {
        /// No token, or a wrong one.
        public static let unauthorized = 2001
        /// A `Host` or `Origin` this server does not answer (DNS rebinding, cross-site request).
        public static let forbidden = 2002
        /// The server runs with `--read-only`.
        public static let readOnly = 2003
        /// A POST whose body is not `application/json`.
        public static let unsupportedMediaType = 2004
        /// No such route.
        public static let notFound = 2005
        /// The route exists, not with this method.
        public static let methodNotAllowed = 2006
        /// A body over the limit.
        public static let payloadTooLarge = 2007
    }

    /// The envelope as JSON.
    public var envelope: JSONValue { .object(["error": error.json]) }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: envelope.compactBytes)))
    }
}

extension APIError {
    /// 401: the token is missing or wrong.
    static func unauthorized() -> APIError {
        APIError(
            ProtocolError(
                code: Code.unauthorized,
                message:
                    "This server needs its token: send 'Authorization: Bearer TOKEN', or open the URL with ?token=TOKEN "
                    + "that `agenthost serve --http` printed"),
            headers: [.wwwAuthenticate: "Bearer realm=\"agenthost\""])
    }

    /// 403: a `Host` header this server does not answer.
    static func wrongHost(_ host: String) -> APIError {
        APIError(
            ProtocolError(
                code: Code.forbidden,
                message:
                    "Host '\(host)' is not one this server answers (DNS rebinding guard); use http://127.0.0.1:PORT/ "
                    + "or start the server with --allow-host \(host.split(separator: ":").first.map(String.init) ?? host)",
                data: ["host": .string(host)]))
    }

    /// 403: a request from another site.
    static func crossOrigin(_ origin: String) -> APIError {
        APIError(
            ProtocolError(
                code: Code.forbidden,
                message: "Origin '\(origin)' is another site; this server answers only its own pages",
                data: ["origin": .string(origin)]))
    }

    /// 403: `--read-only`.
    static func readOnly(_ path: String) -> APIError {
        APIError(
            ProtocolError(
                code: Code.readOnly,
                message: "\(path) changes workflows, and this server runs with --read-only; restart it without the flag",
                data: ["path": .string(path)]))
    }

    /// 415: a POST body that is not JSON.
    static func notJSON(_ contentType: String?) -> APIError {
        APIError(
            ProtocolError(
                code: Code.unsupportedMediaType,
                message:
                    "POST bodies must be sent with 'Content-Type: application/json' (got \(contentType.map { "'\($0)'" } ?? "none"))"
            ))
    }

    /// 404: no route.
    static func noRoute(_ path: String) -> APIError {
        APIError(
            ProtocolError(
                code: Code.notFound, message: "No route \(path); see /api/v1/openapi.json for the API",
                data: ["path": .string(path)]))
    }

    /// 400: a query parameter the route does not take, or one with a bad value.
    static func badQuery(_ name: String, _ message: String) -> APIError {
        APIError(
            ProtocolError(
                code: ProtocolError.Code.invalidParams, message: "Query parameter '\(name)' \(message)",
                data: ["param": .string(name)]))
    }

    /// 400: a body that is not a JSON object.
    static func badBody(_ message: String) -> APIError {
        APIError(
            ProtocolError(code: ProtocolError.Code.parseError, message: "The request body \(message)"))
    }

    /// 404: an artifact that is not there (or not inside the run's folder).
    static func noArtifact(_ workflowId: String, _ path: String) -> APIError {
        APIError(
            ProtocolError(
                code: Code.notFound, message: "Workflow \(workflowId) has no artifact '\(path)'",
                data: ["workflow_id": .string(workflowId), "path": .string(path)]))
    }
}
