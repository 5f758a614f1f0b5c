/// The executable behind a `kind: "command"` agent: what to start, with which arguments,
/// environment and working folder, and how it answers (docs/MANIFEST.md, "Command agents").
public struct CommandSpec: Sendable, Hashable {
    /// The limit on one answer's size when the manifest names none: 16 MiB.
    public static let defaultMaxOutputBytes = 16 << 20

    /// `command`: a path relative to the plugin folders (confined like `library`), or a bare
    /// program name looked up there and then on `PATH` (`python3`, `node`).
    public var command: String
    /// `args`: arguments after the program name, passed as they are (no shell).
    public var arguments: [String]
    /// `env`: variables added to (or replacing those of) the host's environment.
    public var environment: [String: String]
    /// `working_directory`: the folder the command starts in, relative to the manifest's
    /// folder; nil means the host's current folder.
    public var workingDirectory: String?
    /// `persistent`: one long-lived process serves many calls over JSON lines.
    public var persistent: Bool
    /// `max_output_bytes`: the most stdout bytes one answer may take.
    public var maxOutputBytes: Int

    /// Creates a command spec; defaults mirror docs/MANIFEST.md.
    public init(
        command: String, arguments: [String] = [], environment: [String: String] = [:],
        workingDirectory: String? = nil, persistent: Bool = false,
        maxOutputBytes: Int = CommandSpec.defaultMaxOutputBytes
    ) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.persistent = persistent
        self.maxOutputBytes = maxOutputBytes
    }
}
