import AgentCatalog
import Foundation
import Testing

/// `agenthost events`, `logs` and `output` reading a recorded run through the real binary.
@Suite struct InspectCommandTests {
    @Test func eventsPrintsTheStoredEventsFromAnySequence() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        #expect(try fixture.run(id: "wf-events").status == 0)

        let all = try fixture.agenthost(["events", "wf-events", "--json"])
        #expect(all.status == 0, "\(all.stderr)")
        let events = try all.stdout.split(separator: "\n").map { try parseJSON(String($0)) }
        #expect(events.map { $0["sequence"]?.integerValue } == (1...Int64(events.count)).map { $0 })
        #expect(events.first?["type"] == "workflow.started")
        #expect(events.last?["type"] == "workflow.completed")

        let tail = try fixture.agenthost(["events", "wf-events", "--from", "\(events.count - 1)"])
        #expect(tail.status == 0)
        let lines = tail.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.contains("workflow.completed") == true)

        let zero = try fixture.agenthost(["events", "wf-events", "--from", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--from must be at least 1"))
        let unknown = try fixture.agenthost(["events", "wf-nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("wf-nope"))
    }

    @Test func eventsFollowARunOfAnotherProcessToItsEnd() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 200)
        defer { fixture.remove() }
        let process = try fixture.startRun(id: "wf-follow")
        defer { killHard(process) }
        #expect(try fixture.waitForEvents("wf-follow", while: process) { !$0.isEmpty })
        let followed = try fixture.agenthost(["events", "wf-follow", "--follow", "--json"])
        #expect(followed.status == 0, "\(followed.stderr)")
        let events = try followed.stdout.split(separator: "\n").map { try parseJSON(String($0)) }
        #expect(events.map { $0["sequence"]?.integerValue } == (1...Int64(events.count)).map { $0 })
        #expect(events.last?["type"] == "workflow.completed")
    }

    @Test func logsShowFailedAttemptsAndOutputPrintsAFieldOrTheWholeOutput() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        // `second` fails its first attempt with a retryable error, then succeeds.
        let path = fixture.folder + "/manifests/second.json"
        var manifest = try parseJSON(String(contentsOfFile: path, encoding: .utf8)).objectValue ?? [:]
        var config = manifest["config"]?.objectValue ?? [:]
        config["retryable_until"] = 1
        manifest["config"] = .object(config)
        try JSONValue.object(manifest).compactText.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try fixture.run(id: "wf-logs").status == 0)

        let logs = try fixture.agenthost(["logs", "wf-logs", "second"])
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(logs.stdout.contains("second #1 error: second busy on attempt 1"), "\(logs.stdout)")
        #expect(logs.stdout.contains("second #2 retry: retrying after attempt 1 failed"), "\(logs.stdout)")
        #expect(!logs.stdout.contains(" first "))
        let typo = try fixture.agenthost(["logs", "wf-logs", "secnd"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean `second`?"), "\(typo.stderr)")

        let whole = try fixture.agenthost(["output", "wf-logs", "after"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let output = try parseJSON(whole.stdout)
        let key = try #require(output.objectValue?.keys.sorted().first)
        let field = try fixture.agenthost(["output", "wf-logs", "after", key, "--json"])
        #expect(field.status == 0)
        #expect(try parseJSON(field.stdout) == output[key])
        let missing = try fixture.agenthost(["output", "wf-logs", "after", "no_such_field"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("has no field `no_such_field`; its fields are"))
    }

    @Test func theReportWritesErrorsOutAndLinksEachAgentsArtifacts() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        let path = fixture.folder + "/manifests/crashy.json"
        var manifest = try parseJSON(String(contentsOfFile: path, encoding: .utf8)).objectValue ?? [:]
        var config = manifest["config"]?.objectValue ?? [:]
        config["fail"] = "always"
        manifest["config"] = .object(config)
        try JSONValue.object(manifest).compactText.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try fixture.run(id: "wf-report").status == 1)
        let failed = try fixture.agenthost(["report", "wf-report", "--html", fixture.folder + "/failed.html"])
        #expect(failed.status == 0, "\(failed.stderr)")
        let page = try String(contentsOfFile: fixture.folder + "/failed.html", encoding: .utf8)
        #expect(page.contains("<div class=\"error\">attempt 1: exec agent failed on request</div>"), "\(page)")

        let demo = try AgentHostProcess.run([
            "run", "Examples/blog-campaign.json", "--id", "wf-demo-report", "--db", fixture.database,
            "--out", fixture.folder + "/runs",
        ])
        #expect(demo.status == 0, "\(demo.stderr)")
        let report = try fixture.agenthost(["report", "wf-demo-report", "--html", fixture.folder + "/demo.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let demoPage = try String(contentsOfFile: fixture.folder + "/demo.html", encoding: .utf8)
        let article = fixture.folder + "/runs/wf-demo-report/article.md"
        #expect(FileManager.default.fileExists(atPath: article))
        #expect(demoPage.contains("<a href=\"file://\(article)\">article.md</a>"), "\(demoPage)")
    }
}
