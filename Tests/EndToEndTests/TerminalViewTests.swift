import AgentCatalog
import Foundation
import TestSupport
import Testing

/// `agenthost run`'s live view in a real terminal (tmux), at 50 and 200 columns: the area
/// never wraps or scrolls, agents without progress show a timer instead of a bar stuck at 0 %,
/// finished agents stay as one line each, and colour follows the terminal and NO_COLOR.
@Suite(.enabled(if: TmuxTerminal.available, "tmux is not installed (apt-get install tmux)"))
struct TerminalViewTests {
    @Test(arguments: [50, 200])
    func theLiveViewFitsTheTerminalAndLeavesOneLinePerAgent(columns: Int) throws {
        let fixture = try StoreFixture(sleepMilliseconds: 300)
        defer { fixture.remove() }
        let id = "wf-term-\(columns)"
        let session = try TmuxTerminal(columns: columns, rows: 12, folder: fixture.folder)
        defer { session.close() }
        let screens = try session.run(
            [buildFolder + "/agenthost", "run", fixture.request, "--id", id] + fixture.options)
        let live = screens.live.filter { screen in screen.contains { $0.hasPrefix(id + " · ") } }
        #expect(!live.isEmpty, "the live view was never on screen: \(screens.final)")
        for screen in live {
            let headers = screen.filter { $0.hasPrefix(id + " · ") }
            #expect(headers.count == 1, "\(screen.joined(separator: "\n"))")
            #expect(screen.allSatisfy { $0.count < columns }, "a line reaches the edge and wraps: \(screen)")
            // These agents report no progress: a timer, never a bar stuck at 0 %.
            #expect(!screen.contains { $0.contains("[--------------------]") }, "\(screen)")
        }
        if columns == 50 { #expect(live.contains { $0.contains { $0.hasPrefix(id) && $0.hasSuffix("…") } }) }
        let history = screens.final
        #expect(history.contains("EXIT=0"), "\(history.joined(separator: "\n"))")
        #expect(!history.contains { $0.hasPrefix(id + " · ") }, "the live area was left behind or scrolled")
        for agent in StoreFixture.agents {
            let lines = history.filter { $0.hasPrefix("  completed \(agent) ") }
            #expect(lines.count == 1, "\(agent): \(history.joined(separator: "\n"))")
        }
    }

    @Test func statesAreColouredInATerminalAndNotUnderNoColor() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        let command = [buildFolder + "/agenthost", "run", fixture.request] + fixture.options
        let coloured = try TmuxTerminal(columns: 120, rows: 40, folder: fixture.folder)
        defer { coloured.close() }
        let green = "\u{1B}[32m"
        #expect(try coloured.run(command, escapes: true).final.joined().contains(green))

        let plain = try TmuxTerminal(columns: 120, rows: 40, folder: fixture.folder, environment: ["NO_COLOR": "1"])
        defer { plain.close() }
        let text = try plain.run(command, escapes: true).final.joined()
        #expect(text.contains("EXIT=0"))
        #expect(!text.contains(green))

        let piped = try fixture.agenthost(["run", fixture.request])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stdout.contains("\u{1B}"), "escape sequences in piped output")
    }

    @Test func quietPrintsOnlyTheSummary() throws {
        let fixture = try StoreFixture(sleepMilliseconds: 1)
        defer { fixture.remove() }
        let run = try fixture.agenthost(["run", fixture.request, "--quiet", "--id", "wf-quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("agent.started"))
        #expect(run.stdout.contains("workflow wf-quiet completed"))
        let contradiction = try fixture.agenthost(["status", "--quiet", "--verbose"])
        #expect(contradiction.status == 2)
        #expect(contradiction.stderr.contains("--verbose and --quiet contradict each other"))
    }
}

/// A detached tmux session of a given size running one command, read with capture-pane.
struct TmuxTerminal {
    /// What the terminal showed: screens captured while the command ran, and at the end the
    /// whole scrollback plus screen.
    struct Screens {
        var live: [[String]]
        var final: [String]
    }

    static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")

    private let socket = "agenthost-test-" + UUID().uuidString
    private let columns: Int
    private let rows: Int
    private let folder: String
    private let environment: [String: String]

    /// tmux's settings: scrollback to read, and a cleared screen is not copied into the
    /// scrollback (tmux's scroll-on-clear; a terminal emulator does not do that).
    private var configuration: String { folder + "/tmux-\(socket).conf" }

    init(columns: Int, rows: Int, folder: String, environment: [String: String] = [:]) throws {
        self.columns = columns
        self.rows = rows
        self.folder = folder
        self.environment = environment
        try "set -g history-limit 5000\nset -g scroll-on-clear off\n".write(
            toFile: configuration, atomically: true, encoding: .utf8)
    }

    /// Runs `command` in the terminal until it exits (at most two minutes), capturing the screen
    /// every 50 ms. `escapes` keeps colour sequences in the captures.
    func run(_ command: [String], escapes: Bool = false) throws -> Screens {
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let exports = environment.map { "export \($0.key)='\($0.value)'; " }.joined()
        let script = "cd '\(folder)'; unset AGENTHOST_MANIFEST_PATH AGENTHOST_PLUGIN_PATH NO_COLOR; \(exports)"
            + "\(quoted); echo EXIT=$?; sleep 600"
        _ = try tmux([
            "new-session", "-d", "-x", "\(columns)", "-y", "\(rows)", "-s", "main", "/bin/sh", "-c", script,
        ])
        var live: [[String]] = []
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let screen = try capture(history: false, escapes: escapes)
            if screen.contains(where: { $0.hasPrefix("EXIT=") }) { break }
            live.append(screen)
            usleep(50_000)
        }
        return Screens(live: live, final: try capture(history: true, escapes: escapes))
    }

    /// Ends the session and its server.
    func close() { _ = try? tmux(["kill-server"]) }

    private func capture(history: Bool, escapes: Bool) throws -> [String] {
        var arguments = ["capture-pane", "-p", "-t", "main"]
        if history { arguments += ["-S", "-5000"] }
        if escapes { arguments.append("-e") }
        let text = try tmux(arguments)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.reversed().drop { $0 == " " }.reversed())
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Runs one tmux command (bounded at 20 s) and returns what it printed.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        // Through bash, closing every inherited descriptor above 2 first: the tmux server it may
        // start must not keep open the descriptors Foundation watches to see the child end.
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            "-c", #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec /usr/bin/tmux "$@""#,
            "tmux", "-u", "-L", socket, "-f", configuration,
        ] + arguments
        var env = ProcessInfo.processInfo.environment
        env["TMUX"] = nil
        env["LANG"] = "C.UTF-8"
        env["TERM"] = "xterm-256color"
        process.environment = env
        let outputPath = NSTemporaryDirectory() + "agenthost-tmux-" + UUID().uuidString
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            throw TmuxError(message: "tmux \(arguments.joined(separator: " ")) did not return within 20 s")
        }
        try output.close()
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }
}

struct TmuxError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
