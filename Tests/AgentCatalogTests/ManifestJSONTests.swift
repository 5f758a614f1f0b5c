import Foundation
import TestSupport
import Testing

@testable import AgentCatalog

/// `Manifest.jsonValue` is the manifest file's vocabulary: the parser reads it back to an equal
/// manifest (the host sends it to its worker processes this way).
@Suite struct ManifestJSONTests {
    @Test(arguments: ["good-full.json", "good-cfunction.json"])
    func aManifestSurvivesTheRoundTrip(_ name: String) throws {
        let manifest = try #require(try parseFixture(name).manifest)
        let again = ManifestParser.parseManifest(manifest.jsonValue.compactBytes, file: name, order: 0)
        #expect(again.problems.isEmpty, "\(again.problems.map(\.message))")
        #expect(again.manifest == manifest)
    }

    @Test func theShippedCbrtManifestSurvivesTheRoundTrip() throws {
        let file = repositoryRoot + "/AgentManifests/cbrt.json"
        let parsed = ManifestParser.parseManifest(
            Array(try String(contentsOfFile: file, encoding: .utf8).utf8), file: file, order: 3)
        let manifest = try #require(parsed.manifest)
        #expect(manifest.kind == .cFunction)
        let again = ManifestParser.parseManifest(manifest.jsonValue.compactBytes, file: file, order: 3)
        #expect(again.manifest == manifest, "\(again.problems.map(\.message))")
    }
}
