// swift-tools-version: 6.1
//
// AgentHost: a plugin-host runtime for agents. See README.md and docs/ARCHITECTURE.md.
// Arrows go one way: CLI/Protocol -> Hosting -> Execution, Store -> Events -> Planning -> Catalog;
// Execution -> Runtime.
import PackageDescription

// MARK: - Plugins: each a dynamic library built into the same folder as `agenthost`.

/// An agent plugin: a target at `path` built as lib<product>.so, compiled against the ABI header.
func plugin(_ product: String, path: String, dependencies: [Target.Dependency] = []) -> (Product, Target) {
    (
        .library(name: product, type: .dynamic, targets: [product]),
        .target(name: product, dependencies: ["AgentPluginABI"] + dependencies, path: path)
    )
}

/// The sample content agents (Plugins/), in C and in Swift.
let samplePlugins: [(Product, Target)] = [
    plugin("PlannerAgent", path: "Plugins/Planner", dependencies: ["CAgentJSON"]),
    plugin("ImageAgent", path: "Plugins/Image", dependencies: ["CAgentJSON"]),
    plugin("CampaignManagerAgent", path: "Plugins/CampaignManager", dependencies: ["CAgentJSON"]),
    plugin("ResearcherAgent", path: "Plugins/Researcher", dependencies: ["AgentPluginKit", "ContentKit"]),
    plugin("WriterAgent", path: "Plugins/Writer", dependencies: ["AgentPluginKit", "ContentKit"]),
    plugin("EditorAgent", path: "Plugins/Editor", dependencies: ["AgentPluginKit", "ContentKit"]),
    plugin("SEOAgent", path: "Plugins/SEO", dependencies: ["AgentPluginKit", "ContentKit"]),
    plugin("SocialMediaAgent", path: "Plugins/SocialMedia", dependencies: ["AgentPluginKit", "ContentKit"]),
    plugin("ContentRepurposerAgent", path: "Plugins/ContentRepurposer", dependencies: ["AgentPluginKit", "ContentKit"]),
    // A plain C library (no AgentHost ABI) used as c-function agents: AgentManifests/word_count.json.
    (
        .library(name: "TextStats", type: .dynamic, targets: ["TextStats"]),
        .target(name: "TextStats", path: "Plugins/TextStats")
    ),
]

/// Code shared by the sample plugins, linked statically into each of them.
let pluginSupport: [Target] = [
    // JSON reader/writer, files, dates and run/output plumbing for the C plugins (symbols prefixed agent_).
    .target(name: "CAgentJSON", dependencies: ["AgentPluginABI"], path: "Plugins/Support/CAgentJSON"),
    // Descriptor and entry glue that turns a Swift closure into an agent-v1 plugin.
    .target(name: "AgentPluginKit", dependencies: ["AgentPluginABI"], path: "Plugins/Support/AgentPluginKit"),
    // Text algorithms of the content agents: tokens, sentences, TF-IDF, TextRank, readability, Markdown.
    .target(name: "ContentKit", path: "Plugins/Support/ContentKit"),
]

/// Plugins built only for the tests and benchmarks (Tests/Plugins/, Benchmarks/).
let testPlugins: [(Product, Target)] = [
    plugin("TestEchoAgent", path: "Tests/Plugins/EchoAgent"),
    plugin("TestNoEntryAgent", path: "Tests/Plugins/NoEntryAgent"),
    plugin("TestFutureAbiAgent", path: "Tests/Plugins/FutureAbiAgent"),
    plugin("TestTinyDescriptorAgent", path: "Tests/Plugins/TinyDescriptorAgent"),
    plugin("TestDecliningAgent", path: "Tests/Plugins/DecliningAgent"),
    plugin("TestNoRunAgent", path: "Tests/Plugins/NoRunAgent"),
    plugin("TestCFunctionTypes", path: "Tests/Plugins/CFunctionTypes"),
    plugin("TestExecAgent", path: "Tests/Plugins/ExecTestAgent"),
    plugin("BenchNoopAgent", path: "Benchmarks/NoopAgent"),
]

// MARK: - Benchmarks: opt-in executables that print figures (`swift run -c release <name>`).

/// A benchmark executable named `name`, built from Benchmarks/<directory>.
func benchmark(
    _ name: String, directory: String, dependencies: [Target.Dependency], exclude: [String] = []
) -> (Product, Target) {
    (
        .executable(name: name, targets: [directory]),
        .executableTarget(name: directory, dependencies: dependencies, path: "Benchmarks/\(directory)", exclude: exclude)
    )
}

let benchmarks: [(Product, Target)] = [
    benchmark("discovery-bench", directory: "DiscoveryBench", dependencies: ["AgentCatalog"]),
    benchmark("planner-bench", directory: "PlannerBench", dependencies: ["WorkflowPlanning", "AgentCatalog"]),
    benchmark(
        "cfunction-bench", directory: "CFunctionBench",
        dependencies: ["AgentCatalog", "AgentRuntime", .product(name: "Logging", package: "swift-log")]),
    benchmark(
        "executor-bench", directory: "ExecutorBench",
        dependencies: [
            "WorkflowExecution", "WorkflowPlanning", "AgentCatalog", "AgentRuntime", "WorkflowStore",
            .product(name: "Logging", package: "swift-log"),
        ]),
    benchmark(
        "store-bench", directory: "StoreBench",
        dependencies: [
            "WorkflowStore", "WorkflowEvents", "WorkflowPlanning", "AgentCatalog",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    benchmark("protocol-bench", directory: "ProtocolBench", dependencies: ["AgentCatalog"]),
    benchmark(
        "command-bench", directory: "CommandBench",
        dependencies: ["AgentCatalog", "AgentRuntime", .product(name: "Logging", package: "swift-log")]),
    benchmark(
        "dashboard-bench", directory: "DashboardBench",
        dependencies: ["HostHTTP", "HostProtocol", "WorkflowHosting", "WorkflowStore", "WorkflowExecution", "WorkflowPlanning", "AgentCatalog"],
        exclude: ["measure.py"]),
    // The whole `agenthost` process on generated manifests; runs the release binary beside it.
    benchmark("userpath-bench", directory: "UserPathBench", dependencies: ["AgentCatalog", "WorkflowPlanning"]),
    benchmark(
        "load-bench", directory: "LoadBench",
        dependencies: ["AgentCatalog", "AgentRuntime", .product(name: "Logging", package: "swift-log")]),
]

// MARK: - Host modules.

let package = Package(
    name: "AgentHost",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "agenthost", targets: ["AgentHostCLI"]),
        .library(name: "AgentCatalog", targets: ["AgentCatalog"]),
        .library(name: "AgentRuntime", targets: ["AgentRuntime"]),
        .library(name: "WorkflowPlanning", targets: ["WorkflowPlanning"]),
        .library(name: "WorkflowStore", targets: ["WorkflowStore"]),
    ] + samplePlugins.map(\.0) + testPlugins.map(\.0) + benchmarks.map(\.0),
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // HostHTTP only (the dashboard, REST, SSE, WebSocket); the core modules never import them.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // HostCluster only (the PostgreSQL attempt queue); only the CLI imports that module.
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // The C contract every plugin compiles against.
        .target(name: "AgentPluginABI", path: "Sources/AgentPluginABI"),
        // libffi (Debian's libffi-dev), for c-function agents.
        .systemLibrary(name: "CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),
        // fork + PR_SET_PDEATHSIG + exec for command agents (symbols prefixed agent_command_).
        .target(name: "CAgentCommand", path: "Sources/CAgentCommand"),
        // Manifests, templates and the knowledge base. Pure: no dlopen.
        .target(
            name: "AgentCatalog",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // Loading and calling agents: dlopen, ABI negotiation, libffi.
        .target(
            name: "AgentRuntime",
            dependencies: [
                "AgentCatalog", "AgentPluginABI", "CFFI", "CAgentCommand",
                .product(name: "Logging", package: "swift-log"),
                // SHA-256 of plugin libraries (LibraryDigest).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Requests to execution plans: requirement analysis, strategies, critical path. Pure.
        .target(
            name: "WorkflowPlanning",
            dependencies: [
                "AgentCatalog",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // The event, status and recorder types and the status fold, shared by execution and store. Pure.
        .target(name: "WorkflowEvents", dependencies: ["AgentCatalog", "WorkflowPlanning"]),
        // prctl(PR_SET_PDEATHSIG) and pipe2 for worker processes (Swift cannot call them directly).
        .target(name: "CAgentProcess", path: "Sources/CAgentProcess"),
        // Runs plans: scheduling, data flow, retries, timeouts, recovery; emits events. Knows no SQL.
        .target(
            name: "WorkflowExecution",
            dependencies: [
                "AgentCatalog", "AgentRuntime", "WorkflowPlanning", "WorkflowEvents", "CAgentProcess",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The `agenthost` executable.
        .executableTarget(
            name: "AgentHostCLI",
            dependencies: [
                "AgentCatalog", "AgentRuntime", "WorkflowPlanning", "WorkflowExecution", "WorkflowStore", "HostProtocol",
                "WorkflowHosting",
                "HostMCP",
                "HostHTTP",
                "HostCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Remote attempts over a PostgreSQL queue: `agenthost node`, `--cluster` (docs/CLUSTER.md).
        .target(
            name: "HostCluster",
            dependencies: [
                "AgentCatalog", "AgentRuntime", "WorkflowExecution",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HostClusterTests",
            dependencies: [
                "HostCluster", "TestSupport", "WorkflowExecution", "AgentCatalog", "AgentRuntime",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Helpers shared by the test targets (folders, the build folder, a locked box, a private
        // PostgreSQL server, network namespaces, commands run as another account). Foundation only.
        .target(name: "TestSupport", dependencies: [], path: "Tests/TestSupport"),
        .testTarget(name: "AgentCatalogTests", dependencies: ["AgentCatalog", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AgentRuntimeTests", dependencies: ["AgentRuntime", "TestSupport"]),
        .testTarget(name: "WorkflowPlanningTests", dependencies: ["WorkflowPlanning", "AgentCatalog"]),
        // Runs every sample agent through a small dlopen harness; no host modules.
        .testTarget(name: "ContentAgentsTests", dependencies: ["AgentPluginABI", "ContentKit"]),
        // Runs the built `agenthost` binary and real plugin libraries.
        .testTarget(
            name: "EndToEndTests", dependencies: [
                "WorkflowStore", "WorkflowEvents", "WorkflowExecution", "WorkflowPlanning", "AgentCatalog",
                "TestSupport",
            ]),
        .testTarget(
            name: "WorkflowExecutionTests",
            dependencies: [
                "WorkflowExecution", "WorkflowPlanning", "AgentCatalog", "AgentRuntime", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SQLite persistence of plans, events, outputs, live state and learned durations.
        .target(
            name: "WorkflowStore",
            dependencies: [
                "AgentCatalog", "WorkflowEvents", "WorkflowPlanning",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .testTarget(
            name: "WorkflowStoreTests",
            dependencies: ["WorkflowStore", "WorkflowEvents", "WorkflowPlanning", "AgentCatalog"]
        ),
        // A child process the store's kill -9 test starts and kills.
        .executableTarget(
            name: "StoreCrashWriter",
            dependencies: ["WorkflowStore", "WorkflowEvents", "WorkflowPlanning", "AgentCatalog"],
            path: "Tests/StoreCrashWriter"
        ),
        // The composition root: plans run on the executor with the store attached, cross-process
        // control, the backend every front end (stdio, HTTP, MCP) drives.
        .target(
            name: "WorkflowHosting",
            dependencies: [
                "AgentCatalog", "WorkflowPlanning", "WorkflowEvents", "WorkflowExecution", "WorkflowStore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // JSON-RPC 2.0 over stdio: `agenthost serve`.
        .target(
            name: "HostProtocol",
            dependencies: [
                "AgentCatalog", "WorkflowPlanning", "WorkflowEvents", "WorkflowHosting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        .testTarget(name: "WorkflowEventsTests", dependencies: ["WorkflowEvents", "AgentCatalog"]),
        .testTarget(
            name: "WorkflowHostingTests",
            dependencies: [
                "WorkflowHosting", "WorkflowExecution", "WorkflowStore", "WorkflowPlanning", "AgentCatalog",
                "AgentRuntime", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "HostProtocolTests",
            dependencies: [
                "HostProtocol", "WorkflowHosting", "WorkflowExecution", "WorkflowStore", "AgentRuntime", "TestSupport",
            ]),
        // The Model Context Protocol on stdio: `agenthost mcp` (on the `serve` framing; docs/MCP.md).
        .target(
            name: "HostMCP",
            dependencies: [
                "AgentCatalog", "AgentRuntime", "WorkflowPlanning", "WorkflowExecution", "WorkflowHosting", "HostProtocol",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HostMCPTests", dependencies: ["HostMCP", "HostProtocol", "WorkflowHosting", "WorkflowExecution", "AgentCatalog", "AgentRuntime"]),
        // The dashboard, REST API, event streams and JSON-RPC over WebSocket: `agenthost serve --http`.
        .target(
            name: "HostHTTP",
            dependencies: [
                "AgentCatalog", "WorkflowExecution", "WorkflowPlanning", "WorkflowStore", "WorkflowHosting", "HostProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Dashboard/Assets"]
        ),
        .testTarget(
            name: "HostHTTPTests",
            dependencies: [
                "HostHTTP", "HostProtocol", "WorkflowHosting", "WorkflowExecution", "WorkflowStore", "AgentCatalog",
                "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ] + samplePlugins.map(\.1) + pluginSupport + testPlugins.map(\.1) + benchmarks.map(\.1)
)
