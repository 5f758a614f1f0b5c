// planner-bench: how long planning takes on generated layered random DAGs, and how much memory.
//
//   swift run -c release planner-bench            # 1k, 10k, 100k, 1M agents
//   swift run -c release planner-bench 100000     # chosen sizes only
//
// Two paths are measured. "graph" feeds WorkflowPlanning.DependencyGraph straight from
// generated arrays (no manifests, no names): build (CSR + reverse adjacency + index checks),
// analyze (cycle check, levels, earliest start, remaining path, critical path, every slack),
// then each strategy's schedule. "catalog" builds Manifest values first (not timed), then
// times Catalog indexing (column "build") and Planner.plan with the adaptive strategy
// (column "adaptive"): requirement analysis, graph, analysis, schedule, recommendations
// (which simulate once more) and the ExecutionPlan with names and alternatives. The
// catalog rows run after every graph row, so their peak RSS includes the manifests.
import AgentCatalog
import Glibc
import WorkflowPlanning

@main
enum PlannerBench {
    static let dependenciesPerAgent = 4
    static let maxConcurrency = 8

    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let sizes = arguments.isEmpty ? [1_000, 10_000, 100_000, 1_000_000] : arguments
        print("planner-bench: layered random DAGs, ~\(dependenciesPerAgent) dependencies per agent, seed 42, max_concurrency \(maxConcurrency)")
        print("times in ms (median of runs; total also min / median / max); peak RSS is the process's ru_maxrss so far\n")
        print(row(["path", "agents", "deps", "build", "analyze", "sequential", "parallel", "adaptive", "total", "peak RSS MB", "total min / med / max"]))
        for size in sizes {
            let graph = generate(agents: size, seed: 42)
            let runs = size >= 1_000_000 ? 3 : 5
            var samples: [[Double]] = []
            for _ in 0..<runs { samples.append(try measureGraph(graph)) }
            let medians = (0..<samples[0].count).map { column in median(samples.map { $0[column] }) }
            print(row(["graph", "\(size)", "\(graph.dependencies.count)"] + medians.map(ms) + ["\(peakMegabytes())", spread(samples.map { $0[5] })]))
        }
        for size in sizes {
            let manifests = manifests(for: generate(agents: size, seed: 42))
            var samples: [(index: Double, plan: Double)] = []
            for _ in 0..<(size >= 100_000 ? 3 : 5) { samples.append(try measureCatalog(manifests)) }
            let index = median(samples.map(\.index)), plan = median(samples.map(\.plan))
            let edges = manifests.reduce(0) { $0 + $1.dependencies.count }
            print(row(["catalog", "\(size)", "\(edges)", ms(index), "", "", "", ms(plan), ms(median(samples.map { $0.index + $0.plan })), "\(peakMegabytes())", spread(samples.map { $0.index + $0.plan })]))
            print("        Planner.plan alone: \(spread(samples.map(\.plan))) ms; catalog indexing: \(spread(samples.map(\.index))) ms")
        }
        print("\nreproduce: swift run -c release planner-bench")
    }

    // MARK: - Generation

    /// Raw arrays for one generated graph.
    struct Generated {
        var durations: [Double]
        var offsets: [Int32]
        var dependencies: [Int32]
    }

    /// Layers of ~sqrt(n) agents; each agent outside the first layer depends on up to four
    /// distinct agents of the previous three layers. Labels are shuffled, so index order is
    /// not a topological order.
    static func generate(agents count: Int, seed: UInt64) -> Generated {
        var random = SplitMix64(seed: seed)
        let width = max(1, Int(Double(count).squareRoot()))
        var label = Array(0..<Int32(count))
        label.shuffle(using: &random)
        var lists = [[Int32]](repeating: [], count: count)
        var durations = [Double](repeating: 0, count: count)
        for rank in 0..<count {
            let layer = rank / width
            durations[Int(label[rank])] = Double(Int.random(in: 1...600, using: &random))
            guard layer > 0 else { continue }
            let low = max(0, layer - 3) * width, high = layer * width
            var chosen: [Int32] = []
            for _ in 0..<dependenciesPerAgent {
                let dependency = label[Int.random(in: low..<high, using: &random)]
                if !chosen.contains(dependency) { chosen.append(dependency) }
            }
            lists[Int(label[rank])] = chosen
        }
        var offsets: [Int32] = [0]
        var flat: [Int32] = []
        offsets.reserveCapacity(count + 1)
        flat.reserveCapacity(count * dependenciesPerAgent)
        for list in lists {
            flat += list
            offsets.append(Int32(flat.count))
        }
        return Generated(durations: durations, offsets: offsets, dependencies: flat)
    }

    static func manifests(for graph: Generated) -> [Manifest] {
        (0..<graph.durations.count).map { index in
            let dependencies = graph.dependencies[Int(graph.offsets[index])..<Int(graph.offsets[index + 1])]
            return Manifest(
                name: "a\(index)", capabilities: ["c\(index)"], dependencies: dependencies.map { .agent("a\($0)") },
                estimateSeconds: graph.durations[index], source: ManifestSource(file: "bench", order: index))
        }
    }

    // MARK: - Measurement

    /// Seconds for build, analyze, sequential, parallel, adaptive, total.
    static func measureGraph(_ generated: Generated) throws -> [Double] {
        let clock = ContinuousClock()
        var times: [Double] = []
        let t0 = clock.now
        let graph = try DependencyGraph(
            durations: generated.durations, dependencyOffsets: generated.offsets, dependencies: generated.dependencies)
        let t1 = clock.now
        let analysis = try graph.analyze()
        var critical = 0
        for index in 0..<graph.count where analysis.isCritical(index) { critical += 1 }
        let t2 = clock.now
        let sequential = try graph.schedule(.sequential, analysis: analysis)
        let t3 = clock.now
        let parallel = try graph.schedule(.parallel, analysis: analysis)
        let groups = parallel.groups()
        let t4 = clock.now
        let adaptive = try graph.schedule(.adaptive, analysis: analysis, maxConcurrency: maxConcurrency)
        let t5 = clock.now
        precondition(critical >= analysis.criticalPath.count && sequential.order.count == graph.count)
        precondition(groups.count == analysis.levelCount && adaptive.estimatedSeconds >= analysis.criticalPathSeconds)
        for (start, end) in [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t0, t5)] {
            times.append(seconds(end - start))
        }
        return times
    }

    /// Seconds for Catalog indexing, and for Planner.plan (adaptive) over every agent.
    static func measureCatalog(_ manifests: [Manifest]) throws -> (index: Double, plan: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let catalog = Catalog(agents: manifests)
        let indexed = clock.now
        let plan = try Planner(catalog: catalog).plan(
            WorkflowRequest(goal: .agents(manifests.map(\.name)), strategy: .adaptive, maxConcurrency: maxConcurrency))
        let end = clock.now
        precondition(plan.agents.count == manifests.count)
        return (seconds(indexed - start), seconds(end - indexed))
    }

    // MARK: - Helpers

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func ms(_ value: Double) -> String {
        let milliseconds = value * 1000
        return milliseconds < 10 ? String(Double(Int(milliseconds * 100)) / 100) : String(Int(milliseconds.rounded()))
    }

    static func peakMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    /// "min / median / max" in ms.
    static func spread(_ values: [Double]) -> String {
        let sorted = values.sorted()
        return "\(ms(sorted[0])) / \(ms(sorted[sorted.count / 2])) / \(ms(sorted[sorted.count - 1]))"
    }

    static func row(_ cells: [String]) -> String {
        let widths = [7, 9, 9, 8, 8, 11, 9, 9, 8, 12, 24]
        return cells.enumerated().map { index, cell in
            String(repeating: " ", count: max(0, widths[index] - cell.count)) + cell
        }.joined(separator: " ")
    }
}

