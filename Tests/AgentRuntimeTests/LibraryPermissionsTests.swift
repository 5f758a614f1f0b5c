import AgentCatalog
import AgentRuntime
import Foundation
import TestSupport
import Testing

/// The ssh-like rule for libraries: the file and its folders up to the search root must not be
/// writable by group or others and must belong to root or the user running the host.
@Suite struct LibraryPermissionsTests {
    private func failure(_ manifest: Manifest, pluginFolders: [String]) -> AgentRuntimeError? {
        loadError { () throws(AgentRuntimeError) in _ = try makeRuntime(pluginFolders: pluginFolders).load(manifest) }
    }

    @Test func aLibraryInAWorldWritablePluginFolderIsRefused() throws {
        let plugins = try makeTemporaryFolder()
        let path = try copyPlugin("libTestEchoAgent.so", into: plugins)
        chmod(plugins, 0o777)
        defer { chmod(plugins, 0o755) }
        let error = failure(
            try manifest("echo", library: "libTestEchoAgent.so", in: makeTemporaryFolder()), pluginFolders: [plugins])
        #expect(error?.code == .insecurePermissions)
        let message = error?.message ?? ""
        #expect(message.contains("folder '\(plugins)', which holds library '\(path)', has mode 777"), "\(message)")
        #expect(message.contains("chmod go-w '\(plugins)'"), "\(message)")
    }

    @Test func aWritableFolderBetweenTheLibraryAndTheSearchRootIsRefused() throws {
        let plugins = try makeTemporaryFolder()
        try FileManager.default.createDirectory(atPath: plugins + "/team", withIntermediateDirectories: true)
        let path = try copyPlugin("libTestEchoAgent.so", into: plugins + "/team")
        chmod(plugins + "/team", 0o757)
        let error = failure(
            try manifest("echo", library: "team/libTestEchoAgent.so", in: makeTemporaryFolder()),
            pluginFolders: [plugins])
        #expect(error?.code == .insecurePermissions)
        #expect(error?.message.contains("folder '\(plugins)/team', which holds library '\(path)'") == true)
        #expect(error?.message.contains("writable by others") == true)
    }

    @Test func foldersAboveTheSearchRootAreNotTheHostsToVet() throws {
        let outer = try makeTemporaryFolder()
        chmod(outer, 0o777)
        defer { chmod(outer, 0o755) }
        let plugins = outer + "/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        chmod(plugins, 0o755)
        try copyPlugin("libTestEchoAgent.so", into: plugins)
        let loaded = try makeRuntime(pluginFolders: [plugins]).load(
            try manifest("echo", library: "libTestEchoAgent.so", in: makeTemporaryFolder()))
        #expect(loaded.libraryPath == plugins + "/libTestEchoAgent.so")
    }

    @Test func aManifestFolderAboveThePluginFolderIsNotItsSearchRoot() throws {
        // The manifest lives in a world-writable folder (like /tmp) that also holds, further
        // down, the plugin folder the library is found in: the root is the plugin folder.
        let outer = try makeTemporaryFolder()
        chmod(outer, 0o777)
        defer { chmod(outer, 0o755) }
        let plugins = outer + "/build/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        chmod(outer + "/build", 0o755)
        chmod(plugins, 0o755)
        try copyPlugin("libTestEchoAgent.so", into: plugins)
        let loaded = try makeRuntime(pluginFolders: [plugins]).load(
            try manifest("echo", library: "libTestEchoAgent.so", in: outer))
        #expect(loaded.libraryPath == plugins + "/libTestEchoAgent.so")
    }

    @Test(.enabled(if: geteuid() == 0, "only root can give a file to another user"))
    func aLibraryOwnedByAnotherUserIsRefused() throws {
        let plugins = try makeTemporaryFolder()
        let path = try copyPlugin("libTestEchoAgent.so", into: plugins)
        chown(path, 65534, 65534)
        let error = failure(
            try manifest("echo", library: "libTestEchoAgent.so", in: makeTemporaryFolder()), pluginFolders: [plugins])
        #expect(error?.code == .insecurePermissions)
        let message = error?.message ?? ""
        #expect(message.contains("library '\(path)' is owned by"), "\(message)")
        #expect(message.contains("uid 65534"), "\(message)")
        #expect(message.contains("not by root or by the user running the host"), "\(message)")
    }

    @Test func manyAgentsNamingOneSonameShareOneResolvedLibrary() throws {
        let runtime = makeRuntime()
        var paths = Set<String>()
        for index in 0..<200 {
            let agent = try runtime.load(
                cFunctionManifest(
                    "cbrt_\(index)", symbol: "cbrt", [("x", .double)], returns: .double, output: "cube_root",
                    library: "libm.so.6"))
            paths.insert(agent.libraryPath)
            if index % 50 == 0 {
                #expect(try output(agent.run(input: ["x": 8], context: RecordingContext())) == .number(2))
            }
        }
        #expect(paths.count == 1)
        #expect(paths.first?.hasSuffix("/libm.so.6") == true)
    }
}
