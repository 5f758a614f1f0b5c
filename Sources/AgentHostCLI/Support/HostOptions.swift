import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation
import Logging
import WorkflowStore

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

    /// The manifest and plugin folders (absolute) to record with a workflow, for `resume` and `retry`.
    func agentFolders() -> WorkflowFolders {
        WorkflowFolders(
            manifests: manifestSearchFolders().map(absolutePath),
            plugins: PluginSearchPaths.from(explicit: pluginFolders, environment: environment).pluginFolders
                .map(absolutePath),
            baseDirectory: nil)
    }

    /// These options completed by what a workflow was recorded with: its manifest folders
    /// unless `--manifests` was given, its plugin folders after any `--plugins`.
    func filling(from recorded: WorkflowFolders?) -> HostOptions {
        guard let recorded else { return self }
        var options = self
        if options.manifestFolders.isEmpty { options.manifestFolders = recorded.manifests }
        options.pluginFolders += recorded.plugins.filter { !options.pluginFolders.contains($0) }
        return options
    }

    /// A runtime that resolves libraries through these options' search paths.
    func makeRuntime(logger: Logger) -> AgentRuntime {
        AgentRuntime(searchPaths: PluginSearchPaths.from(explicit: pluginFolders, environment: environment), logger: logger)
    }
}
