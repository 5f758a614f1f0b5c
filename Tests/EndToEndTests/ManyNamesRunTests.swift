import Foundation
import TestSupport
import Testing

/// `agenthost run` of many generated manifests served by one library whose descriptor is named
/// "*" (libTestExecAgent.so's `exec_entry_any`), and the event lines the CLI prints for them.
@Suite struct ManyNamesRunTests {
    /// A folder with a chain of `count` agents a0 -> a1 -> ... and a request naming the last.
    private func chain(_ count: Int) throws -> (folder: String, request: String) {
        let folder = try makeTemporaryFolder()
        let manifests = folder + "/manifests"
        try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
        for index in 0..<count {
            let dependencies = index == 0 ? "[]" : "[\"a\(index - 1)\"]"
            let text =
                "{\"manifest_version\":1,\"name\":\"a\(index)\",\"version\":\"1.0.0\",\"capabilities\":[],"
                + "\"dependencies\":\(dependencies),\"library\":\"libTestExecAgent.so\",\"entry\":\"exec_entry_any\","
                + "\"estimate_seconds\":0.001,\"config\":{\"echo_inputs\":true}}"
            try Data(text.utf8).write(to: URL(fileURLWithPath: manifests + "/a\(index).json"))
        }
        let request = folder + "/request.json"
        try Data("{\"campaign\":{},\"goal\":{\"agents\":[\"a\(count - 1)\"]},\"strategy\":\"adaptive\"}".utf8)
            .write(to: URL(fileURLWithPath: request))
        return (folder, request)
    }

    @Test func oneLibraryServesEveryGeneratedName() throws {
        let (folder, request) = try chain(30)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try AgentHostProcess.run([
            "run", request, "--manifests", folder + "/manifests", "--out", folder + "/runs", "--no-store", "--json",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let events = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let sequences = events.compactMap { $0["sequence"] as? Int }
        #expect(sequences == Array(sequences.sorted()) && Set(sequences).count == sequences.count, "in order, once each")
        #expect(events.last?["type"] as? String == "workflow.completed")
        let completed = events.filter { $0["type"] as? String == "agent.completed" }.compactMap { $0["agent"] as? String }
        #expect(completed == (0..<30).map { "a\($0)" })
    }

    @Test func plainLinesComeInEventOrderBeforeTheSummary() throws {
        let (folder, request) = try chain(20)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try AgentHostProcess.run([
            "run", request, "--manifests", folder + "/manifests", "--out", folder + "/runs", "--no-store",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let summaryHeader = try #require(lines.firstIndex { $0.hasPrefix("AGENT") }, "\(result.stdout)")
        let eventLines = lines[..<summaryHeader].filter { !$0.isEmpty }
        #expect(eventLines.last?.contains(" workflow.completed") == true, "\(eventLines.suffix(3))")
        let stamp = /^\d\d:\d\d:\d\d\.\d\d\d [a-z]+\.[a-z_]+/
        for line in eventLines { #expect(line.contains(stamp), "\(line)") }
        for index in 1..<20 {
            let done = eventLines.firstIndex { $0.contains("agent.completed a\(index - 1) #1") }
            let started = eventLines.firstIndex { $0.contains("agent.started a\(index) #1") }
            #expect(done != nil && started != nil && done! < started!, "a\(index - 1) completes before a\(index) starts")
        }
    }
}
