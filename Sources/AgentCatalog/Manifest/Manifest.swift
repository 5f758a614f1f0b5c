/// One agent as its manifest file declares it (AgentManifests/*.json, docs/MANIFEST.md).
///
/// A manifest is data only: reading one never loads the plugin library. Field names follow
/// the JSON keys in snake_case there and camelCase here.
public struct Manifest: Sendable, Hashable {
    /// The only manifest format version this host reads.
    public static let supportedVersion = 1
    /// The entry symbol used when a manifest names none.
    public static let defaultEntry = "agent_plugin_entry"

    /// `manifest_version`: the format of this file; must be `supportedVersion`.
    public var manifestVersion: Int
    /// `name`: unique agent name, `[a-z0-9_][a-z0-9_.-]*`.
    public var name: String
    /// `version`: the agent's semantic version.
    public var version: String
    /// `description`: one human sentence.
    public var description: String
    /// `library`: the shared library, relative to the plugin search folders, or a system
    /// soname such as `libm.so.6` for c-function agents.
    public var library: String
    /// `entry`: the exported entry symbol (agent-v1 only).
    public var entry: String
    /// `kind`: how the library is called.
    public var kind: Kind
    /// `capabilities`: what the agent can do, e.g. `content_creation`.
    public var capabilities: [String]
    /// `dependencies`: agents or capabilities this agent needs, with their type.
    public var dependencies: [Dependency]
    /// `outputs`: names of what the agent produces, e.g. `blog_content`.
    public var outputs: [String]
    /// `estimate_seconds`: expected duration of one successful run.
    public var estimateSeconds: Double
    /// `parallel_safe`: whether `run` may be called concurrently.
    public var parallelSafe: Bool
    /// `max_retries`: extra attempts after a retryable failure.
    public var maxRetries: Int
    /// `timeout_seconds`: limit for one attempt.
    public var timeoutSeconds: Double
    /// `resources`: units of named resources one run holds, e.g. `{"llm": 1}`.
    public var resources: [String: Int]
    /// `alternatives`: agents that may take this one's place when it fails for good.
    public var alternatives: [String]
    /// `isolation`: in the host process or in a worker child process.
    public var isolation: Isolation
    /// `sha256`: when set, the library's digest, checked before dlopen (lowercase hex).
    public var sha256: String?
    /// `recovery`: overrides the request's recovery strategy for this agent.
    public var recovery: RecoveryStrategy?
    /// `config`: JSON handed to the plugin's `init`.
    public var config: JSONValue
    /// `symbol` + `signature` + `free`: the C function to call, for `kind: "c-function"`.
    public var cFunction: CFunctionSignature?
    /// Where this manifest came from.
    public var source: ManifestSource
    /// `input_schema`: the campaign fields the agent reads, checked before a plan is made.
    public var inputSchema: InputSchema? = nil
    /// `command` + `args` + `env` + `working_directory` + `persistent` + `max_output_bytes`:
    /// the executable to start, for `kind: "command"`.
    public var command: CommandSpec? = nil

    /// Creates a manifest; defaults mirror docs/MANIFEST.md.
    public init(
        manifestVersion: Int = Manifest.supportedVersion, name: String, version: String = "1.0.0",
        description: String = "", library: String = "", entry: String = Manifest.defaultEntry,
        kind: Kind = .agentV1, capabilities: [String] = [], dependencies: [Dependency] = [],
        outputs: [String] = [], estimateSeconds: Double = 60, parallelSafe: Bool = true,
        maxRetries: Int = 0, timeoutSeconds: Double = 600, resources: [String: Int] = [:],
        alternatives: [String] = [], isolation: Isolation = .inProcess, sha256: String? = nil,
        recovery: RecoveryStrategy? = nil, config: JSONValue = .null, cFunction: CFunctionSignature? = nil,
        source: ManifestSource = ManifestSource(file: "<memory>", order: 0)
    ) {
        self.manifestVersion = manifestVersion
        self.name = name
        self.version = version
        self.description = description
        self.library = library
        self.entry = entry
        self.kind = kind
        self.capabilities = capabilities
        self.dependencies = dependencies
        self.outputs = outputs
        self.estimateSeconds = estimateSeconds
        self.parallelSafe = parallelSafe
        self.maxRetries = maxRetries
        self.timeoutSeconds = timeoutSeconds
        self.resources = resources
        self.alternatives = alternatives
        self.isolation = isolation
        self.sha256 = sha256
        self.recovery = recovery
        self.config = config
        self.cFunction = cFunction
        self.source = source
    }
}

extension Manifest {
    /// How the host calls an agent's library.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A plugin exporting the AgentHost C ABI (`agent_plugin.h`).
        case agentV1 = "agent-v1"
        /// Any exported C function, called through libffi from a declared signature.
        case cFunction = "c-function"
        /// Any executable, given the agent input on stdin and answering JSON on stdout.
        case command
    }

    /// Where an agent runs.
    public enum Isolation: String, Sendable, Hashable, CaseIterable {
        /// In the host process: fastest; a crash takes the host down.
        case inProcess = "in-process"
        /// In a reusable worker child process, killed on timeout; a crash fails one attempt.
        case process
    }

    /// What happens when an agent has failed for good.
    public enum RecoveryStrategy: String, Sendable, Hashable, CaseIterable {
        /// Skip its hard dependents; run everything else.
        case skip
        /// Run an alternative agent in its place.
        case retryAlternative = "retry_alternative"
        /// Recompute the rest of the plan without it.
        case replan
        /// Cancel the workflow.
        case abort
    }
}

/// Where a manifest was read from, for error messages and library resolution.
public struct ManifestSource: Sendable, Hashable {
    /// Path of the manifest file as discovered.
    public var file: String
    /// Position in discovery order; the planner breaks ties by it.
    public var order: Int

    public init(file: String, order: Int) {
        self.file = file
        self.order = order
    }

    /// The folder holding the manifest; `library` resolves against it first.
    public var folder: String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }
}
