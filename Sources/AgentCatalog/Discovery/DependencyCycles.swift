// Implementation notes: an iterative depth-first search over the resolved dependencies of
// every agent (each dependency type orders the agents it joins, so each can close a cycle).
// A back edge to an agent on the current path closes a cycle; each cycle is reported once,
// rotated to start at its alphabetically first agent, so the output does not depend on the
// order the search happened to take.

extension ManifestDiscovery {
    /// A problem for every dependency cycle among the catalog's agents, naming the whole cycle
    /// (`writer -> editor -> writer`) on the manifest of its first agent. `agents validate`
    /// reports these; the planner refuses any plan that contains one.
    public static func cycleProblems(in catalog: Catalog) -> [ManifestProblem] {
        let agents = catalog.agents
        let edges: [[Int]] = agents.map { manifest in
            catalog.resolvedDependencies(of: manifest).compactMap { $0.agent.flatMap(catalog.index(of:)) }
        }
        enum Mark { case unvisited, onPath, done }
        var marks = [Mark](repeating: .unvisited, count: agents.count)
        var cycles: [[Int]] = []
        var seen = Set<[Int]>()
        for start in agents.indices where marks[start] == .unvisited {
            var path: [Int] = [start]
            var next: [Int] = [0]
            marks[start] = .onPath
            while let node = path.last {
                let position = next[next.count - 1]
                guard position < edges[node].count else {
                    marks[node] = .done
                    path.removeLast()
                    next.removeLast()
                    continue
                }
                next[next.count - 1] += 1
                let target = edges[node][position]
                switch marks[target] {
                case .unvisited:
                    marks[target] = .onPath
                    path.append(target)
                    next.append(0)
                case .onPath:
                    let cycle = Array(path[path.lastIndex(of: target)!...])
                    let first = cycle.indices.min { agents[cycle[$0]].name < agents[cycle[$1]].name }!
                    let rotated = Array(cycle[first...] + cycle[..<first])
                    if seen.insert(rotated).inserted { cycles.append(rotated) }
                case .done:
                    break
                }
            }
        }
        return cycles.map { cycle in
            // Edges point from an agent to what it needs: a -> b means a depends on b.
            let names = (cycle + [cycle[0]]).map { agents[$0].name }
            let head = agents[cycle[0]]
            return ManifestProblem(
                file: head.source.file, field: "dependencies",
                message: "dependency cycle: \(names.joined(separator: " -> ")); no plan can contain all of these "
                    + "agents (remove one of these dependencies)")
        }
    }
}
