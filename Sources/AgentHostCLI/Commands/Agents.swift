import AgentCatalog
import AgentRuntime
import ArgumentParser
import Foundation

extension AgentHost {
    /// `agenthost agents [list|show NAME|validate]`: what the host knows about agents.
    struct Agents: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, describe and validate agent manifests.",
            subcommands: [List.self, Show.self, Validate.self],
            defaultSubcommand: List.self
        )
    }
}

extension AgentHost.Agents {
    /// `agenthost agents list`: one row per valid agent.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every valid agent.")

        @OptionGroup var host: HostOptions
        @Flag(help: "Print JSON for programs instead of a table.") var json = false

        func run() throws {
            let discovery = host.discover()
            warnAboutProblems(discovery)
            if json {
                print(JSONValue.array(discovery.catalog.agents.map(\.summaryJSON)).prettyText)
                return
            }
            guard !discovery.catalog.agents.isEmpty else {
                reportError("no agents found; searched \(host.describeManifestFolders()). Name a folder with --manifests DIR.")
                throw HostExit.inputError
            }
            print(AgentTables.list(discovery.catalog), terminator: "")
        }
    }

    /// `agenthost agents show NAME`: everything about one agent.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show everything about one agent.")

        @OptionGroup var host: HostOptions
        @Argument(help: "The agent's name.") var name: String
        @Flag(help: "Print JSON for programs.") var json = false

        func run() throws {
            let discovery = host.discover()
            guard let manifest = discovery.catalog.agent(named: name) else {
                let known = discovery.catalog.agents.map(\.name).joined(separator: ", ")
                let suggestion = NameSuggestion.didYouMean(name, among: discovery.catalog.agents.map(\.name))
                reportError("no agent named '\(name)'; known agents: \(known.isEmpty ? "none" : known)\(suggestion)")
                throw HostExit.inputError
            }
            let runtime = host.makeRuntime(logger: host.makeLogger())
            let library: Result<String, AgentRuntimeError> = Result { () throws(AgentRuntimeError) in
                try runtime.resolveLibrary(for: manifest)
            }
            var details = manifest.summaryJSON.objectValue ?? [:]
            details["manifest_file"] = .string(manifest.source.file)
            switch library {
            case .success(let path): details["resolved_library"] = .string(path)
            case .failure(let error): details["library_problem"] = .string(error.message)
            }
            details["dependencies_resolved"] = .array(
                discovery.catalog.resolvedDependencies(of: manifest).map { dependency in
                    .object([
                        "declared": .string(dependency.declared.target.description),
                        "type": .string(dependency.type.rawValue),
                        "agent": dependency.agent.map(JSONValue.string) ?? .null,
                    ])
                })
            if json {
                print(JSONValue.object(details).prettyText)
            } else {
                print(AgentTables.details(details), terminator: "")
            }
        }
    }

    /// `agenthost agents validate [--load]`: every problem in every manifest.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every manifest (and with --load, every library); exit 2 on any problem.")

        @OptionGroup var host: HostOptions
        @Flag(help: "Also dlopen each library and negotiate its ABI version (for command agents: check the executable).")
        var load = false

        func run() throws {
            let discovery = host.discover()
            guard !discovery.manifestFiles.isEmpty || !discovery.problems.isEmpty else {
                reportError("no manifests found; searched \(host.describeManifestFolders()). Name a folder with --manifests DIR.")
                throw HostExit.inputError
            }
            var problems = discovery.problems.map(\.description)
            problems += ManifestDiscovery.cycleProblems(in: discovery.catalog).map(\.description)
            if load {
                let runtime = host.makeRuntime(logger: host.makeLogger())
                for manifest in discovery.catalog.agents {
                    do throws(AgentRuntimeError) {
                        _ = try runtime.load(manifest)
                    } catch {
                        let field = manifest.kind == .command ? "command" : "library"
                        problems.append(
                            "\(manifest.source.file.escapedForTerminal): \(field): \(error.message.escapedForTerminal)")
                    }
                }
                runtime.shutdownAll()
            }
            let agents = discovery.catalog.agents.count
            let templates = discovery.catalog.templates.count
            for problem in problems { print(problem) }
            let checked = "\(discovery.manifestFiles.count) manifest(s), \(discovery.templateFiles.count) template(s)"
            if problems.isEmpty {
                print("ok: \(checked) checked; \(agents) agent(s), \(templates) template(s) valid\(load ? ", every library loaded" : "")")
                return
            }
            print("\(problems.count) problem(s) in \(checked); \(agents) agent(s) valid")
            throw HostExit.inputError
        }
    }
}

/// Exits 2 when no manifest was found at all, saying where the host looked and how to point it
/// elsewhere (before any goal could be blamed for naming agents that were never discovered).
func requireManifests(_ discovery: DiscoveryResult, host: HostOptions) throws {
    guard discovery.manifestFiles.isEmpty && discovery.problems.isEmpty else { return }
    reportError(
        "no manifests found; searched \(host.describeManifestFolders()). Name a folder with --manifests DIR "
            + "or AGENTHOST_MANIFEST_PATH, or run from the folder that holds AgentManifests/")
    throw HostExit.inputError
}

/// Prints discovery problems to stderr without stopping: one bad manifest never hides the good ones.
func warnAboutProblems(_ discovery: DiscoveryResult) {
    guard !discovery.problems.isEmpty else { return }
    for problem in discovery.problems { reportWarning(problem.description) }
    reportWarning("\(discovery.problems.count) manifest problem(s); run `agenthost agents validate` for the full list")
}
