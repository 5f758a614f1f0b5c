import Foundation
import Synchronization

// Implementation notes
// Loading 10,000 agents that name one library used to resolve it (a realpath per search
// folder), vet it (a stat per folder up to its root, a SHA-256 of the file when pinned),
// dlopen it and call its entry 10,000 times. All of that depends only on the library, the
// manifest's folder and the search paths, which are fixed for a runtime, so each is done once
// per runtime and remembered here; only successes are remembered (a failed load is retried
// from scratch). Remembering the vetting is sound because the code the process maps is the
// code that was vetted: glibc's dlopen returns the already-loaded object for a path it has
// opened before, without reading the file again, and libraries are never unloaded.

/// What an `AgentRuntime` has resolved, vetted and opened, so that each is done once per
/// library, not once per agent. Thread-safe.
final class LibraryCache: Sendable {
    /// Resolved library paths by manifest folder and `library` field.
    private let resolved = Mutex<[ResolutionKey: String]>([:])
    /// Library paths that passed the permission check for a manifest folder (which fixes the
    /// search root), with the SHA-256 digest they were checked against.
    private let vetted = Mutex<Set<VettingKey>>([])
    /// c-function `library` sonames no search folder held, left to the system loader.
    private let systemLoaded = Mutex<Set<ResolutionKey>>([])
    /// Opened agent-v1 libraries by path and entry symbol.
    private let agentV1 = Mutex<[EntryKey: AgentV1Library]>([:])

    struct ResolutionKey: Hashable, Sendable {
        let folder: String
        let library: String
    }

    struct VettingKey: Hashable, Sendable {
        let path: String
        let folder: String
        let sha256: String?
    }

    struct EntryKey: Hashable, Sendable {
        let path: String
        let entry: String
    }

    /// The path resolved for `key`, resolving it with `resolve` the first time and again once
    /// the file it resolved to is gone (one `access` instead of a search of every folder).
    func path(
        for key: ResolutionKey, resolve: () throws(AgentRuntimeError) -> String
    ) throws(AgentRuntimeError) -> String {
        if let known = resolved.withLock({ $0[key] }), access(known, F_OK) == 0 { return known }
        let path = try resolve()
        resolved.withLock { $0[key] = path }
        return path
    }

    /// Runs `vet` unless the same check already passed.
    func vet(_ key: VettingKey, _ vet: () throws(AgentRuntimeError) -> Void) throws(AgentRuntimeError) {
        if vetted.withLock({ $0.contains(key) }) { return }
        try vet()
        _ = vetted.withLock { $0.insert(key) }
    }

    /// Whether the search for `key` found no file and left the soname to the system loader.
    func isLeftToSystemLoader(_ key: ResolutionKey) -> Bool { systemLoaded.withLock { $0.contains(key) } }

    /// Remembers that the search for `key` found no file (a bare soname for the system loader).
    func leaveToSystemLoader(_ key: ResolutionKey) { _ = systemLoaded.withLock { $0.insert(key) } }

    /// The library opened for `key`, opening it with `open` the first time.
    func library(
        for key: EntryKey, open: () throws(AgentRuntimeError) -> AgentV1Library
    ) throws(AgentRuntimeError) -> AgentV1Library {
        if let known = agentV1.withLock({ $0[key] }) { return known }
        let library = try open()
        agentV1.withLock { $0[key] = library }
        return library
    }
}
