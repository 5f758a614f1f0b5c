import Foundation

/// The folders a manifest's `library` may resolve into, in search order after the
/// manifest's own folder: `--plugins DIR` (repeatable), `AGENTHOST_PLUGIN_PATH`
/// (colon-separated), then the folder of the running `agenthost` binary.
public struct PluginSearchPaths: Sendable, Hashable {
    /// Folders from `--plugins` and `AGENTHOST_PLUGIN_PATH`, in that order.
    public var pluginFolders: [String]
    /// The folder of the running executable, when known.
    public var executableFolder: String?

    public init(pluginFolders: [String] = [], executableFolder: String? = PluginSearchPaths.currentExecutableFolder()) {
        self.pluginFolders = pluginFolders
        self.executableFolder = executableFolder
    }

    /// Search paths from explicit `--plugins` folders plus the environment.
    public static func from(
        explicit: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PluginSearchPaths {
        let fromEnvironment = (environment["AGENTHOST_PLUGIN_PATH"] ?? "")
            .split(separator: ":").map(String.init).filter { !$0.isEmpty }
        return PluginSearchPaths(pluginFolders: explicit + fromEnvironment)
    }

    /// The folder holding the running binary, read from `/proc/self/exe` (works for the
    /// host and for test bundles alike).
    public static func currentExecutableFolder() -> String? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        return (path as NSString).deletingLastPathComponent
    }
}
