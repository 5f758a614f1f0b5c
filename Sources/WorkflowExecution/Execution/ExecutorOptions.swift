import Foundation

/// How a `WorkflowExecutor` runs plans, beyond what the plan itself says.
public struct ExecutorOptions: Sendable {
    /// Backoff between retries of retryable failures.
    public var retry: RetryPolicy
    /// Seconds an agent that was told to stop (timeout or cancel) gets before it is
    /// abandoned (in-process) or its worker killed (process isolation). Default 2.
    public var cancellationGrace: Double
    /// Folder under which each workflow gets `<artifactsRoot>/<workflow_id>` for its files.
    /// Default `.agenthost/runs`, relative to the current directory.
    public var artifactsRoot: String
    /// Folder of the request file; agents resolve `campaign.sources` against it.
    public var baseDirectory: String
    /// Seconds between recorder heartbeats. Default 2.
    public var heartbeatInterval: Double
    /// Time source for timestamps, durations, deadlines and retry delays.
    public var clock: any ExecutorClock
    /// Random numbers in `0..<1` for retry jitter.
    public var random: @Sendable () -> Double
    /// The commit pipeline (docs/STORE.md, "What is durable when"): a thread that starts an
    /// agent queues its burst for a committer thread and calls the plugin without waiting for
    /// the commit; bursts are still committed in the order they were decided, so no output is
    /// committed before the outputs it was computed from. Off (the default): the plugin is
    /// called only once its burst is committed.
    public var pipelinedCommits: Bool

    /// Creates options; every parameter has the documented default.
    public init(
        retry: RetryPolicy = .standard, cancellationGrace: Double = 2, artifactsRoot: String = ".agenthost/runs",
        baseDirectory: String = FileManager.default.currentDirectoryPath, heartbeatInterval: Double = 2,
        clock: any ExecutorClock = SystemClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, pipelinedCommits: Bool = false
    ) {
        self.retry = retry
        self.cancellationGrace = cancellationGrace
        self.artifactsRoot = artifactsRoot
        self.baseDirectory = baseDirectory
        self.heartbeatInterval = heartbeatInterval
        self.clock = clock
        self.random = random
        self.pipelinedCommits = pipelinedCommits
    }

    /// `artifactsRoot/workflowId` as an absolute path.
    public func artifactsDirectory(for workflowId: String) -> String {
        let root =
            artifactsRoot.hasPrefix("/")
            ? artifactsRoot : FileManager.default.currentDirectoryPath + "/" + artifactsRoot
        return root + "/" + workflowId
    }
}
