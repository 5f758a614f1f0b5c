import HTTPTypes
import Hummingbird
import NIOCore

/// The page's files, compiled into the binary (DashboardAssets+Files.swift, generated from
/// Dashboard/Assets/ and docs/openapi.json by Dashboard/Assets/generate.py; a test fails when
/// it is stale). No CDN, no npm, no build step.
enum DashboardAssets {
    /// One file: its bytes, media type and ETag (a hash of the bytes).
    struct File: Sendable {
        let bytes: [UInt8]
        let contentType: String
        let etag: String
    }

    /// Every file by name.
    static let files: [String: File] = {
        var table: [String: File] = [:]
        for (name, text) in sources {
            let bytes = Array(text.utf8)
            table[name] = File(bytes: bytes, contentType: contentType(name), etag: "\"\(fnv1a(bytes))\"")
        }
        return table
    }()

    /// The file `name`, or 304 when the browser's copy is current.
    /// - Throws: `APIError.noRoute` for a name that is not an asset.
    static func response(for name: String, request: Request) throws -> Response {
        guard let file = files[name] else { throw APIError.noRoute(request.uri.path) }
        var headers: HTTPFields = [.eTag: file.etag, .cacheControl: "no-cache"]
        if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = file.contentType
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        if name == "index.html" {
            headers[HTTPField.Name("Content-Security-Policy")!] =
                "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    static func contentType(_ name: String) -> String {
        if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if name.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if name.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if name.hasSuffix(".json") { return "application/json" }
        return "application/octet-stream"
    }

    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
