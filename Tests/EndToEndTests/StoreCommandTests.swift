import AgentCatalog
import Foundation
import Testing
import WorkflowStore

/// `run` recording into the store, and `status`, `history`, `analytics`, `report`, `cancel`,
/// `resume` and `plan` reading it, through the real binary; each test has its own --db.
@Suite struct StoreCommandTests {
    @Test func runRecordsTheWorkflowAndStatusShowsIt() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 10)
        defer { fixture.remove() }
        let run = try fixture.agenthost([
            "run", fixture.request, "--id", "wf-one", "--json", "--out", fixture.folder + "/runs",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let events = try run.stdout.split(separator: "\n").map { try parseJSON(String($0)) }
        #expect(events.last?["type"] == "workflow.completed")

        let result = try fixture.agenthost(["status", "wf-one", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let status = try parseJSON(result.stdout)
        #expect(status["workflow_id"] == "wf-one")
        #expect(status["state"] == "completed")
        #expect(status["progress_percentage"]?.doubleValue == 100)
        #expect(status["counts"]?["total"]?.integerValue == 6)
        #expect(status["counts"]?["completed"]?.integerValue == 6)
        let completed = Set(status["agents_status"]?["completed"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(completed == Set(StoreFixture.agents))
        #expect(status["execution_info"]?["strategy"] == "adaptive")
        #expect(status["execution_info"]?["last_sequence"]?.integerValue == Int64(events.count))
        for agent in StoreFixture.agents {
            let starts = events.filter { $0["type"] == "agent.started" && $0["agent"]?.stringValue == agent }.count
            #expect(status["agents"]?[agent]?["attempts"]?.integerValue == Int64(starts), "\(agent)")
        }

        let table = try fixture.agenthost(["status"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("wf-one"))
        #expect(table.stdout.contains("completed"))
        #expect(table.stdout.contains("6/6 done"))
        #expect(table.stdout.contains("Store test"))
    }

    @Test func theSummaryEndsWithTheIdTheStatusCommandAndTheArtifactsFolder() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        let run = try fixture.run(id: "wf-summary")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").suffix(3).map(String.init)
        #expect(
            lines == [
                "workflow id: wf-summary", "details: agenthost status wf-summary --db \(fixture.database)",
                "artifacts: \(fixture.folder)/runs/wf-summary",
            ])
    }

    @Test func historyListsRunsNewestFirstAndAnalyticsComparesEstimates() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 5)
        defer { fixture.remove() }
        #expect(try fixture.run(id: "wf-older").status == 0)
        #expect(try fixture.run(id: "wf-newer").status == 0)

        let history = try parseJSON(try fixture.agenthost(["history", "--json"]).stdout)
        let rows = history["workflows"]?.arrayValue ?? []
        #expect(rows.compactMap { $0["id"]?.stringValue } == ["wf-newer", "wf-older"])
        #expect(rows.allSatisfy { $0["state"] == "completed" && ($0["duration_seconds"]?.doubleValue ?? 0) > 0 })
        let limited = try parseJSON(try fixture.agenthost(["history", "--json", "--limit", "1"]).stdout)
        #expect(limited["workflows"]?.arrayValue?.count == 1)
        let table = try fixture.agenthost(["history"])
        #expect(table.stdout.contains("OUTCOME"))
        #expect(table.stdout.contains("wf-older"))

        let result = try fixture.agenthost(["analytics", "wf-newer", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let analytics = try parseJSON(result.stdout)
        let agents = analytics["agents"]?.arrayValue ?? []
        #expect(Set(agents.compactMap { $0["agent"]?.stringValue }) == Set(StoreFixture.agents))
        #expect(
            agents.allSatisfy {
                $0["estimated_seconds"]?.doubleValue != nil && $0["actual_seconds"]?.doubleValue != nil
            })
        #expect((analytics["actual_seconds"]?.doubleValue ?? 0) > 0)
        #expect(analytics["estimated_seconds"]?.doubleValue != nil)
        let path = analytics["critical_path"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(path.first == "first" && path.last == "crashy" && path.contains("after"))
        #expect(analytics["recommendations"]?.arrayValue != nil)
        let text = try fixture.agenthost(["analytics", "wf-newer"])
        #expect(text.stdout.contains("critical path: first -> "))
    }

    @Test func reportWritesOneSelfContainedHTMLFile() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        #expect(try fixture.run(id: "wf-report").status == 0)
        let file = fixture.folder + "/report.html"
        let result = try fixture.agenthost(["report", "wf-report", "--html", file])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") || html.lowercased().hasPrefix("<!doctype html>"))
        #expect(html.contains("wf-report") || html.contains("Store test"))
        #expect(html.contains("<svg"))
        for agent in StoreFixture.agents { #expect(html.contains(agent)) }
        // Nothing fetched from the network: no src/href/url()/@import pointing at http(s).
        let pattern = #"(src|href)\s*=\s*["']?\s*https?:|url\(\s*["']?https?:|@import"#
        #expect(html.range(of: pattern, options: [.regularExpression, .caseInsensitive]) == nil)
    }

    @Test func unknownIdsAndBadStoresAreInputErrors() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        #expect(try fixture.run(id: "wf-known").status == 0)
        for command in [
            ["status", "wf-nope"], ["analytics", "wf-nope"], ["cancel", "wf-nope"], ["resume", "wf-nope"],
            ["report", "wf-nope", "--html", fixture.folder + "/x.html"],
        ] {
            let result = try fixture.agenthost(command)
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr.contains("no workflow with id wf-nope"), "\(command): \(result.stderr)")
        }
        let resume = try fixture.agenthost(["resume", "wf-known"])
        #expect(resume.status == 2)
        #expect(resume.stderr.contains("wf-known is completed"))

        let garbage = fixture.folder + "/not-a-db.sqlite"
        try String(repeating: "not sqlite at all\n", count: 300).write(
            toFile: garbage, atomically: true, encoding: .utf8)
        for command in [["status"], ["history"], ["run", fixture.request]] {
            let result = try AgentHostProcess.run(
                command + ["--db", garbage]
                    + (command[0] == "run" ? ["--manifests", fixture.folder + "/manifests"] : []),
                in: fixture.folder)
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr.contains("not-a-db.sqlite is not an SQLite database"), "\(command): \(result.stderr)")
        }
        let missing = try AgentHostProcess.run(
            ["status", "--db", fixture.folder + "/absent.sqlite"], in: fixture.folder)
        // No store yet is a result, not an error (EdgeCommandTests has the rest).
        #expect(missing.status == 0)
        #expect(missing.stdout.contains("no runs yet: there is no store at"))
        #expect(!FileManager.default.fileExists(atPath: fixture.folder + "/absent.sqlite"))
    }

    @Test func runWithoutAStoreLeavesNoDatabase() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        let result = try fixture.run(id: "wf-memory", extra: ["--no-store"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("details: not recorded (--no-store)"))
        #expect(!FileManager.default.fileExists(atPath: fixture.database))
    }

    @Test func learnedEstimatesChangeThePlan() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 20)
        defer { fixture.remove() }
        let before = try parseJSON(try fixture.agenthost(["plan", fixture.request, "--format", "json"]).stdout)
        #expect(!FileManager.default.fileExists(atPath: fixture.database), "plan must not create the store")
        #expect(before["estimated_seconds"]?.doubleValue == 25)  // five 5 s agents on the critical path
        #expect(before["agents"]?.arrayValue?.first?["estimate"]?["source"] == "manifest")

        #expect(try fixture.run(id: "wf-learn-1").status == 0)
        #expect(try fixture.run(id: "wf-learn-2").status == 0)
        let after = try parseJSON(try fixture.agenthost(["plan", fixture.request, "--format", "json"]).stdout)
        let estimate = after["estimated_seconds"]?.doubleValue ?? 25
        #expect(estimate < 25 && estimate > 0)
        #expect(after["agents"]?.arrayValue?.first?["estimate"]?["source"] == "learned")
        #expect(after["agents"]?.arrayValue?.first?["estimate"]?["samples"]?.integerValue == 2)
        let table = try fixture.agenthost(["plan", fixture.request])
        #expect(table.stdout.contains("learned, 2 runs"))
        let ignoring = try fixture.agenthost(["plan", fixture.request, "--no-store"])
        #expect(ignoring.stdout.contains("manifest"))
        #expect(ignoring.stdout.contains("estimated duration: 25 s"))
    }

    @Test func cancelFromAnotherProcessStopsARunningWorkflow() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 400)
        defer { fixture.remove() }
        let host = try fixture.startRun(id: "wf-cancel")
        let started = try fixture.waitForEvents("wf-cancel", while: host) { events in
            events.contains { $0.type == .agentStarted }
        }
        #expect(started)
        // Another process reads the running workflow while its host writes.
        let live = try parseJSON(try fixture.agenthost(["status", "wf-cancel", "--json"]).stdout)
        #expect(live["state"] == "running")
        #expect(live["agents_status"]?["running"]?.arrayValue?.isEmpty == false)
        let result = try fixture.agenthost(["cancel", "wf-cancel"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cancel requested"))
        host.waitUntilExit()
        #expect(host.terminationStatus == 1)
        let status = try parseJSON(try fixture.agenthost(["status", "wf-cancel", "--json"]).stdout)
        #expect(status["state"] == "cancelled")
        #expect((status["counts"]?["completed"]?.integerValue ?? 6) < 6)
        #expect(fixture.invocations().count < 6)
        #expect(try fixture.agenthost(["cancel", "wf-cancel"]).status == 2)
    }

    @Test func cancelOfAnInterruptedWorkflowEndsItAndResumeThenRefuses() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 400)
        defer { fixture.remove() }
        let host = try fixture.startRun(id: "wf-orphan")
        #expect(try fixture.waitForEvents("wf-orphan", while: host) { $0.contains { $0.type == .agentStarted } })
        killHard(host)
        let interrupted = try parseJSON(try fixture.agenthost(["status", "wf-orphan", "--json"]).stdout)
        #expect(interrupted["state"] == "interrupted")
        let cancel = try fixture.agenthost(["cancel", "wf-orphan"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout.contains("no host was running it"))
        let status = try parseJSON(try fixture.agenthost(["status", "wf-orphan", "--json"]).stdout)
        #expect(status["state"] == "cancelled")
        let resume = try fixture.agenthost(["resume", "wf-orphan"])
        #expect(resume.status == 2)
        #expect(resume.stderr.contains("wf-orphan is cancelled"))
    }
}
