import Foundation
import HTTPTypes
import Hummingbird

// Implementation notes: every request, loopback included, passes three checks before any
// route runs. (1) Host: a page on evil.example that rebinds its name to 127.0.0.1 reaches us
// with `Host: evil.example`, so only loopback names, the bound address and --allow-host names
// are answered (any Host when a wildcard bind has a token and no --allow-host: the token then
// guards). (2) Origin: browsers send it on cross-site POSTs and WebSocket upgrades; it must be
// our own origin. POSTs must also be `application/json`, which a plain HTML form cannot send.
// (3) Token, when configured: `Authorization: Bearer`, the HttpOnly cookie, or `?token=`; a
// page opened with `?token=` gets the cookie and is redirected to its URL without it.

/// The Host, Origin, token and read-only checks in front of every route.
struct SecurityMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let configuration: DashboardConfiguration
    static var cookieName: String { "agenthost_token" }
    /// `Host`, as HTTP/1 requests carry it (HTTP/1 servers usually turn it into the authority).
    static var hostField: HTTPField.Name { HTTPField.Name("Host")! }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let host = request.headers[Self.hostField] ?? request.head.authority ?? ""
        guard hostIsAllowed(host) else { throw APIError.wrongHost(host) }
        if let origin = request.headers[.origin], origin != "http://\(host)" {
            throw APIError.crossOrigin(origin)
        }
        let path = request.uri.path
        if let token = configuration.token, !token.isEmpty {
            let query = request.uri.queryParameters["token"].map(String.init)
            let presented = bearer(request) ?? request.cookies[Self.cookieName]?.value ?? query
            guard let presented, constantTimeEqual(presented, token) else { throw APIError.unauthorized() }
            if query != nil, request.method == .get, !path.hasPrefix("/api/") {
                // A page opened from the printed URL: keep the token in a cookie, drop it from the URL.
                var headers: HTTPFields = [.location: Self.urlWithoutToken(request)]
                headers[.setCookie] = "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict"
                return Response(status: .seeOther, headers: headers)
            }
        }
        if request.method == .post {
            if configuration.readOnly { throw APIError.readOnly(path) }
            let type = request.headers[.contentType]
            guard let type, type.lowercased().hasPrefix("application/json") else { throw APIError.notJSON(type) }
        }
        return try await next(request, context)
    }

    // MARK: - Helpers

    func hostIsAllowed(_ authority: String) -> Bool {
        let name = Self.hostName(authority).lowercased()
        if DashboardConfiguration.loopbackNames.contains(name) || name.hasPrefix("127.") { return true }
        if name == configuration.host.lowercased() { return true }
        if configuration.allowedHosts.contains(where: { $0.lowercased() == name }) { return true }
        let wildcard = configuration.host == "0.0.0.0" || configuration.host == "::"
        return wildcard && configuration.allowedHosts.isEmpty && configuration.token != nil
    }

    /// `example.com:8720` -> `example.com`; `[::1]:8720` -> `::1`.
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.lastIndex(of: ":") { return String(authority[..<colon]) }
        return authority
    }

    private func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.lowercased().hasPrefix("bearer ") else { return nil }
        return String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    static func urlWithoutToken(_ request: Request) -> String {
        let kept = request.uri.queryParameters.filter { $0.key != "token" }
            .map { "\($0.key)=\($0.value)" }
        return request.uri.path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }
}
