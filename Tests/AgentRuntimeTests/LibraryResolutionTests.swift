import AgentCatalog
import AgentRuntime
import Foundation
import TestSupport
import Testing

@Suite struct LibraryResolutionTests {
    /// Writes an empty file at `folder/name`, returning its path.
    @discardableResult
    private func touch(_ folder: String, _ name: String) -> String {
        let path = folder + "/" + name
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        return path
    }

    @Test func manifestFolderWinsOverPluginFoldersAndExecutableFolder() throws {
        let manifestFolder = try makeTemporaryFolder()
        let pluginFolder = try makeTemporaryFolder()
        let executableFolder = try makeTemporaryFolder()
        for folder in [manifestFolder, pluginFolder, executableFolder] { touch(folder, "libX.so") }
        let runtime = AgentRuntime(
            searchPaths: PluginSearchPaths(pluginFolders: [pluginFolder], executableFolder: executableFolder),
            logger: .init(label: "test"))
        let agent = try manifest("x", library: "libX.so", in: manifestFolder)
        #expect(try runtime.resolveLibrary(for: agent) == manifestFolder + "/libX.so")

        try FileManager.default.removeItem(atPath: manifestFolder + "/libX.so")
        #expect(try runtime.resolveLibrary(for: agent) == pluginFolder + "/libX.so")

        try FileManager.default.removeItem(atPath: pluginFolder + "/libX.so")
        #expect(try runtime.resolveLibrary(for: agent) == executableFolder + "/libX.so")
    }

    @Test func pluginFoldersAreSearchedInOrder() throws {
        let first = try makeTemporaryFolder()
        let second = try makeTemporaryFolder()
        touch(second, "libY.so")
        let runtime = makeRuntime(pluginFolders: [first, second])
        #expect(try runtime.resolveLibrary(for: manifest("y", library: "libY.so")) == second + "/libY.so")
        touch(first, "libY.so")
        #expect(try runtime.resolveLibrary(for: manifest("y", library: "libY.so")) == first + "/libY.so")
    }

    @Test func notFoundListsEveryFolderSearched() throws {
        let manifestFolder = try makeTemporaryFolder()
        let pluginFolder = try makeTemporaryFolder()
        let runtime = makeRuntime(pluginFolders: [pluginFolder])
        let agent = try manifest("ghost", library: "libGhost.so", in: manifestFolder)
        let error = loadError { () throws(AgentRuntimeError) in _ = try runtime.resolveLibrary(for: agent) }
        #expect(error?.code == .libraryNotFound)
        #expect(error?.agent == "ghost")
        let message = error?.message ?? ""
        #expect(message.contains("libGhost.so"))
        for folder in [manifestFolder, pluginFolder, buildFolder] { #expect(message.contains(folder)) }
    }

    @Test func dotDotThatClimbsOutIsRefused() throws {
        let parent = try makeTemporaryFolder()
        let manifestFolder = parent + "/manifests"
        try FileManager.default.createDirectory(atPath: manifestFolder, withIntermediateDirectories: true)
        touch(parent, "libOutside.so")
        let agent = try manifest("sneaky", library: "../libOutside.so", in: manifestFolder)
        let runtime = makeRuntime()
        let error = loadError { () throws(AgentRuntimeError) in _ = try runtime.resolveLibrary(for: agent) }
        #expect(error?.code == .pathEscapes)
        #expect(error?.message.contains("'../libOutside.so' climbs out of its folder") == true)
    }

    @Test func dotDotThatStaysInsideIsAccepted() throws {
        let folder = try makeTemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/lib", withIntermediateDirectories: true)
        touch(folder, "libInside.so")
        let path = try makeRuntime().resolveLibrary(for: manifest("inside", library: "lib/../libInside.so", in: folder))
        #expect(path == folder + "/libInside.so")
    }

    @Test func symlinkLeavingItsFolderIsRefused() throws {
        let outside = try makeTemporaryFolder()
        let manifestFolder = try makeTemporaryFolder()
        let target = touch(outside, "libReal.so")
        try FileManager.default.createSymbolicLink(atPath: manifestFolder + "/libLink.so", withDestinationPath: target)
        let agent = try manifest("linked", library: "libLink.so", in: manifestFolder)
        let runtime = makeRuntime()
        let error = loadError { () throws(AgentRuntimeError) in _ = try runtime.resolveLibrary(for: agent) }
        #expect(error?.code == .pathEscapes)
        #expect(error?.message.contains("resolves to '\(target)'") == true)
    }

    @Test func absolutePathOutsideAllowedFoldersIsRefused() throws {
        let outside = try makeTemporaryFolder()
        let path = touch(outside, "libAbs.so")
        let agent = try manifest("abs", library: path)
        let runtime = makeRuntime()
        let error = loadError { () throws(AgentRuntimeError) in _ = try runtime.resolveLibrary(for: agent) }
        #expect(error?.code == .pathEscapes)
        #expect(error?.message.contains("lies outside the folders a library may come from") == true)
    }

    @Test func absolutePathInsideAPluginFolderIsAccepted() throws {
        let pluginFolder = try makeTemporaryFolder()
        let path = touch(pluginFolder, "libAbs.so")
        #expect(try makeRuntime(pluginFolders: [pluginFolder]).resolveLibrary(for: manifest("abs", library: path)) == path)
    }
}
