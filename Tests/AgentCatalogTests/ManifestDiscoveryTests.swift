import Foundation
import TestSupport
import Testing

@testable import AgentCatalog

@Suite struct ManifestDiscoveryTests {
    @Test func returnsTheGoodManifestsAndEveryProblem() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let names = [
            "01-planner.json", "02-broken.json", "03-writer.json", "04-orphan.json", "05-wrong.json", "README.txt",
            "templates/blog.json", "templates/second-blog.json", "templates/bad.json",
        ]
        try copyFixtures(names.map { "mixed/\($0)" }, to: folder, as: names)
        try setMode(0o755, "\(folder)/templates")

        let result = ManifestDiscovery.discover(folders: [folder])

        #expect(result.catalog.agents.map(\.name) == ["planner", "writer", "orphan"])
        #expect(result.catalog.agents.map(\.source.order) == [0, 1, 2])
        #expect(result.manifestFiles.map { URL(fileURLWithPath: $0).lastPathComponent } == Array(names[0..<5]))
        #expect(result.templateFiles.count == 3)
        #expect(result.catalog.templates.map(\.campaignType) == ["blog_creation"])
        #expect(result.catalog.templates.first?.source.file == "\(folder)/templates/blog.json")
        let described = result.problems.map { $0.description.replacingOccurrences(of: folder + "/", with: "") }
        #expect(described.count == 6)
        #expect(described[0].hasPrefix("02-broken.json:2:1: malformed JSON"))
        #expect(described[1] == "05-wrong.json: manifest_version: expected an integer >= 0, found a string")
        #expect(described[2].hasPrefix("templates/bad.json: extra: unknown field"))
        #expect(described[3].hasPrefix("templates/bad.json: required_capabilities: expected an array of strings"))
        #expect(described[4].hasPrefix(#"04-orphan.json: dependencies[0]: hard dependency on unknown agent "nobody""#))
        #expect(described[5] == #"templates/second-blog.json: campaign_type: campaign type "blog_creation" is already defined in templates/blog.json; this file is ignored"#)
    }

    @Test func reportsUnknownAgentsCapabilitiesAndAlternatives() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try copyFixtures(["unknown-dependency.json"], to: folder)
        let result = ManifestDiscovery.discover(folders: [folder])
        #expect(result.catalog.agents.map(\.name) == ["needy"])
        #expect(result.problems.map(\.field) == ["dependencies[0]", "dependencies[1]", "alternatives[0]"])
        #expect(result.problems[0].message.contains(#"unknown agent "ghost""#))
        #expect(result.problems[1].message.contains(#"capability "telepathy", which no other discovered agent provides"#))
        #expect(result.problems[2].message.contains(#"unknown agent "phantom""#))
    }

    @Test func keepsTheFirstOfTwoAgentsWithTheSameName() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try copyFixtures(["duplicate/a.json", "duplicate/b.json"], to: folder)
        let result = ManifestDiscovery.discover(folders: [folder])
        #expect(result.catalog.agents.map(\.version) == ["1.0.0"])
        #expect(result.problems.map(\.description) == [
            "\(folder)/b.json: name: agent \"twin\" is already defined in \(folder)/a.json; this file is ignored"
        ])
    }

    @Test func refusesManifestsOthersMayWrite() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try copyFixtures(["mixed/01-planner.json", "duplicate/a.json"], to: folder)
        try setMode(0o664, "\(folder)/a.json")
        var result = ManifestDiscovery.discover(folders: [folder])
        #expect(result.catalog.agents.map(\.name) == ["planner"])
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.file == "\(folder)/a.json")
        #expect(result.problems.first?.message.contains("writable by group or others (mode 664)") == true)

        try setMode(0o777, folder)
        result = ManifestDiscovery.discover(folders: [folder])
        #expect(result.catalog.agents.isEmpty)
        #expect(result.problems.map(\.file) == [folder])
        #expect(result.problems.first?.message.contains("this folder is writable by group or others (mode 777)") == true)
    }

    @Test func reportsAMissingFolderAndStillReadsTheOthers() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try copyFixtures(["mixed/01-planner.json"], to: folder)
        let result = ManifestDiscovery.discover(folders: ["\(folder)/nowhere", folder])
        #expect(result.catalog.agents.map(\.name) == ["planner"])
        #expect(result.problems.map(\.description) == [
            "\(folder)/nowhere: manifest folder does not exist or is not a folder"
        ])
    }

    @Test func ordersFoldersExplicitThenEnvironmentThenDefaultUnlessExplicit() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let environment = ["AGENTHOST_MANIFEST_PATH": "/env/one::/env/two:/explicit/b/"]
        #expect(
            ManifestDiscovery.folders(explicit: ["/explicit/a", "/explicit/b", "/explicit/a/."], environment: environment, currentDirectory: root)
                == ["/explicit/a", "/explicit/b", "/env/one", "/env/two"])
        try FileManager.default.createDirectory(atPath: "\(root)/AgentManifests", withIntermediateDirectories: false)
        #expect(
            ManifestDiscovery.folders(explicit: [], environment: environment, currentDirectory: root)
                == ["/env/one", "/env/two", "/explicit/b/", "\(root)/AgentManifests"])
        #expect(
            ManifestDiscovery.folders(explicit: ["AgentManifests"], environment: [:], currentDirectory: root)
                == ["AgentManifests"])
        #expect(
            ManifestDiscovery.folders(explicit: ["/explicit/a"], environment: [:], currentDirectory: root)
                == ["/explicit/a"], "--manifests replaces the default folder")
    }
}
