import Foundation
import TestSupport

/// Runs the built `agenthost` binary the way a user would, and captures what it printed.
struct AgentHostProcess {
    /// What one run printed and how it ended.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A database for runs that name none, so tests never write into the repository's
    /// `.agenthost/`; one per test process.
    static let scratchDatabase: String = {
        let folder = NSTemporaryDirectory() + "agenthost-e2e-db-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/state.sqlite"
    }()

    /// Runs `agenthost arguments...` in `directory` with extra environment, feeding `input` on stdin;
    /// with `user`, as that uid (and gid) through setpriv, for tests of what another user may do.
    static func run(
        _ arguments: [String], in directory: String = repositoryRoot, environment: [String: String] = [:],
        input: String? = nil, user: uid_t? = nil
    ) throws -> Result {
        let process = makeProcess(arguments, in: directory, database: scratchDatabase, user: user)
        for (key, value) in environment { process.environment?[key] = value }
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = Locked(Data())
        let done = DispatchSemaphore(value: 0)
        Thread {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errData.mutate { $0 = data }
            done.signal()
        }.start()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// Starts `agenthost arguments...` in `directory` in the background, without the AGENTHOST_*
    /// variables of the test's own environment; its stdout goes to the file `standardOutput`
    /// and its stderr to the file `standardError` when given, else they are discarded.
    static func start(
        _ arguments: [String], in directory: String, standardOutput: String? = nil, standardError: String? = nil
    ) throws -> Process {
        let process = makeProcess(arguments, in: directory, database: nil)
        if let standardOutput {
            FileManager.default.createFile(atPath: standardOutput, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: standardOutput)
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        if let standardError {
            FileManager.default.createFile(atPath: standardError, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: standardError)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// `agenthost arguments...` in `directory`, not started, with AGENTHOST_DB set to `database`
    /// and no other AGENTHOST_* variable from the test's environment.
    /// `agenthost arguments...` in `directory`, as `user` (a uid, through setpriv) when given.
    private static func makeProcess(
        _ arguments: [String], in directory: String, database: String?, user: UInt32? = nil
    ) -> Process {
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", "--", buildFolder + "/agenthost"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: buildFolder + "/agenthost")
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["AGENTHOST_MANIFEST_PATH"] = nil
        environment["AGENTHOST_PLUGIN_PATH"] = nil
        environment["AGENTHOST_CLUSTER"] = nil
        environment["AGENTHOST_DB"] = database
        process.environment = environment
        return process
    }
}
