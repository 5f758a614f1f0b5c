import AgentCatalog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HostHTTP

/// The page, its compiled-in files, the OpenAPI document and the artifact files.
@Suite struct DashboardPagesTests {
    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func theCompiledFilesMatchTheSources() throws {
        let sources = [
            ("index.html", "Sources/HostHTTP/Dashboard/Assets/index.html"),
            ("app.js", "Sources/HostHTTP/Dashboard/Assets/app.js"),
            ("style.css", "Sources/HostHTTP/Dashboard/Assets/style.css"), ("openapi.json", "docs/openapi.json"),
        ]
        for (name, path) in sources {
            let text = try String(contentsOfFile: Self.root + "/" + path, encoding: .utf8)
            var trimmed = text
            while trimmed.hasSuffix("\n") { trimmed.removeLast() }
            #expect(
                DashboardAssets.sources[name] == trimmed,
                "\(name) is stale: run python3 Sources/HostHTTP/Dashboard/Assets/generate.py")
        }
    }

    @Test func everyPageRouteServesTheDocumentWithAnETag() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            for uri in ["/", "/runs/wf-1", "/runs/wf-1?at=4", "/runs/wf-1/agents/writer"] {
                try await client.execute(uri: uri, method: .get, headers: local()) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(text(response).contains("<script type=\"module\" src=\"/assets/app.js\">"))
                }
            }
            let etag = try await client.execute(uri: "/assets/app.js", method: .get, headers: local()) {
                #expect($0.headers[.contentType] == "text/javascript; charset=utf-8")
                return $0.headers[.eTag] ?? ""
            }
            try await client.execute(uri: "/assets/app.js", method: .get, headers: local([.ifNoneMatch: etag])) {
                #expect($0.status == .notModified)
            }
        }
    }

    @Test func theOpenAPIDocumentNamesEveryRoute() async throws {
        let dashboard = try TestDashboard()
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get, headers: local()) { response in
                let paths = parsed(response)["paths"]?.objectValue?.keys.map { $0 } ?? []
                for path in [
                    "/plans", "/workflows", "/workflows/{id}", "/workflows/{id}/plan", "/workflows/{id}/analytics",
                    "/workflows/{id}/agents/{agent}", "/workflows/{id}/pause", "/workflows/{id}/resume",
                    "/workflows/{id}/cancel", "/workflows/{id}/events", "/events", "/agents", "/agents/{name}",
                    "/health",
                ] {
                    #expect(paths.contains(path), "openapi.json lacks \(path)")
                }
            }
        }
    }

    @Test func artifactsAreServedOnlyFromInsideTheRunsFolder() async throws {
        let dashboard = try TestDashboard()
        let id = try await dashboard.finishedWorkflow()
        let folder = dashboard.folder + "/runs/" + id
        try FileManager.default.createDirectory(atPath: folder + "/drafts", withIntermediateDirectories: true)
        try "# Draft".write(toFile: folder + "/drafts/post.md", atomically: true, encoding: .utf8)
        try "secret".write(toFile: dashboard.folder + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/escape.txt", withDestinationPath: dashboard.folder + "/secret.txt")
        try await dashboard.test { client in
            try await client.execute(uri: "/api/v1/workflows/\(id)/artifacts", method: .get, headers: local()) {
                #expect(parsed($0)["files"]?.arrayValue?.map { $0["path"] } == ["drafts/post.md"])
            }
            try await client.execute(
                uri: "/api/v1/workflows/\(id)/artifacts/drafts/post.md", method: .get, headers: local()
            ) {
                #expect($0.status == .ok)
                #expect(text($0) == "# Draft")
            }
            for path in ["escape.txt", "../secret.txt", "drafts/../../secret.txt", "%2E%2E/secret.txt"] {
                try await client.execute(
                    uri: "/api/v1/workflows/\(id)/artifacts/\(path)", method: .get, headers: local()
                ) {
                    #expect($0.status == .notFound, "\(path)")
                    #expect(!text($0).contains("secret\""))
                }
            }
        }
    }
}
