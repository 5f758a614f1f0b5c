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

    /// The allowed base folders for `manifest`, in search order, without duplicates.
    func baseFolders(for manifest: Manifest) -> [String] {
        var folders = [manifest.source.folder] + searchPaths.pluginFolders
        if let executableFolder = searchPaths.executableFolder { folders.append(executableFolder) }
        var seen = Set<String>()
        return folders.filter { seen.insert($0).inserted }
    }

    /// The absolute, symlink-free path of `manifest.library`.
    func resolve(_ manifest: Manifest) throws(AgentRuntimeError) -> String {
        let library = manifest.library
        let agent = manifest.name
        let bases = baseFolders(for: manifest)
        guard !library.isEmpty else {
            throw AgentRuntimeError(.libraryNotFound, agent: agent, "the manifest's `library` field is empty")
        }
        if library.hasPrefix("/") {
            guard let real = Self.realPath(library), Self.isRegularFile(real) else {
                throw AgentRuntimeError(.libraryNotFound, agent: agent, "library '\(library)' does not exist")
            }
            if bases.compactMap(Self.realPath).contains(where: { Self.isInside(real, $0) }) { return real }
            throw AgentRuntimeError(
                .pathEscapes, agent: agent,
                "library '\(library)' lies outside the folders a library may come from: "
                    + bases.joined(separator: ", ") + "; put it in one of them or pass its folder with --plugins")
        }
        if Self.climbsAboveBase(library) {
            throw AgentRuntimeError(
                .pathEscapes, agent: agent,
                "library '\(library)' climbs out of its folder with '..'; expected a path inside "
                    + "the manifest's folder or a plugin folder")
        }
        for base in bases {
            let candidate = base.hasSuffix("/") ? base + library : base + "/" + library
            guard let real = Self.realPath(candidate), Self.isRegularFile(real) else { continue }
            guard let realBase = Self.realPath(base), Self.isInside(real, realBase) else {
                throw AgentRuntimeError(
                    .pathEscapes, agent: agent,
                    "library '\(candidate)' resolves to '\(real)', outside its folder '\(base)' (a symlink escapes it)")
            }
            return real
        }
        throw AgentRuntimeError(
            .libraryNotFound, agent: agent,
            "library '\(library)' not found; searched: " + bases.joined(separator: ", "))
    }

    /// The search root (symlink-free) a resolved library lies in: the first base folder holding it.
    func root(of path: String, for manifest: Manifest) -> String? {
        baseFolders(for: manifest).compactMap(Self.realPath).first { Self.isInside(path, $0) }
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
