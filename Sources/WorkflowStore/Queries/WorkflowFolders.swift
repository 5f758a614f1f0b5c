import AgentCatalog
import GRDB

/// What a workflow was run with, beyond its plan: where its agents' manifests and libraries
/// were found and the folder `campaign.sources` resolve against. `resume` and `retry` load
/// the agents from the same places.
public struct WorkflowFolders: Sendable, Hashable {
    /// Manifest folders, absolute, in search order.
    public var manifests: [String]
    /// Plugin library folders, absolute, in search order.
    public var plugins: [String]
    /// The folder agents resolve `campaign.sources` against (the request file's folder); nil
    /// for the host's current directory.
    public var baseDirectory: String?

    /// Creates the record.
    public init(manifests: [String], plugins: [String], baseDirectory: String?) {
        self.manifests = manifests
        self.plugins = plugins
        self.baseDirectory = baseDirectory
    }
}

extension SQLiteStore {
    /// The folders `workflowId` was recorded with; nil for a workflow recorded before schema
    /// v4 (or by a caller that gave none).
    /// - Throws: `StoreError.unknownWorkflow`, `.badData` for an unreadable column.
    public func folders(workflowId: String) throws(StoreError) -> WorkflowFolders? {
        let row = try read { db in
            try Row.fetchOne(
                db, sql: "SELECT manifest_folders, plugin_folders, base_directory FROM workflows WHERE id = ?",
                arguments: [workflowId])
        }
        guard let row else { throw StoreError.unknownWorkflow(workflowId) }
        let manifests: String? = row["manifest_folders"]
        let plugins: String? = row["plugin_folders"]
        let baseDirectory: String? = row["base_directory"]
        guard manifests != nil || plugins != nil || baseDirectory != nil else { return nil }
        func paths(_ text: String?, _ column: String) throws(StoreError) -> [String] {
            guard let text else { return [] }
            let value = try JSONValue.column(text, "workflows.\(column) of \(workflowId)")
            return value.arrayValue?.compactMap(\.stringValue) ?? []
        }
        return WorkflowFolders(
            manifests: try paths(manifests, "manifest_folders"), plugins: try paths(plugins, "plugin_folders"),
            baseDirectory: baseDirectory)
    }
}
