import AgentCatalog
import Foundation
import Logging
import Synchronization

/// Loads agents' libraries and keeps them loaded: resolve, vet, dlopen, negotiate, init.
///
/// Thread-safe. Loading is lazy (only agents about to run are loaded) and cached per agent
/// name: the second `load` of a name returns the same `LoadedAgent`. A failed load is not
/// cached, so a fixed library can be loaded by trying again.
public final class AgentRuntime: Sendable {
    /// The most bytes one call may return as `output` (its JSON object, or its error text):
    /// 64 MiB, in both isolation modes (docs/PLUGIN_ABI.md, "Output size"). Larger output
    /// fails the attempt with `.outputTooLarge`, naming the size and this limit.
    public static let maximumOutputBytes = 64 << 20

    /// Where libraries are looked for after each manifest's own folder.
    public let searchPaths: PluginSearchPaths
    private let resolver: LibraryResolver
    private let logger: Logger
    private let cache = LoadedAgentCache()

    /// Creates a runtime that looks for libraries in `searchPaths` and logs to `logger`.
    public init(searchPaths: PluginSearchPaths, logger: Logger) {
        self.searchPaths = searchPaths
        self.resolver = LibraryResolver(searchPaths: searchPaths)
        self.logger = logger
    }

    /// The absolute, symlink-free path of `manifest.library`, without loading it.
    ///
    /// Looks in the manifest's folder, then each plugin folder, then the executable's folder;
    /// the first existing file wins.
    /// - Throws: `.libraryNotFound` listing every folder searched, or `.pathEscapes` when the
    ///   path (after resolving symlinks) leaves the folder it was found in.
    public func resolveLibrary(for manifest: Manifest) throws(AgentRuntimeError) -> String {
        if let spec = manifest.command {
            // A command agent's "library" is its executable, resolved by the same rules.
            return try CommandResolver(libraries: resolver).executable(for: manifest, spec: spec)
        }
        return try resolver.resolve(manifest)
    }

    /// The loaded agent for `manifest`, loading it on first use.
    ///
    /// Resolves the library, refuses one writable by group or others, checks `sha256` when
    /// given, then dlopens it (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), calls the entry,
    /// negotiates the ABI version, checks the descriptor and calls the plugin's `init` with
    /// the manifest's `config`.
    ///
    /// A `kind: "c-function"` manifest instead gets its signature validated, its library
    /// resolved the same way (or, for a bare soname found in no folder, by the system loader),
    /// its `symbol` and `free` looked up, and one libffi call interface prepared
    /// (docs/PLUGIN_ABI.md, "c-function agents").
    /// - Throws: `AgentRuntimeError` naming the agent, the file and what was expected.
    public func load(_ manifest: Manifest) throws(AgentRuntimeError) -> LoadedAgent {
        try cache.value(for: manifest.name) { () throws(AgentRuntimeError) in try loadUncached(manifest) }
    }

    /// Calls `shutdown` once for every plugin loaded so far, after its running calls return.
    /// Later `run` calls on those agents fail with a message saying the runtime shut them down.
    /// A plugin whose calls have not returned after `seconds` (an abandoned call that ignores
    /// `is_cancelled`) is left as it is: its `shutdown` is not called, so a host can exit.
    public func shutdownAll(waitingAtMost seconds: Double = .infinity) {
        for agent in cache.all() {
            switch agent.shutdown(waitingAtMost: seconds) {
            case .done: logger.debug("shut down agent", metadata: ["agent": "\(agent.manifest.name)"])
            case .busy:
                logger.warning(
                    "agent \(agent.manifest.name) still runs an abandoned call; its shutdown is not called")
            case .already: break
            }
        }
    }

    private func loadUncached(_ manifest: Manifest) throws(AgentRuntimeError) -> LoadedAgent {
        switch manifest.kind {
        case .agentV1: break
        case .command:
            return try loadCommand(manifest)
        case .cFunction:
            let function = try CFunctionAgent.load(manifest, resolver: resolver, logger: logger)
            return LoadedAgent(
                manifest: manifest, libraryPath: function.libraryPath, pluginVersion: manifest.version,
                backend: .cFunction(function), logger: logger)
        }
        let path = try resolver.resolve(manifest)
        try Self.vetLibrary(at: path, for: manifest, resolver: resolver)
        let library = try resolver.cache.library(for: .init(path: path, entry: manifest.entry)) {
            () throws(AgentRuntimeError) in try AgentV1Library.open(path: path, manifest: manifest)
        }
        let plugin = try AgentV1Plugin.instantiate(library, for: manifest, logger: logger)
        logger.debug(
            "loaded agent",
            metadata: ["agent": "\(manifest.name)", "library": "\(path)", "version": "\(plugin.version)"])
        return LoadedAgent(
            manifest: manifest, libraryPath: path, pluginVersion: plugin.version, backend: .agentV1(plugin),
            logger: logger)
    }

    /// A command agent: its executable and working folder resolved and vetted; nothing starts
    /// until its first call.
    private func loadCommand(_ manifest: Manifest) throws(AgentRuntimeError) -> LoadedAgent {
        guard let spec = manifest.command else {
            throw AgentRuntimeError(.unsupportedKind, agent: manifest.name, "a command manifest without `command`")
        }
        let agent = try CommandAgent(
            manifest: manifest, spec: spec, resolver: CommandResolver(libraries: resolver), logger: logger)
        return LoadedAgent(
            manifest: manifest, libraryPath: agent.executable, pluginVersion: manifest.version, backend: .command(agent),
            logger: logger)
    }

    /// Refuses a library that another user could replace (the file, or a folder from it up to
    /// its search root, writable by group or others or owned by another user) and one whose
    /// SHA-256 differs from the manifest's `sha256`; used for every file the runtime resolves itself.
    /// Each check is done once per runtime and library (see `LibraryCache`).
    static func vetLibrary(at path: String, for manifest: Manifest, resolver: LibraryResolver) throws(AgentRuntimeError) {
        // The search root depends only on the path, the manifest's folder and the search paths.
        let key = LibraryCache.VettingKey(path: path, folder: manifest.source.folder, sha256: manifest.sha256?.lowercased())
        try resolver.cache.vet(key) { () throws(AgentRuntimeError) in
            try checkLibrary(at: path, root: resolver.root(of: path, for: manifest), for: manifest)
        }
    }

    private static func checkLibrary(at path: String, root: String?, for manifest: Manifest) throws(AgentRuntimeError) {
        try LibraryPermissions.check(path, root: root, agent: manifest.name)
        if let expected = manifest.sha256 {
            guard let actual = LibraryDigest.sha256Hex(ofFile: path) else {
                throw AgentRuntimeError(.notLoadable, agent: manifest.name, "cannot read '\(path)' to check its sha256")
            }
            guard actual == expected.lowercased() else {
                throw AgentRuntimeError(
                    .checksumMismatch, agent: manifest.name,
                    "library '\(path)' has sha256 \(actual), the manifest expects \(expected.lowercased()); "
                        + "rebuild the library or update `sha256` in \(manifest.source.file)")
            }
        }
    }
}

/// Loaded agents by name, in load order.
///
/// Loads happen under the lock, so a plugin's entry and `init` never run concurrently with
/// another load (its `init` "never concurrently with any other call" holds trivially).
final class LoadedAgentCache: Sendable {
    private struct State {
        var agents: [String: LoadedAgent] = [:]
        var order: [LoadedAgent] = []
    }
    private let state = Mutex(State())

    func value(
        for name: String, load: () throws(AgentRuntimeError) -> LoadedAgent
    ) throws(AgentRuntimeError) -> LoadedAgent {
        try state.withLock { (state) throws(AgentRuntimeError) -> LoadedAgent in
            if let agent = state.agents[name] { return agent }
            let agent = try load()
            state.agents[name] = agent
            state.order.append(agent)
            return agent
        }
    }

    func all() -> [LoadedAgent] {
        state.withLock { $0.order }
    }
}
