import AgentCatalog
import ArgumentParser
import Foundation
import WorkflowPlanning

/// Loading a request file (Examples/*.json) with errors that name the file and the field.
enum RequestFile {
    /// Reads and validates the request at `path`, and checks that every `campaign.sources` file
    /// exists (relative to the request's folder); prints the problem and exits 2 when it is wrong.
    static func load(_ path: String) throws -> WorkflowRequest {
        guard let data = FileManager.default.contents(atPath: path) else {
            reportError("cannot read request file '\(path)'")
            throw HostExit.inputError
        }
        let json: JSONValue
        do throws(JSONParseError) {
            json = try JSONValue(parsing: Array(data))
        } catch {
            reportError("\(path):\(error.line):\(error.column): not valid JSON: \(error.message)")
            throw HostExit.inputError
        }
        let request: WorkflowRequest
        do throws(PlanningError) {
            request = try WorkflowRequest(json: json)
        } catch {
            reportError("\(path): \(error.message)")
            throw HostExit.inputError
        }
        let missing = CampaignSources.problems(in: request.campaign, baseDirectory: baseDirectory(of: path))
        guard missing.isEmpty else {
            for problem in missing { reportError("\(path): \(problem)") }
            throw HostExit.inputError
        }
        return request
    }

    /// The folder of the request file: relative paths in the campaign resolve against it.
    static func baseDirectory(of path: String) -> String {
        (absolutePath(path) as NSString).deletingLastPathComponent
    }
}

/// Request settings a command line may override.
struct RequestOverrides: ParsableArguments {
    @Option(help: ArgumentHelp("sequential, parallel or adaptive (overrides the request).", valueName: "strategy"))
    var strategy: Strategy?

    @Option(help: ArgumentHelp("At most this many agents at once (overrides the request).", valueName: "n"))
    var maxConcurrency: Int?

    @Option(help: ArgumentHelp(
        "skip, retry_alternative, replan or abort when an agent fails for good (overrides the request).",
        valueName: "recovery"))
    var recovery: Manifest.RecoveryStrategy?

    func validate() throws {
        if let maxConcurrency, maxConcurrency < 1 {
            throw ValidationError("--max-concurrency must be at least 1, got \(maxConcurrency)")
        }
    }

    /// `request` with these overrides applied.
    func apply(to request: WorkflowRequest) -> WorkflowRequest {
        var request = request
        if let strategy { request.strategy = strategy }
        if let maxConcurrency { request.maxConcurrency = maxConcurrency }
        if let recovery { request.recovery = recovery }
        return request
    }
}

extension Strategy: ExpressibleByArgument {}
extension Manifest.RecoveryStrategy: ExpressibleByArgument {}
