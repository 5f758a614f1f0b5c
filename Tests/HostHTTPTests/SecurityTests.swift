import AgentCatalog
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HostHTTP

/// Host and Origin checks, the token, read-only mode.
@Suite struct SecurityTests {
    @Test func aNonLoopbackBindNeedsAToken() throws {
        #expect(throws: DashboardConfigurationError.self) {
            try DashboardConfiguration(host: "0.0.0.0", port: 8720).validate()
        }
        try DashboardConfiguration(host: "0.0.0.0", port: 8720, token: String(repeating: "t", count: 32)).validate()
        try DashboardConfiguration(host: "127.0.0.1", port: 8720).validate()
        #expect(throws: DashboardConfigurationError.self) {
            try DashboardConfiguration(host: "0.0.0.0", port: 1, token: "short").validate()
        }
    }

    @Test func addressesParse() throws {
        #expect(try DashboardConfiguration.parseAddress("8720") == ("127.0.0.1", 8720))
        #expect(try DashboardConfiguration.parseAddress("0.0.0.0:0") == ("0.0.0.0", 0))
        #expect(try DashboardConfiguration.parseAddress("[::1]:9000") == ("::1", 9000))
        #expect(throws: DashboardConfigurationError.self) { try DashboardConfiguration.parseAddress("localhost:http") }
    }

    @Test func aForeignHostIsRefusedEvenOnLoopback() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/health", method: .get, headers: [hostHeader: "evil.example:8720"]) {
                #expect($0.status == .forbidden)
                #expect(parsed($0)["error"]?["code"] == .integer(Int64(APIError.Code.forbidden)))
            }
            try await client.execute(uri: "/api/v1/health", method: .get, headers: [hostHeader: "localhost:8720"]) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func crossSitePostsAreRefused() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            var headers = jsonPost
            headers[.origin] = "http://evil.example"
            try await client.execute(
                uri: "/api/v1/workflows", method: .post, headers: headers, body: body(["request": editorRequest])
            ) {
                #expect($0.status == .forbidden)
            }
            // A form post cannot send JSON: 415.
            try await client.execute(
                uri: "/api/v1/workflows", method: .post, headers: local([.contentType: "text/plain"]),
                body: body(["request": editorRequest])
            ) {
                #expect($0.status == .unsupportedMediaType)
            }
            headers[.origin] = "http://127.0.0.1:8720"
            try await client.execute(
                uri: "/api/v1/workflows", method: .post, headers: headers, body: body(["request": editorRequest])
            ) {
                #expect($0.status == .created)
            }
        }
        #expect((await dashboard.call("workflow/list"))["workflows"]?.arrayValue?.count == 1)
    }

    @Test func readOnlyRefusesControlRoutes() async throws {
        let dashboard = try TestDashboard(configuration: DashboardConfiguration(readOnly: true))
        let id = try await dashboard.finishedWorkflow()
        try await dashboard.test { client in
            for uri in ["/api/v1/workflows", "/api/v1/workflows/\(id)/cancel", "/api/v1/agents/reload"] {
                try await client.execute(uri: uri, method: .post, headers: jsonPost, body: body(["request": editorRequest])) {
                    #expect($0.status == .forbidden, "\(uri)")
                    #expect(parsed($0)["error"]?["code"] == .integer(Int64(APIError.Code.readOnly)))
                }
            }
            try await client.execute(uri: "/api/v1/workflows/\(id)", method: .get, headers: local()) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func theTokenComesAsBearerCookieOrOnceInTheURL() async throws {
        let token = "0123456789abcdef0123456789abcdef"
        let dashboard = try TestDashboard(configuration: DashboardConfiguration(token: token))
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/health", method: .get, headers: local()) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            try await client.execute(
                uri: "/api/v1/health", method: .get, headers: local([.authorization: "Bearer wrong-token-wrong-token"])
            ) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(
                uri: "/api/v1/health", method: .get, headers: local([.authorization: "Bearer \(token)"])
            ) {
                #expect($0.status == .ok)
            }
            // The printed URL: the page trades ?token= for an HttpOnly cookie and drops it from the URL.
            try await client.execute(uri: "/runs/wf-1?token=\(token)&at=3", method: .get, headers: local()) {
                #expect($0.status == .seeOther)
                #expect($0.headers[.location] == "/runs/wf-1?at=3")
                let cookie = $0.headers[.setCookie] ?? ""
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains(token))
            }
            try await client.execute(
                uri: "/api/v1/health", method: .get, headers: local([.cookie: "agenthost_token=\(token)"])
            ) {
                #expect($0.status == .ok)
            }
        }
    }
}
