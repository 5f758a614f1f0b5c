import AgentCatalog
import OrderedCollections

// Field names are a stable contract, documented in docs/PLANS.md.

extension ExecutionPlan {
    /// The plan as JSON with stable snake_case field names (docs/PLANS.md).
    public var json: JSONValue {
        var members = JSONObject()
        members["plan_version"] = .integer(Int64(Self.formatVersion))
        members["strategy"] = .string(strategy.rawValue)
        members["max_concurrency"] = .integer(Int64(maxConcurrency))
        members["resources"] = PlanJSON.counts(resources)
        members["estimated_seconds"] = .number(estimatedSeconds)
        members["critical_path_seconds"] = .number(criticalPathSeconds)
        members["total_work_seconds"] = .number(totalWorkSeconds)
        members["peak_concurrency"] = .integer(Int64(peakConcurrency))
        members["order"] = PlanJSON.strings(order)
        members["groups"] = .array(groups.map(PlanJSON.strings))
        members["critical_path"] = PlanJSON.strings(criticalPath)
        members["agents"] = .array(agents.map(\.json))
        members["bottlenecks"] = .array(bottlenecks.map {
            ["agent": .string($0.agent), "seconds": .number($0.seconds), "share": .number($0.share)]
        })
        members["recommendations"] = PlanJSON.strings(recommendations)
        members["alternatives"] = .object(JSONObject(
            uniqueKeysWithValues: alternatives.sorted { $0.key < $1.key }.map { ($0.key, PlanJSON.strings($0.value)) }))
        members["dropped"] = .array(dropped.map { ["agent": .string($0.agent), "reason": .string($0.reason)] })
        members["request"] = request.json
        return .object(members)
    }

    /// Reads a plan written by `json`, e.g. one stored for `resume`.
    /// - Throws: `PlanningError` with code `badPlan` naming the field, or the request's errors.
    public init(json: JSONValue) throws(PlanningError) {
        let reader = try PlanJSON(json, at: "plan")
        let version = try reader.int("plan_version")
        guard version == Self.formatVersion else {
            throw .badPlan("plan.plan_version", "is \(version); expected \(Self.formatVersion)")
        }
        let strategyName = try reader.string("strategy")
        guard let strategy = Strategy(rawValue: strategyName) else {
            throw .badPlan("plan.strategy", "is \(strategyName); expected sequential, parallel or adaptive")
        }
        var alternatives: [String: [String]] = [:]
        for (name, _) in try reader.child("alternatives").members {
            alternatives[name] = try reader.child("alternatives").strings(name)
        }
        self.init(
            strategy: strategy,
            agents: try reader.children("agents").map { child throws(PlanningError) in try PlannedAgent(child) },
            order: try reader.strings("order"),
            groups: try reader.array("groups").indices.map { index throws(PlanningError) in
                try PlanJSON.stringList(reader.array("groups")[index], at: "plan.groups[\(index)]")
            },
            criticalPath: try reader.strings("critical_path"),
            estimatedSeconds: try reader.double("estimated_seconds"),
            criticalPathSeconds: try reader.double("critical_path_seconds"),
            totalWorkSeconds: try reader.double("total_work_seconds"),
            peakConcurrency: try reader.int("peak_concurrency"),
            bottlenecks: try reader.children("bottlenecks").map { child throws(PlanningError) in
                Bottleneck(agent: try child.string("agent"), seconds: try child.double("seconds"), share: try child.double("share"))
            },
            recommendations: try reader.strings("recommendations"),
            maxConcurrency: try reader.int("max_concurrency"),
            resources: try reader.counts("resources"),
            request: try WorkflowRequest(json: try reader.value("request")),
            alternatives: alternatives,
            dropped: try reader.children("dropped").map { child throws(PlanningError) in
                DroppedAgent(agent: try child.string("agent"), reason: try child.string("reason"))
            })
    }
}

extension PlannedAgent {
    /// The agent as a member of the plan's `agents` array.
    var json: JSONValue {
        var estimateJSON: JSONObject = ["seconds": .number(estimate.seconds)]
        switch estimate.source {
        case .manifest: estimateJSON["source"] = "manifest"
        case .learned(let samples):
            estimateJSON["source"] = "learned"
            estimateJSON["samples"] = .integer(Int64(samples))
            if let version = estimate.learnedFromVersion { estimateJSON["learned_from_version"] = .string(version) }
        }
        return [
            "name": .string(name),
            "dependencies": .array(dependencies.map { ["agent": .string($0.agent), "type": .string($0.type.rawValue)] }),
            "group": .integer(Int64(group)),
            "start": .number(start),
            "earliest_start": .number(earliestStart),
            "slack": .number(slack),
            "estimate": .object(estimateJSON),
            "critical": .bool(isCritical),
            "resources": PlanJSON.counts(resources),
            "parallel_safe": .bool(parallelSafe),
            "priority": .number(priority),
            "completed": .bool(isCompleted),
        ]
    }

    init(_ reader: PlanJSON) throws(PlanningError) {
        let estimate = try reader.child("estimate")
        let source: Estimate.Source
        switch try estimate.string("source") {
        case "manifest": source = .manifest
        case "learned": source = .learned(samples: try estimate.int("samples"))
        case let other: throw .badPlan("\(estimate.path).source", "is \(other); expected manifest or learned")
        }
        self.init(
            name: try reader.string("name"),
            dependencies: try reader.children("dependencies").map { child throws(PlanningError) in
                let typeName = try child.string("type")
                guard let type = DependencyType(rawValue: typeName) else {
                    throw .badPlan("\(child.path).type", "is \(typeName); expected hard, soft or optional")
                }
                return PlannedDependency(agent: try child.string("agent"), type: type)
            },
            group: try reader.int("group"), start: try reader.double("start"),
            earliestStart: try reader.double("earliest_start"), slack: try reader.double("slack"),
            estimate: Estimate(
                seconds: try estimate.double("seconds"), source: source,
                learnedFromVersion: estimate.members["learned_from_version"]?.stringValue),
            isCritical: try reader.bool("critical"), resources: try reader.counts("resources"),
            parallelSafe: try reader.bool("parallel_safe"), priority: try reader.double("priority"),
            isCompleted: try reader.bool("completed"))
    }
}

/// Typed reading of a stored plan, with errors naming the path (`plan.agents[2].slack`).
struct PlanJSON {
    let members: JSONObject
    let path: String

    init(_ value: JSONValue, at path: String) throws(PlanningError) {
        guard let members = value.objectValue else { throw .badPlan(path, "must be an object") }
        self.members = members
        self.path = path
    }

    func value(_ key: String) throws(PlanningError) -> JSONValue {
        guard let value = members[key] else { throw .badPlan("\(path).\(key)", "is missing") }
        return value
    }

    func string(_ key: String) throws(PlanningError) -> String {
        guard let string = try value(key).stringValue else { throw .badPlan("\(path).\(key)", "must be a string") }
        return string
    }

    func double(_ key: String) throws(PlanningError) -> Double {
        guard let number = try value(key).doubleValue else { throw .badPlan("\(path).\(key)", "must be a number") }
        return number
    }

    func int(_ key: String) throws(PlanningError) -> Int {
        guard let integer = try value(key).integerValue, let exact = Int(exactly: integer) else {
            throw .badPlan("\(path).\(key)", "must be an integer")
        }
        return exact
    }

    func bool(_ key: String) throws(PlanningError) -> Bool {
        guard let flag = try value(key).boolValue else { throw .badPlan("\(path).\(key)", "must be a boolean") }
        return flag
    }

    func array(_ key: String) throws(PlanningError) -> [JSONValue] {
        guard let elements = try value(key).arrayValue else { throw .badPlan("\(path).\(key)", "must be an array") }
        return elements
    }

    func strings(_ key: String) throws(PlanningError) -> [String] {
        try Self.stringList(try value(key), at: "\(path).\(key)")
    }

    func child(_ key: String) throws(PlanningError) -> PlanJSON { try PlanJSON(try value(key), at: "\(path).\(key)") }

    func children(_ key: String) throws(PlanningError) -> [PlanJSON] {
        let elements = try array(key)
        var result: [PlanJSON] = []
        for (index, element) in elements.enumerated() { result.append(try PlanJSON(element, at: "\(path).\(key)[\(index)]")) }
        return result
    }

    func counts(_ key: String) throws(PlanningError) -> [String: Int] {
        var result: [String: Int] = [:]
        let object = try child(key)
        for name in object.members.keys { result[name] = try object.int(name) }
        return result
    }

    static func stringList(_ value: JSONValue, at path: String) throws(PlanningError) -> [String] {
        guard let elements = value.arrayValue else { throw .badPlan(path, "must be an array of strings") }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard let string = element.stringValue else { throw .badPlan("\(path)[\(index)]", "must be a string") }
            result.append(string)
        }
        return result
    }

    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    static func counts(_ values: [String: Int]) -> JSONValue {
        .object(JSONObject(uniqueKeysWithValues: values.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }))
    }
}
