import ArgumentParser
import Logging

/// The logging flags every command takes: `--verbose`, `--quiet`, `--log-level`. Logs go to stderr.
struct LogOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log debug detail to stderr (the same as --log-level debug).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print only errors on stderr and no progress on stdout.")
    var quiet = false

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "Log this level and above to stderr: trace, debug, info, notice, warning (default), error, critical.",
            valueName: "level"))
    var logLevel: Logger.Level?

    func validate() throws {
        let chosen = [verbose ? "--verbose" : nil, quiet ? "--quiet" : nil, logLevel.map { _ in "--log-level" }]
            .compactMap { $0 }
        guard chosen.count <= 1 else {
            throw ValidationError("\(chosen.joined(separator: " and ")) contradict each other; pass one of them")
        }
    }

    /// The level to log at: --log-level, else debug for --verbose, error for --quiet, warning otherwise.
    var level: Logger.Level {
        if let logLevel { return logLevel }
        return verbose ? .debug : quiet ? .error : .warning
    }

    /// A logger that writes to stderr at `level` (stdout is for command output and protocol frames).
    func makeLogger(_ label: String = "agenthost") -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
