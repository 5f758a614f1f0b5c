import Foundation

// Shared by the test targets (Foundation only): where the repository and the build products
// are, and fresh temporary folders. A helper goes here once a second test target needs it.

/// The repository root (Tests/TestSupport/ is two levels below it).
public let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// The folder holding the running test binary, the `agenthost` binary and every plugin
/// library SwiftPM built beside it (found through /proc/self/exe); "." when unknown.
public let buildFolder: String = {
    guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
        return "."
    }
    return (executable as NSString).deletingLastPathComponent
}()

/// A fresh empty folder (mode 0755, symbolic links resolved) under the system temp folder,
/// named after the test target that asks (`agentcatalogtests-<uuid>`); the caller removes it.
public func makeTemporaryFolder(_ caller: String = #fileID) throws -> String {
    let target = caller.prefix { $0 != "/" }.lowercased()
    let path = NSTemporaryDirectory() + target + "-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
}
