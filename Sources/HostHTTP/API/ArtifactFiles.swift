import AgentCatalog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The files agents wrote into a run's folder (`<artifacts root>/<workflow_id>`), served
/// read-only: never a path with `..`, never a file outside that folder (symlinks are
/// resolved before the check).
struct ArtifactFiles: Sendable {
    /// The folder under which each workflow has its own.
    let root: String
    /// The most files a listing names.
    static var listLimit: Int { 2_000 }

    /// The run's folder, resolved; nil when the id could name another folder or it does not exist.
    func folder(_ workflowId: String) -> String? {
        guard !workflowId.isEmpty, !workflowId.contains("/"), workflowId != "..", workflowId != "." else { return nil }
        let base = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        return Self.resolved(base + "/" + workflowId)
    }

    /// `{workflow_id, files: [{path, bytes, url}]}`; an empty list when the run wrote nothing.
    func list(_ workflowId: String) throws -> JSONValue {
        var files: [JSONValue] = []
        if let folder = folder(workflowId), let walker = FileManager.default.enumerator(atPath: folder) {
            while let relative = walker.nextObject() as? String, files.count < Self.listLimit {
                let full = folder + "/" + relative
                guard let resolved = Self.resolved(full), resolved.hasPrefix(folder + "/") else { continue }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                let size = (try? FileManager.default.attributesOfItem(atPath: resolved)[.size] as? Int) ?? 0
                files.append(
                    .object([
                        "path": .string(relative), "bytes": .integer(Int64(size)),
                        "url": .string("/api/v1/workflows/\(workflowId)/artifacts/\(relative)"),
                    ]))
            }
        }
        return .object(["workflow_id": .string(workflowId), "files": .array(files)])
    }

    /// The file at `path` inside the run's folder.
    /// - Throws: `APIError.noArtifact` for a missing file or one outside the folder.
    func file(_ workflowId: String, path: String) throws -> Response {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }),
            let folder = folder(workflowId), let resolved = Self.resolved(folder + "/" + path),
            resolved.hasPrefix(folder + "/"), let data = FileManager.default.contents(atPath: resolved)
        else { throw APIError.noArtifact(workflowId, path) }
        var headers: HTTPFields = [.contentType: Self.contentType(path), .cacheControl: "no-cache"]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Content-Security-Policy")!] = "sandbox"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The path with symlinks resolved; nil when it does not exist.
    static func resolved(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "json": return "application/json"
        case "md", "txt", "log", "csv": return "text/plain; charset=utf-8"
        case "html", "htm": return "text/plain; charset=utf-8"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "svg": return "image/svg+xml"
        case "ppm": return "image/x-portable-pixmap"
        default: return "application/octet-stream"
        }
    }
}
