import AgentCatalog
import Foundation

// Implementation notes
// A manifest's `library` resolves against, in order: the manifest's folder, each
// `PluginSearchPaths.pluginFolders` entry, then the executable's folder. The first folder
// holding an existing file wins. A relative path whose `..` components climb above its base
// is refused before any file is touched; a found file is then resolved with realpath (so
// symlinks count) and must still lie inside its base folder, itself resolved with realpath.
// An absolute `library` must lie inside one of the allowed folders.

/// Finds and vets a manifest's library file. No dlopen happens here.
struct LibraryResolver: Sendable {
    let searchPaths: PluginSearchPaths
    /// Resolutions and vettings already done by this runtime (shared by its copies).
    let cache: LibraryCache

    init(searchPaths: PluginSearchPaths, cache: LibraryCache = LibraryCache()) {
        self.searchPaths = searchPaths
        self.cache = cache
    }

    /// The allowed base folders for `manifest`, in search order, without duplicates.
    func baseFolders(for manifest: Manifest) -> [String] {
        var folders = [manifest.source.folder] + searchPaths.pluginFolders
        if let executableFolder = searchPaths.executableFolder { folders.append(executableFolder) }
        var seen = Set<String>()
        return folders.filter { seen.insert($0).inserted }
    }

    /// The absolute, symlink-free path of `manifest.library`.
    func resolve(_ manifest: Manifest) throws(AgentRuntimeError) -> String {
        guard !manifest.library.isEmpty else {
            throw AgentRuntimeError(.libraryNotFound, agent: manifest.name, "the manifest's `library` field is empty")
        }
        let key = LibraryCache.ResolutionKey(folder: manifest.source.folder, library: manifest.library)
        return try cache.path(for: key) { () throws(AgentRuntimeError) in
            try resolveFile(manifest.library, field: "library", agent: manifest.name, bases: baseFolders(for: manifest))
        }
    }

    /// The absolute, symlink-free path of `path` (the manifest's `field`, "library" or
    /// "command"), found in the first of `bases` that holds it and confined to that folder.
    /// - Throws: `.libraryNotFound` listing `bases`, or `.pathEscapes`.
    func resolveFile(
        _ path: String, field: String, agent: String, bases: [String]
    ) throws(AgentRuntimeError) -> String {
        if path.hasPrefix("/") {
            guard let real = Self.realPath(path), Self.isRegularFile(real) else {
                throw AgentRuntimeError(.libraryNotFound, agent: agent, "\(field) '\(path)' does not exist")
            }
            if bases.compactMap(Self.realPath).contains(where: { Self.isInside(real, $0) }) { return real }
            throw AgentRuntimeError(
                .pathEscapes, agent: agent,
                "\(field) '\(path)' lies outside the folders a \(field) may come from: "
                    + bases.joined(separator: ", ") + "; put it in one of them or pass its folder with --plugins")
        }
        if Self.climbsAboveBase(path) {
            throw AgentRuntimeError(
                .pathEscapes, agent: agent,
                "\(field) '\(path)' climbs out of its folder with '..'; expected a path inside "
                    + "the manifest's folder or a plugin folder")
        }
        for base in bases {
            let candidate = base.hasSuffix("/") ? base + path : base + "/" + path
            guard let real = Self.realPath(candidate), Self.isRegularFile(real) else { continue }
            guard let realBase = Self.realPath(base), Self.isInside(real, realBase) else {
                throw AgentRuntimeError(
                    .pathEscapes, agent: agent,
                    "\(field) '\(candidate)' resolves to '\(real)', outside its folder '\(base)' (a symlink escapes it)")
            }
            return real
        }
        throw AgentRuntimeError(
            .libraryNotFound, agent: agent, "\(field) '\(path)' not found; searched: " + bases.joined(separator: ", "))
    }

    /// The search root (symlink-free) a resolved library lies in: the deepest base folder
    /// holding it, which is the one it was found in. (A manifest in /tmp and a library found in
    /// the binary's folder below /tmp: the root is the binary's folder, not /tmp.)
    func root(of path: String, for manifest: Manifest) -> String? {
        baseFolders(for: manifest).compactMap(Self.realPath).filter { Self.isInside(path, $0) }
            .max { $0.count < $1.count }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" ? path.hasPrefix("/") : path.hasPrefix(folder + "/")
    }

    /// Whether a relative path's `..` components climb above its starting folder.
    static func climbsAboveBase(_ relative: String) -> Bool {
        var depth = 0
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                depth -= 1
                if depth < 0 { return true }
            default: depth += 1
            }
        }
        return false
    }
}
