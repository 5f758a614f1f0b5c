import Foundation
import TestSupport
import Testing

@testable import AgentCatalog

/// Discovery reads many files on every core and indexes large catalogs in tasks; the results,
/// their order and the order of the problems must be those of reading one file after another.
@Suite struct ParallelDiscoveryTests {
    /// Manifest `index` of a folder where every 37th file is malformed JSON, every 53rd has a
    /// wrong field, and every 61st names an unknown agent.
    static func text(_ index: Int) -> String {
        if index % 37 == 5 { return "{\"name\": \"broken_\(index)\",\n" }
        let version = index % 53 == 7 ? "\"x\"" : "1"
        let dependency = index % 61 == 11 ? "\"ghost_\(index)\"" : index > 0 ? "\"agent_\(index - 1)\"" : ""
        return """
            {"manifest_version": \(version), "name": "agent_\(index)", "version": "1.0.0", "library": "libA.so",
             "capabilities": ["skill_\(index % 7)"], "dependencies": [\(dependency)]}
            """
    }

    @Test func manyFilesGiveTheSequentialResultInFileOrder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let count = ManifestDiscovery.filesPerTask * 5 + 17
        for index in 0..<count {
            let path = "\(folder)/m\(String(format: "%04d", index)).json"
            try Data(Self.text(index).utf8).write(to: URL(fileURLWithPath: path))
            try setMode(0o644, path)
        }
        let result = ManifestDiscovery.discover(folders: [folder])

        let broken = (0..<count).filter { $0 % 37 == 5 || $0 % 53 == 7 }
        let valid = (0..<count).filter { !broken.contains($0) }
        #expect(result.catalog.agents.map(\.name) == valid.map { "agent_\($0)" })
        #expect(result.catalog.agents.map(\.source.order) == Array(0..<valid.count))
        #expect(result.manifestFiles == (0..<count).map { "\(folder)/m\(String(format: "%04d", $0)).json" })

        // Per-file problems first, in file order; then the cross-file ones, in manifest order.
        let fileProblems = result.problems.prefix(broken.count)
        #expect(fileProblems.map(\.file) == broken.map { "\(folder)/m\(String(format: "%04d", $0)).json" })
        for (problem, index) in zip(fileProblems, broken) {
            if index % 37 == 5 {
                #expect(problem.description.contains("malformed JSON"), "\(problem)")
            } else {
                #expect(problem.field == "manifest_version", "\(problem)")
            }
        }
        let unknown = result.problems.dropFirst(broken.count).map(\.message)
        let expected = valid.filter { $0 > 0 }.compactMap { index -> String? in
            if index % 61 == 11 { return "ghost_\(index)" }
            return broken.contains(index - 1) ? "agent_\(index - 1)" : nil
        }
        #expect(unknown.count == expected.count)
        for (message, name) in zip(unknown, expected) { #expect(message.contains("\"\(name)\""), "\(message)") }
    }

    @Test func largeCatalogIndexesMatchTheirDefinition() {
        var random = SystemRandomNumberGenerator()
        let count = Catalog.agentsPerTask * 2 + 321
        let manifests = (0..<count).map { index in
            Manifest(
                name: "a\(index)", capabilities: index % 5 == 0 ? ["solo_\(index)"] : ["shared_\(index % 13)", "solo_\(index)"],
                dependencies: index == 0 ? [] : [
                    .agent("a\(Int.random(in: 0..<index, using: &random))"), .capability("shared_\(index % 11)"),
                    .agent("missing_\(index)", .optional),
                ],
                outputs: ["o\(index % 3)"], source: ManifestSource(file: "m\(index)", order: index))
        }
        let catalog = Catalog(agents: manifests)
        for index in stride(from: 0, to: count, by: 97) {
            let manifest = manifests[index]
            for (position, dependency) in manifest.dependencies.enumerated() {
                var expected: Int?
                if case .agent(let name) = dependency.target { expected = manifests.firstIndex { $0.name == name } }
                #expect(catalog.agentIndex(ofDependency: position, ofAgentAt: index) == expected)
            }
            for capability in manifest.capabilities {
                let providers = manifests.indices.filter { manifests[$0].capabilities.contains(capability) }
                #expect(catalog.providerIndices(ofCapability: capability) == providers)
            }
            #expect(catalog.hasSubstitutes(agentAt: index) == (index % 5 != 0))
            #expect(catalog.index(of: manifest.name) == index)
        }
        #expect(catalog.providerIndices(ofOutput: "o1") == manifests.indices.filter { $0 % 3 == 1 })
        #expect(catalog.providerIndices(ofCapability: "nobody").isEmpty)
    }

    @Test func parallelMapKeepsIndexOrder() {
        for count in [0, 1, 63, 64, 65, 1_000] {
            #expect(Parallel.map(count, chunk: 64) { $0 * 3 } == (0..<count).map { $0 * 3 })
        }
        let (one, two) = Parallel.both({ (0..<100).reduce(0, +) }, { "done" })
        #expect(one == 4950 && two == "done")
    }
}
