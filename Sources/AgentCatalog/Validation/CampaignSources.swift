import Foundation

/// The source files a request's `campaign.sources` names, checked before planning so a missing
/// file is reported while planning (naming the field), not by the researcher at run time.
public enum CampaignSources {
    /// One named source that cannot be read.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The field, e.g. `campaign.sources[1]`.
        public var field: String
        /// The path as written in the request.
        public var path: String
        /// The absolute path looked at.
        public var resolved: String
        /// Whether the path exists (as a folder, or unreadable) rather than being missing.
        public var exists: Bool

        public var description: String {
            let what = exists ? "is not a readable file" : "does not exist"
            return "\(field): source file '\(path)' \(what) (looked at \(resolved)); relative paths are read "
                + "from the request file's folder (the protocol's base_directory)"
        }
    }

    /// Every entry of `campaign.sources` (strings; other values are left to the agents) that
    /// is not a readable regular file, resolved against `baseDirectory`.
    public static func problems(in campaign: JSONValue, baseDirectory: String) -> [Problem] {
        guard case .array(let sources)? = campaign["sources"] else { return [] }
        var problems: [Problem] = []
        for (index, source) in sources.enumerated() {
            guard let path = source.stringValue, !path.isEmpty else { continue }
            let resolved = path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory)
            if exists && !isDirectory.boolValue && FileManager.default.isReadableFile(atPath: resolved) { continue }
            problems.append(Problem(field: "campaign.sources[\(index)]", path: path, resolved: resolved, exists: exists))
        }
        return problems
    }
}
