import AgentCatalog
import AgentRuntime
import Foundation
import Logging
import WorkflowPlanning

@testable import WorkflowExecution

/// What a fake agent does on one attempt.
enum FakeBehavior: Sendable {
    case succeed(sleepMs: Int)
    case fail(message: String, retryable: Bool)
    /// Sleeps `ms`, then fails for good.
    case failLater(ms: Int, message: String)
    /// Fails retryably on attempts up to `attempts`, then succeeds.
    case failFirst(attempts: Int)
    /// Sleeps until cancelled (checking every ms), then reports cancellation.
    case waitForCancel
    /// Sleeps `ms` ignoring cancellation.
    case hang(ms: Int)
    /// Blocks until the semaphore is signalled, ignoring cancellation, then succeeds.
    case gate(DispatchSemaphore)
}

/// One recorded attempt.
struct FakeRun: Sendable {
    var agent: String
    var attempt: Int
    var start: Double
    var end: Double
    var input: JSONValue
    /// What a plugin is handed: `request.inputBytes`.
    var inputBytes: [UInt8]
}

/// A runner that records what ran, when, and how many ran at once (Ninja's FakeCommandRunner).
final class FakeRunner: AgentRunner, @unchecked Sendable {
    private let lock = NSLock()
    private var behaviors: [String: FakeBehavior]
    private var records: [FakeRun] = []
    private var current = 0
    private var currentResources: [String: Int] = [:]
    private(set) var peakConcurrency = 0
    private(set) var peakResources: [String: Int] = [:]

    init(_ behaviors: [String: FakeBehavior] = [:]) { self.behaviors = behaviors }

    var runs: [FakeRun] {
        lock.lock()
        defer { lock.unlock() }
        return records
    }

    func runs(of agent: String) -> [FakeRun] { runs.filter { $0.agent == agent } }

    func runAttempt(_ request: AttemptRequest) -> AttemptResult {
        let name = request.manifest.name
        lock.lock()
        let behavior = behaviors[name] ?? .succeed(sleepMs: 0)
        current += 1
        peakConcurrency = max(peakConcurrency, current)
        for (resource, units) in request.manifest.resources {
            currentResources[resource, default: 0] += units
            peakResources[resource] = max(peakResources[resource] ?? 0, currentResources[resource]!)
        }
        lock.unlock()
        let start = now()
        let outcome: AgentCallOutcome
        switch behavior {
        case .succeed(let ms):
            if ms > 0 { usleep(UInt32(ms * 1000)) }
            request.context.progress(1, "done")
            outcome = .succeeded(["agent": .string(name), "attempt": .integer(Int64(request.attempt))])
        case .fail(let message, let retryable):
            outcome = .failed(message: message, retryable: retryable)
        case .failLater(let ms, let message):
            usleep(UInt32(ms * 1000))
            outcome = .failed(message: message, retryable: false)
        case .failFirst(let attempts):
            outcome =
                request.attempt <= attempts
                ? .failed(message: "\(name) busy on attempt \(request.attempt)", retryable: true)
                : .succeeded(["agent": .string(name), "attempt": .integer(Int64(request.attempt))])
        case .waitForCancel:
            while !request.context.isCancelled { usleep(1000) }
            outcome = .cancelled(message: nil)
        case .hang(let ms):
            usleep(UInt32(ms * 1000))
            outcome = .succeeded(["late": true])
        case .gate(let semaphore):
            semaphore.wait()
            outcome = .succeeded(["agent": .string(name), "attempt": .integer(Int64(request.attempt))])
        }
        let end = now()
        lock.lock()
        current -= 1
        for (resource, units) in request.manifest.resources { currentResources[resource, default: 0] -= units }
        records.append(
            FakeRun(
                agent: name, attempt: request.attempt, start: start, end: end, input: request.input,
                inputBytes: request.inputBytes))
        lock.unlock()
        return AttemptResult(outcome: outcome)
    }
}

func now() -> Double { Date().timeIntervalSince1970 }

/// A manifest for tests.
func agent(
    _ name: String, _ dependencies: [Dependency] = [], estimate: Double = 1, retries: Int = 0,
    timeout: Double = 600, resources: [String: Int] = [:], capabilities: [String] = [], alternatives: [String] = [],
    recovery: Manifest.RecoveryStrategy? = nil, parallelSafe: Bool = true, isolation: Manifest.Isolation = .inProcess,
    order: Int = 0
) -> Manifest {
    Manifest(
        name: name, library: "libTestExecAgent.so", capabilities: capabilities, dependencies: dependencies,
        outputs: [name + "_output"], estimateSeconds: estimate, parallelSafe: parallelSafe, maxRetries: retries,
        timeoutSeconds: timeout, resources: resources, alternatives: alternatives, isolation: isolation,
        recovery: recovery,
        source: ManifestSource(file: "/tmp/\(name).json", order: order))
}

/// The seven-agent content graph: planner -> researcher, image; writer needs planner and
/// researcher (soft); editor needs writer; seo needs editor; social needs editor and image.
func sevenAgents(writerRecovery: Manifest.RecoveryStrategy? = nil) -> [Manifest] {
    [
        agent("planner", estimate: 1, order: 0),
        agent("researcher", [.agent("planner")], estimate: 3, order: 1),
        agent("image", [.agent("planner")], estimate: 2, order: 2),
        agent(
            "writer", [.agent("planner"), .agent("researcher", .soft)], estimate: 3,
            capabilities: ["copywriting"], alternatives: ["writer_lite"], recovery: writerRecovery, order: 3),
        agent("editor", [.agent("writer")], estimate: 1, order: 4),
        agent("seo", [.agent("editor")], estimate: 1, order: 5),
        agent("social", [.agent("editor"), .agent("image")], estimate: 1, order: 6),
    ]
}

let sevenNames = ["planner", "researcher", "image", "writer", "editor", "seo", "social"]

struct Harness {
    let catalog: Catalog
    let plan: ExecutionPlan
    let executor: WorkflowExecutor
    let recorder: InMemoryRecorder

    init(
        _ manifests: [Manifest], goal: [String], runner: FakeRunner, strategy: Strategy = .adaptive,
        recovery: Manifest.RecoveryStrategy = .skip, maxConcurrency: Int = 4, resources: [String: Int] = [:],
        grace: Double = 0.05, campaign: JSONValue = ["title": "test"],
        retry: RetryPolicy = RetryPolicy(initialInterval: 0.001, multiplier: 2, maximumInterval: 0.01, jitter: .none),
        clock: any ExecutorClock = SystemClock(), heartbeat: Double = 2, pipelined: Bool = false
    ) throws {
        catalog = Catalog(agents: manifests)
        let planner = Planner(catalog: catalog)
        let request = WorkflowRequest(
            campaign: campaign, goal: .agents(goal), strategy: strategy, recovery: recovery,
            maxConcurrency: maxConcurrency, resources: resources)
        plan = try planner.plan(request)
        recorder = InMemoryRecorder()
        executor = WorkflowExecutor(
            catalog: catalog, runner: runner, recorder: recorder, planner: planner,
            options: ExecutorOptions(
                retry: retry, cancellationGrace: grace, artifactsRoot: "/tmp/agenthost-tests", baseDirectory: "/tmp",
                heartbeatInterval: heartbeat, clock: clock, pipelinedCommits: pipelined),
            logger: Logger(label: "test"))
    }

    func run(_ id: String = "wf-test") -> (WorkflowHandle, WorkflowStatus) {
        let handle = executor.start(plan: plan, workflowId: id)
        return (handle, handle.wait())
    }
}

extension WorkflowStatus {
    func names(_ state: AgentState) -> Set<String> { Set(order.filter { agents[$0]?.state == state }) }
}

/// A clock that moves `step` seconds forward each time it is read: timers come due at
/// once, so retry delays of seconds cost no real time, and timestamps are predictable.
final class SteppingClock: ExecutorClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    private let step: Double

    init(start: Double = 1_000_000, step: Double) {
        current = start
        self.step = step
    }

    func now() -> Double {
        lock.lock()
        defer { lock.unlock() }
        current += step
        return current
    }
}
