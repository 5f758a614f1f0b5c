import Foundation

@testable import AgentCatalog

/// The folder holding the fixture files, found from this source file's path.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

/// The bytes of fixture `name` (a path under Fixtures/).
func fixture(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: "\(fixturesFolder)/\(name)")))
}

/// Parses fixture `name` as a manifest.
func parseFixture(_ name: String) throws -> (manifest: Manifest?, problems: [ManifestProblem]) {
    ManifestParser.parseManifest(try fixture(name), file: name, order: 0)
}

/// Copies fixture files (paths under Fixtures/) into `folder`, each with mode 0644.
func copyFixtures(_ names: [String], to folder: String, as targets: [String]? = nil) throws {
    for (index, name) in names.enumerated() {
        let target = "\(folder)/\(targets?[index] ?? URL(fileURLWithPath: name).lastPathComponent)"
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: target).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try Data(try fixture(name)).write(to: URL(fileURLWithPath: target))
        try setMode(0o644, target)
    }
}

func setMode(_ mode: Int, _ path: String) throws {
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
}

extension [ManifestProblem] {
    /// The problems about `field`.
    func about(_ field: String) -> [ManifestProblem] { filter { $0.field == field } }
}
