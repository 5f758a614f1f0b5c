/// Finds manifest folders, reads every manifest and template in them, validates each file
/// and the set as a whole, and builds the `Catalog` (docs/MANIFEST.md, "Discovery").
public enum ManifestDiscovery {
    /// The environment variable holding extra manifest folders, colon-separated.
    public static let pathVariable = "AGENTHOST_MANIFEST_PATH"
    /// The default manifest folder, relative to the current directory.
    public static let defaultFolder = "AgentManifests"
    /// The subfolder of a manifest folder that holds workflow templates.
    public static let templatesFolder = "templates"

    /// Folders to scan: explicit `--manifests DIR` (repeatable) first, then
    /// `AGENTHOST_MANIFEST_PATH` (colon-separated), then the default (./AgentManifests when it
    /// exists and no `--manifests` was given: naming folders on the command line replaces the
    /// default, the environment adds to it). Duplicates are removed (compared as absolute
    /// paths), order kept.
    public static func folders(explicit: [String], environment: [String: String], currentDirectory: String) -> [String] {
        var candidates = explicit
        if let path = environment[pathVariable] {
            candidates += path.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        }
        let fallback = join(currentDirectory, defaultFolder)
        if explicit.isEmpty, case .success(let status) = FileSystem.status(fallback), status.isDirectory {
            candidates.append(fallback)
        }
        var seen: Set<String> = []
        var result: [String] = []
        for folder in candidates where !folder.isEmpty {
            if seen.insert(normalized(folder, in: currentDirectory)).inserted { result.append(folder) }
        }
        return result
    }

    /// Reads every `*.json` directly in each folder (sorted by file name) as a manifest, and
    /// every `*.json` in `<folder>/templates/` as a template; validates each file and then the
    /// set (duplicate names, unknown dependencies and alternatives, duplicate campaign types);
    /// builds the Catalog from the valid ones. One bad file never hides the good ones.
    public static func discover(folders: [String]) -> DiscoveryResult {
        var result = DiscoveryResult(catalog: Catalog(agents: []), problems: [], manifestFiles: [], templateFiles: [])
        var manifests: [Manifest] = []
        var templates: [WorkflowTemplate] = []
        for folder in folders {
            guard let files = jsonFiles(in: folder, required: true, problems: &result.problems) else { continue }
            result.manifestFiles += files
            // Files are read and parsed on every core; results are merged in file order, so
            // manifests, their discovery order and the problems are as if read one by one.
            for outcome in readManifests(files) {
                result.problems += outcome.problems
                if var manifest = outcome.manifest {
                    manifest.source.order = manifests.count
                    manifests.append(manifest)
                }
            }
            let templateFolder = join(folder, templatesFolder)
            for file in jsonFiles(in: templateFolder, required: false, problems: &result.problems) ?? [] {
                result.templateFiles.append(file)
                guard let bytes = readChecked(file, problems: &result.problems) else { continue }
                let parsed = ManifestParser.parseTemplate(bytes, file: file, order: templates.count)
                result.problems += parsed.problems
                if let template = parsed.template { templates.append(template) }
            }
        }
        let agents = CrossFileValidation.uniqueAgents(manifests, problems: &result.problems)
        // The catalog is built first so that references are checked against its indexes;
        // reference problems still come before duplicate-template ones.
        var templateProblems: [ManifestProblem] = []
        let uniqueTemplates = CrossFileValidation.uniqueTemplates(templates, problems: &templateProblems)
        result.catalog = Catalog(agents: agents, templates: uniqueTemplates)
        CrossFileValidation.checkReferences(result.catalog, problems: &result.problems)
        result.problems += templateProblems
        return result
    }
}

/// What discovery found: the knowledge base of valid agents and templates, and every problem.
public struct DiscoveryResult: Sendable {
    /// The valid agents and templates.
    public var catalog: Catalog
    /// Every problem found, in discovery order; empty when everything is valid.
    public var problems: [ManifestProblem]
    /// Every manifest file looked at, valid or not, in discovery order.
    public var manifestFiles: [String]
    /// Every template file looked at, valid or not, in discovery order.
    public var templateFiles: [String]

    /// Creates a result.
    public init(catalog: Catalog, problems: [ManifestProblem], manifestFiles: [String], templateFiles: [String]) {
        self.catalog = catalog
        self.problems = problems
        self.manifestFiles = manifestFiles
        self.templateFiles = templateFiles
    }
}

// MARK: - Files

extension ManifestDiscovery {
    /// The `*.json` files in `folder`, sorted; `nil` (with a problem when `required`) when the
    /// folder is missing, unreadable, or writable by group or others.
    private static func jsonFiles(in folder: String, required: Bool, problems: inout [ManifestProblem]) -> [String]? {
        switch FileSystem.status(folder) {
        case .failure:
            if required { problems.append(.missingFolder(folder)) }
            return nil
        case .success(let status) where !status.isDirectory:
            if required { problems.append(.missingFolder(folder)) }
            return nil
        case .success(let status) where status.isWritableByOthers:
            problems.append(.looseFile(folder, mode: status.mode, isFolder: true))
            return nil
        case .success:
            break
        }
        switch FileSystem.contents(ofFolder: folder) {
        case .failure(let error):
            problems.append(.unreadable(folder, errno: error.code))
            return nil
        case .success(let names):
            return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { join(folder, $0) }
        }
    }

    /// What reading and parsing one manifest file gave.
    struct FileOutcome: Sendable {
        var manifest: Manifest?
        var problems: [ManifestProblem] = []
    }

    /// Files per task when reading in parallel: enough to amortize the hand-off, few enough
    /// that both cores stay busy to the end.
    static let filesPerTask = 64

    /// Reads and parses `files`, on every core when there are many; outcome `i` is file `i`'s
    /// (its manifest's `source.order` is left to the caller).
    static func readManifests(_ files: [String]) -> [FileOutcome] {
        Parallel.map(files.count, chunk: filesPerTask) { index in
            var problems: [ManifestProblem] = []
            guard let bytes = readChecked(files[index], problems: &problems) else { return FileOutcome(problems: problems) }
            let parsed = ManifestParser.parseManifest(bytes, file: files[index], order: 0)
            return FileOutcome(manifest: parsed.manifest, problems: problems + parsed.problems)
        }
    }

    /// The bytes of `file`, or `nil` with a problem when it is not a regular file, is
    /// writable by group or others, or cannot be read.
    private static func readChecked(_ file: String, problems: inout [ManifestProblem]) -> [UInt8]? {
        switch FileSystem.status(file) {
        case .failure(let error):
            problems.append(.unreadable(file, errno: error.code))
            return nil
        case .success(let status) where !status.isRegularFile:
            problems.append(.invalid(file, nil, "expected a regular file"))
            return nil
        case .success(let status) where status.isWritableByOthers:
            problems.append(.looseFile(file, mode: status.mode, isFolder: false))
            return nil
        case .success:
            break
        }
        switch FileSystem.readFile(file) {
        case .failure(let error):
            problems.append(.unreadable(file, errno: error.code))
            return nil
        case .success(let bytes):
            return bytes
        }
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// `path` made absolute against `base`, with `.` components and repeated or trailing
    /// slashes removed (`..` is kept: resolving it needs the file system).
    static func normalized(_ path: String, in base: String) -> String {
        let absolute = path.hasPrefix("/") ? path : join(base, path)
        let parts = absolute.split(separator: "/").filter { $0 != "." }
        return "/" + parts.joined(separator: "/")
    }
}
