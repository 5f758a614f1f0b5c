import AgentCatalog
import Foundation
import Synchronization

// Implementation notes
// A c-function agent's `library` resolves like an agent-v1 plugin's (manifest folder,
// --plugins, AGENTHOST_PLUGIN_PATH, the binary's folder; no escaping), and the file found is
// vetted the same way (permissions, `sha256`). Only when that finds nothing and `library` is
// a bare soname (no '/', e.g. "libm.so.6") is the name handed to dlopen as is, so the system
// loader searches for it (LD_LIBRARY_PATH, ld.so.cache, the default folders). The host does
// not pick that file, so it cannot vet it before loading: a manifest that pins such a
// library with `sha256` is refused rather than checked after its code was mapped and run.
// A library the system loader found is opened and located (its file read from
// /proc/self/maps) once per process: later agents naming the same soname reuse it, and a
// manifest folder whose search found no such file is not searched again by the same runtime,
// so they cost what an agent whose library lies in its manifest folder costs.

/// The library of a c-function agent, opened with RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE.
///
/// `@unchecked Sendable`: the handle is only used for dlsym, which is thread-safe, and the
/// library is never closed.
struct CFunctionLibrary: @unchecked Sendable {
    /// The file opened; for a system-loader soname, the soname until `located` finds the file.
    let path: String
    /// Whether the system loader found the file (a bare soname found in no search folder).
    let foundBySystemLoader: Bool
    private let handle: UnsafeMutableRawPointer

    /// Libraries the system loader found, by soname, once `located` found their file.
    private static let systemLibraries = Mutex<[String: CFunctionLibrary]>([:])

    /// Resolves, vets and opens `manifest.library`.
    static func open(_ manifest: Manifest, resolver: LibraryResolver) throws(AgentRuntimeError) -> CFunctionLibrary {
        let agent = manifest.name
        let key = LibraryCache.ResolutionKey(folder: manifest.source.folder, library: manifest.library)
        if manifest.sha256 == nil, resolver.cache.isLeftToSystemLoader(key),
            let known = systemLibraries.withLock({ $0[manifest.library] })
        {
            return known  // no folder held it last time either: no search again
        }
        let path: String
        let bySystemLoader: Bool
        do {
            path = try resolver.resolve(manifest)
            bySystemLoader = false
        } catch  where error.code == .libraryNotFound && isBareSoname(manifest.library) {
            if manifest.sha256 != nil {
                throw AgentRuntimeError(
                    .checksumMismatch, agent: agent,
                    "library '\(manifest.library)' is found by the system loader, so its sha256 cannot be "
                        + "checked before it is loaded; copy the library into a plugin folder to pin it, or remove "
                        + "`sha256` from \(manifest.source.file)")
            }
            resolver.cache.leaveToSystemLoader(key)
            if let known = systemLibraries.withLock({ $0[manifest.library] }) { return known }
            path = manifest.library
            bySystemLoader = true
        }
        if !bySystemLoader { try AgentRuntime.vetLibrary(at: path, for: manifest, resolver: resolver) }
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let searched = resolver.baseFolders(for: manifest).joined(separator: ", ")
            throw AgentRuntimeError(
                bySystemLoader ? .libraryNotFound : .notLoadable, agent: agent,
                bySystemLoader
                    ? "library '\(path)' is in none of \(searched), and the system loader cannot open it: "
                        + dynamicLinkerError()
                    : "'\(path)' is not a loadable library: \(dynamicLinkerError())")
        }
        return CFunctionLibrary(path: path, foundBySystemLoader: bySystemLoader, handle: handle)
    }

    /// The address of the exported function `name`, read from the manifest's `field`.
    func symbol(_ name: String, field: String, agent: String) throws(AgentRuntimeError) -> UnsafeMutableRawPointer {
        _ = dlerror()
        guard let address = dlsym(handle, name) else {
            throw AgentRuntimeError(
                .symbolMissing, agent: agent,
                "library '\(path)' does not export '\(name)' (the manifest's `\(field)`): \(dynamicLinkerError())")
        }
        return address
    }

    /// This library with `path` set to the file holding `address` when the system loader found
    /// it (e.g. /usr/lib/x86_64-linux-gnu/libm.so.6 for "libm.so.6"), read from
    /// /proc/self/maps (glibc declares dladdr only under _GNU_SOURCE, which Swift's Glibc
    /// module is not built with).
    /// The result is kept for the process, so the next `open` of the same soname returns it.
    func located(_ address: UnsafeMutableRawPointer) -> CFunctionLibrary {
        guard foundBySystemLoader, Self.isBareSoname(path) else { return self }
        let soname = path
        return Self.systemLibraries.withLock { known in
            if let library = known[soname] { return library }
            guard let file = Self.mappedFile(containing: UInt(bitPattern: address)) else { return self }
            let library = CFunctionLibrary(
                path: LibraryResolver.realPath(file) ?? file, foundBySystemLoader: true, handle: handle)
            known[soname] = library
            return library
        }
    }

    /// The file mapped at `address` in this process, from lines such as
    /// `7f12a0000000-7f12a0010000 r-xp 00001000 08:01 1234 /usr/lib/x86_64-linux-gnu/libm.so.6`.
    static func mappedFile(containing address: UInt) -> String? {
        // Read to EOF: /proc files report size 0, so readers that trust stat see nothing.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps"),
            let data = try? handle.readToEnd()
        else { return nil }
        try? handle.close()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            let file = fields[5].trimmingCharacters(in: .whitespaces)
            guard file.hasPrefix("/") else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let low = UInt(bounds[0], radix: 16), let high = UInt(bounds[1], radix: 16),
                low <= address, address < high
            else { continue }
            return file
        }
        return nil
    }

    /// Whether `library` is a bare file name the system loader may search for.
    static func isBareSoname(_ library: String) -> Bool {
        !library.isEmpty && !library.contains("/") && library != "." && library != ".."
    }
}

private func dynamicLinkerError() -> String {
    guard let message = dlerror() else { return "no error text from the dynamic linker" }
    return String(cString: message)
}
