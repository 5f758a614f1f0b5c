import AgentCatalog
import Foundation
import Testing
@testable import WorkflowPlanning

@Suite struct PlanRendererTests {
    let plan: ExecutionPlan

    init() throws {
        plan = try Planner(catalog: Fixtures.sevenCatalog).plan(Fixtures.request(.adaptive, maxConcurrency: 2))
    }

    @Test func tableShowsOrderTimingAndTotals() {
        let lines = PlanRenderer.table(plan).split(separator: "\n").map(String.init)
        #expect(lines[0] == "#  agent         group   start        slack    estimate  critical  source")
        #expect(lines.contains("1  planner           0     0 s          0 s       2 min         *  manifest"))
        #expect(lines.contains("3  image             1   2 min  10 min 30 s       4 min            manifest"))
        #expect(lines.contains("estimated duration: 16 min 30 s"))
        #expect(lines.contains("critical path: planner -> researcher -> writer -> editor -> seo -> social_media = 16 min 30 s"))
        #expect(lines.contains("total work: 20 min 30 s in 7 agents, 6 groups"))
        #expect(lines.contains("  - image has 10 min 30 s of slack"))
    }

    @Test func dotHighlightsTheCriticalPathAndClustersGroups() {
        let dot = PlanRenderer.dot(plan)
        #expect(dot.hasPrefix("digraph plan {"))
        #expect(dot.contains("subgraph cluster_1 {"))
        #expect(dot.contains(#""planner" -> "researcher" [color=red, penwidth=2];"#))
        #expect(dot.contains(#""planner" -> "image";"#))
        #expect(dot.contains(#""image" [label="image\n4 min"];"#))
    }

    @Test func mermaidHighlightsTheCriticalPath() {
        let mermaid = PlanRenderer.mermaid(plan)
        #expect(mermaid.hasPrefix("flowchart LR\n"))
        #expect(mermaid.contains("  subgraph g1 [\"group 1\"]"))
        #expect(mermaid.contains("  n0 --> n1\n"))
        #expect(mermaid.contains("  class n0,n1,n3,n4,n5,n6 critical\n"))
        #expect(mermaid.contains("linkStyle "))
    }

    @Test func dotRendersWithGraphviz() throws {
        guard let dot = ["/usr/bin/dot", "/usr/local/bin/dot"].first(where: FileManager.default.isExecutableFile(atPath:))
        else {
            print("skipped: Graphviz `dot` is not installed (apt-get install -y graphviz to run this check)")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dot)
        process.arguments = ["-Tsvg"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(PlanRenderer.dot(plan).utf8))
        try input.fileHandleForWriting.close()
        let svg = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "dot failed: \(stderr)")
        #expect(svg.contains("<svg"))
        #expect(svg.contains("social_media"))
    }
}
