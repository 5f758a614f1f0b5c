import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation
import Logging

/// Flags every command that reads manifests or loads plugins shares.
struct HostOptions: ParsableArguments {
    @Option(name: .customLong("manifests"), help: ArgumentHelp(
        "A folder of agent manifests (repeatable); AGENTHOST_MANIFEST_PATH adds more.", valueName: "dir"))
    var manifestFolders: [String] = []

    @Option(name: .customLong("plugins"), help: ArgumentHelp(
        "A folder to search for plugin libraries (repeatable); AGENTHOST_PLUGIN_PATH adds more.", valueName: "dir"))
    var pluginFolders: [String] = []

    @OptionGroup var log: LogOptions

    /// The process environment, read once.
    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// A logger that writes to stderr (stdout is for command output and protocol frames).
    func makeLogger(_ label: String = "agenthost") -> Logger { log.makeLogger(label) }

    /// The manifest folders these options and the environment name, in search order.
    func manifestSearchFolders() -> [String] {
        ManifestDiscovery.folders(
            explicit: manifestFolders, environment: environment,
            currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// The manifest folders for messages: "a, b", or why there is none.
    func describeManifestFolders() -> String {
        let folders = manifestSearchFolders()
        return folders.isEmpty ? "no folder (./AgentManifests does not exist)" : folders.joined(separator: ", ")
    }

    /// Discovers manifests and templates from `manifestSearchFolders()`.
    func discover() -> DiscoveryResult {
        ManifestDiscovery.discover(folders: manifestSearchFolders())
    }

    /// A runtime that resolves libraries through these options' search paths.
    func makeRuntime(logger: Logger) -> AgentRuntime {
        AgentRuntime(searchPaths: PluginSearchPaths.from(explicit: pluginFolders, environment: environment), logger: logger)
    }
}
