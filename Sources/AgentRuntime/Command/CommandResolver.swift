import AgentCatalog
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// Implementation notes
// `command` resolves like `library` (the manifest's folder, the plugin folders, the
// executable's folder; confined to the folder it is found in, symlinks included). A bare
// program name (no '/') found in none of those folders is then looked up on PATH, as a bare
// soname of a c-function agent goes to the system loader: `"command": "python3"` works, and
// what `args` then names is the program's business. The file found must be a regular file
// the host may execute and that group or others cannot write.

/// Finds and vets a command agent's executable and working folder. Starts nothing.
struct CommandResolver: Sendable {
    let libraries: LibraryResolver

    /// The absolute path of `spec.command` for `manifest`.
    /// - Throws: `.commandNotFound` naming every folder searched, `.pathEscapes`,
    ///   `.commandNotExecutable` or `.insecurePermissions`.
    func executable(for manifest: Manifest, spec: CommandSpec) throws(AgentRuntimeError) -> String {
        let bases = libraries.baseFolders(for: manifest)
        let path: String
        do {
            path = try libraries.resolveFile(spec.command, field: "command", agent: manifest.name, bases: bases)
        } catch  where error.code == .libraryNotFound {
            guard !spec.command.contains("/"), let found = Self.searchPATH(spec.command) else {
                let searched = bases + (spec.command.contains("/") ? [] : ["PATH"])
                throw AgentRuntimeError(
                    .commandNotFound, agent: manifest.name,
                    "command '\(spec.command)' not found; searched: \(searched.joined(separator: ", ")). "
                        + "Fix `command` in \(manifest.source.file) or pass the program's folder with --plugins")
            }
            path = found
        }
        try Self.checkExecutable(path, agent: manifest.name)
        try LibraryPermissions.check(
            path, root: libraries.root(of: path, for: manifest), agent: manifest.name, field: "command")
        return path
    }

    /// The absolute working folder, or nil for the host's own.
    /// - Throws: `.commandNotFound` when the folder does not exist, `.pathEscapes` when it
    ///   leaves the manifest's folder.
    func workingDirectory(for manifest: Manifest, spec: CommandSpec) throws(AgentRuntimeError) -> String? {
        guard let relative = spec.workingDirectory else { return nil }
        let folder = manifest.source.folder
        let candidate = folder + "/" + relative
        var info = stat()
        guard let real = LibraryResolver.realPath(candidate), stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR
        else {
            throw AgentRuntimeError(
                .commandNotFound, agent: manifest.name,
                "working_directory '\(relative)' is not a folder (looked for '\(candidate)'); fix it in \(manifest.source.file)"
            )
        }
        guard let base = LibraryResolver.realPath(folder), real == base || LibraryResolver.isInside(real, base) else {
            throw AgentRuntimeError(
                .pathEscapes, agent: manifest.name,
                "working_directory '\(relative)' resolves to '\(real)', outside the manifest's folder '\(folder)'")
        }
        return real
    }

    /// Refuses a file the host may not execute, saying how to fix it.
    static func checkExecutable(_ path: String, agent: String) throws(AgentRuntimeError) {
        guard access(path, X_OK) == 0 else {
            var info = stat()
            let mode = stat(path, &info) == 0 ? String(info.st_mode & 0o7777, radix: 8) : "unknown"
            throw AgentRuntimeError(
                .commandNotExecutable, agent: agent,
                "command '\(path)' is not executable (mode \(mode)); fix it with: chmod +x '\(path)'")
        }
    }

    /// The first regular file named `name` in a PATH folder.
    static func searchPATH(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if let real = LibraryResolver.realPath(candidate), LibraryResolver.isRegularFile(real) { return real }
        }
        return nil
    }
}
