// swift-tools-version: 6.1
//
// AgentHost: a plugin-host runtime for agents. See README.md and docs/ARCHITECTURE.md.
// Arrows go one way: CLI/Protocol -> Execution -> Planning -> Catalog; Execution -> Runtime.
import PackageDescription

// MARK: - Sample agent plugins (Plugins/), each its own dynamic library.

/// A C plugin: a C target at Plugins/<dir> built as lib<product>.so.
func cPlugin(_ product: String, dir: String, dependencies: [Target.Dependency] = []) -> (Product, Target) {
    (
        .library(name: product, type: .dynamic, targets: [product]),
        .target(name: product, dependencies: ["AgentPluginABI"] + dependencies, path: "Plugins/\(dir)")
    )
}

/// A Swift plugin: a Swift target at Plugins/<dir> built as lib<product>.so.
func swiftPlugin(_ product: String, dir: String, dependencies: [Target.Dependency] = []) -> (Product, Target) {
    (
        .library(name: product, type: .dynamic, targets: [product]),
        .target(name: product, dependencies: ["AgentPluginABI"] + dependencies, path: "Plugins/\(dir)")
    )
}

let samplePlugins: [(Product, Target)] = [
    cPlugin("PlannerAgent", dir: "Planner", dependencies: ["CAgentJSON"]),
    cPlugin("ImageAgent", dir: "Image", dependencies: ["CAgentJSON"]),
    cPlugin("CampaignManagerAgent", dir: "CampaignManager", dependencies: ["CAgentJSON"]),
    swiftPlugin("WriterAgent", dir: "Writer", dependencies: ["AgentPluginKit", "ContentKit"]),
    swiftPlugin("ResearcherAgent", dir: "Researcher", dependencies: ["AgentPluginKit", "ContentKit"]),
    swiftPlugin("EditorAgent", dir: "Editor", dependencies: ["AgentPluginKit", "ContentKit"]),
    swiftPlugin("SEOAgent", dir: "SEO", dependencies: ["AgentPluginKit", "ContentKit"]),
    swiftPlugin("SocialMediaAgent", dir: "SocialMedia", dependencies: ["AgentPluginKit", "ContentKit"]),
    swiftPlugin("ContentRepurposerAgent", dir: "ContentRepurposer", dependencies: ["AgentPluginKit", "ContentKit"]),
]

/// Code shared by the sample plugins, linked statically into each of them.
let pluginSupport: [Target] = [
    // JSON reader/writer, files and dates for the C plugins (symbols prefixed agent_json_/agent_date_).
    .target(name: "CAgentJSON", path: "Plugins/Support/CAgentJSON"),
    // Descriptor and entry glue that turns a Swift closure into an agent-v1 plugin.
    .target(name: "AgentPluginKit", dependencies: ["AgentPluginABI"], path: "Plugins/Support/AgentPluginKit"),
    // Text algorithms of the content agents: tokens, sentences, TF-IDF, TextRank, readability, Markdown.
    .target(name: "ContentKit", path: "Plugins/Support/ContentKit"),
]

// MARK: - Plugins built only for the tests (Tests/Plugins/).

/// A C test plugin at Tests/Plugins/<dir>.
func cTestPlugin(_ product: String, dir: String) -> (Product, Target) {
    (
        .library(name: product, type: .dynamic, targets: [product]),
        .target(name: product, dependencies: ["AgentPluginABI"], path: "Tests/Plugins/\(dir)")
    )
}

let testPlugins: [(Product, Target)] = [
    cTestPlugin("TestEchoAgent", dir: "EchoAgent"),
    cTestPlugin("TestNoEntryAgent", dir: "NoEntryAgent"),
    cTestPlugin("TestFutureAbiAgent", dir: "FutureAbiAgent"),
    cTestPlugin("TestTinyDescriptorAgent", dir: "TinyDescriptorAgent"),
    cTestPlugin("TestDecliningAgent", dir: "DecliningAgent"),
    cTestPlugin("TestNoRunAgent", dir: "NoRunAgent"),
    cTestPlugin("TestExecAgent", dir: "ExecTestAgent"),
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
        .executable(name: "planner-bench", targets: ["planner-bench"]),
        .library(name: "WorkflowStore", targets: ["WorkflowStore"]),
        .executable(name: "store-bench", targets: ["StoreBench"]),
    ] + samplePlugins.map(\.0) + testPlugins.map(\.0),
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // The C contract every plugin compiles against.
        .target(name: "AgentPluginABI", path: "Sources/AgentPluginABI"),
        // Manifests, templates and the knowledge base. Pure: no dlopen.
        .target(
            name: "AgentCatalog",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // Loading and calling agents: dlopen, ABI negotiation.
        .target(
            name: "AgentRuntime",
            dependencies: [
                "AgentCatalog", "AgentPluginABI",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs plans: scheduling, data flow, retries, timeouts, recovery; emits events. Knows no SQL.
        .target(
            name: "WorkflowExecution",
            dependencies: [
                "AgentCatalog", "AgentRuntime", "WorkflowPlanning",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // The `agenthost` executable.
        .executableTarget(
            name: "AgentHostCLI",
            dependencies: [
                "AgentCatalog", "AgentRuntime", "WorkflowPlanning", "WorkflowExecution", "WorkflowStore", "HostProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Requests to execution plans: requirement analysis, strategies, critical path. Pure.
        .target(
            name: "WorkflowPlanning",
            dependencies: [
                "AgentCatalog",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .testTarget(name: "AgentCatalogTests", dependencies: ["AgentCatalog"], exclude: ["Fixtures"]),
        .testTarget(name: "AgentRuntimeTests", dependencies: ["AgentRuntime"]),
        .testTarget(name: "WorkflowPlanningTests", dependencies: ["WorkflowPlanning", "AgentCatalog"]),
        // Runs every sample agent through a small dlopen harness; no host modules.
        .testTarget(name: "ContentAgentsTests", dependencies: ["AgentPluginABI", "ContentKit"]),
        .testTarget(name: "EndToEndTests", dependencies: []),
        // Benchmarks (opt-in; run with `swift run -c release <name>`).
        .executableTarget(name: "discovery-bench", dependencies: ["AgentCatalog"], path: "Benchmarks/DiscoveryBench"),
        .executableTarget(
            name: "planner-bench", dependencies: ["WorkflowPlanning", "AgentCatalog"], path: "Benchmarks/PlannerBench"),
        // `swift run -c release executor-bench`: per-agent overhead and makespan vs the bound.
        .executableTarget(
            name: "executor-bench",
            dependencies: [
                "WorkflowExecution", "WorkflowPlanning", "AgentCatalog", "AgentRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ExecutorBench"
        ),
        .testTarget(
            name: "WorkflowExecutionTests",
            dependencies: [
                "WorkflowExecution", "WorkflowPlanning", "AgentCatalog", "AgentRuntime",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SQLite persistence of plans, events, outputs, live state and learned durations.
        .target(
            name: "WorkflowStore",
            dependencies: [
                "AgentCatalog", "WorkflowExecution", "WorkflowPlanning",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .testTarget(
            name: "WorkflowStoreTests",
            dependencies: ["WorkflowStore", "WorkflowExecution", "WorkflowPlanning", "AgentCatalog"]
        ),
        // A child process the store's kill -9 test starts and kills.
        .executableTarget(
            name: "StoreCrashWriter",
            dependencies: ["WorkflowStore", "WorkflowExecution", "AgentCatalog"],
            path: "Tests/StoreCrashWriter"
        ),
        // `swift run -c release store-bench`: cost of recording events in the SQLite store.
        .executableTarget(
            name: "StoreBench",
            dependencies: [
                "WorkflowStore", "WorkflowExecution", "AgentCatalog", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/StoreBench"
        ),
        // JSON-RPC 2.0 over stdio: `agenthost serve`.
        .target(
            name: "HostProtocol",
            dependencies: [
                "AgentCatalog", "AgentRuntime", "WorkflowPlanning", "WorkflowExecution", "WorkflowStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .testTarget(name: "HostProtocolTests", dependencies: ["HostProtocol", "WorkflowExecution", "WorkflowStore", "AgentRuntime"]),
        // `swift run -c release protocol-bench`: workflow/status round trips against `agenthost serve`.
        .executableTarget(name: "protocol-bench", dependencies: ["AgentCatalog"], path: "Benchmarks/ProtocolBench"),
    ] + samplePlugins.map(\.1) + testPlugins.map(\.1) + pluginSupport
)
