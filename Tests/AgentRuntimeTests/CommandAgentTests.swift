import AgentCatalog
import AgentRuntime
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Command agents as their users meet them: real programs (small shell scripts and the
/// Python helper), their answers, and the message of every way they can fail.
@Suite(.serialized) struct CommandAgentTests {
    /// Writes `script` as an executable `name` into a fresh folder and returns a command
    /// manifest for it whose file lies in the same folder.
    private func scriptAgent(
        _ name: String, _ script: String, persistent: Bool = false,
        maxOutputBytes: Int = CommandSpec.defaultMaxOutputBytes,
        parallelSafe: Bool = true
    ) throws -> Manifest {
        let folder = try makeTemporaryFolder()
        let path = folder + "/\(name).sh"
        try ("#!/bin/sh\n" + script).write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        var manifest = try manifest(name, library: "", in: folder, parallelSafe: parallelSafe, kind: .command)
        manifest.isolation = .process
        manifest.command = CommandSpec(command: "\(name).sh", persistent: persistent, maxOutputBytes: maxOutputBytes)
        return manifest
    }

    private func call(
        _ manifest: Manifest, input: String = #"{"agent":"x","campaign":{"title":"Solar"},"inputs":{}}"#,
        context: any AgentCallContext = RecordingContext(), stop: CommandStop? = nil,
        runtime: AgentRuntime = makeRuntime()
    ) throws -> CommandCallResult {
        let agent = try runtime.load(manifest)
        let stop = stop ?? CommandStop(grace: 1, register: { _ in })
        return try #require(agent.runCommand(inputBytes: Array(input.utf8), context: context, stop: stop))
    }

    private func failureOf(_ result: CommandCallResult) -> (message: String, retryable: Bool)? {
        if case .failed(let message, let retryable) = result.outcome { return (message, retryable) }
        Issue.record("expected a failure, got \(result.outcome)")
        return nil
    }

    // MARK: - One-shot

    @Test func aProgramReadsTheInputOnStdinAndAnswersOnStdout() throws {
        let agent = try scriptAgent(
            "echoer",
            """
            input=$(cat)
            echo '{"level": "warning", "message": "read the input"}' >&2
            echo '{"progress": 0.5, "message": "halfway"}' >&2
            echo "a plain line" >&2
            printf '{"seen": %s, "cwd_ok": true}' "$input"
            """)
        let context = RecordingContext()
        let result = try call(agent, context: context)
        guard case .succeeded(let output) = result.outcome else {
            Issue.record("expected success, got \(result.outcome)")
            return
        }
        #expect(output["seen"]?["campaign"]?["title"] == "Solar")
        #expect(context.logs.map(\.1) == ["read the input", "a plain line"])
        #expect(context.logs.first?.0 == .warning)
        #expect(context.progressed.first?.0 == 0.5 && context.progressed.first?.1 == "halfway")
    }

    @Test func aNonZeroExitFailsWithTheStatusAndTheLastStderrLines() throws {
        let agent = try scriptAgent("failing", "cat >/dev/null\necho 'cannot reach the API' >&2\nexit 3\n")
        let result = try call(agent)
        let failure = try #require(failureOf(result))
        #expect(failure.message.contains("exited with status 3"), "\(failure.message)")
        #expect(failure.message.contains("cannot reach the API"), "\(failure.message)")
        #expect(!failure.retryable)
        #expect(result.signal == nil)
    }

    @Test func exitStatus75IsARetryableFailure() throws {
        let agent = try scriptAgent("flaky", "cat >/dev/null\nexit 75\n")
        let failure = try #require(failureOf(try call(agent)))
        #expect(failure.retryable)
        #expect(failure.message.contains("EX_TEMPFAIL"), "\(failure.message)")
    }

    @Test func aCrashNamesTheSignalAndMayBeRetried() throws {
        let agent = try scriptAgent("crasher", "cat >/dev/null\nkill -SEGV $$\n")
        let result = try call(agent)
        let failure = try #require(failureOf(result))
        #expect(failure.message.contains("was killed by SIGSEGV"), "\(failure.message)")
        #expect(result.signal == "SIGSEGV")
        #expect(failure.retryable)
    }

    @Test func stdoutThatIsNotAnObjectIsRefusedQuotingIt() throws {
        let agent = try scriptAgent("talker", "cat >/dev/null\necho 'hello world'\n")
        let failure = try #require(failureOf(try call(agent)))
        #expect(failure.message.contains("not one JSON object: \"hello world"), "\(failure.message)")
    }

    @Test func oversizedStdoutKillsTheProgramWithANamedError() throws {
        let agent = try scriptAgent(
            "flood", "cat >/dev/null\nwhile :; do echo 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'; done\n",
            maxOutputBytes: 1000)
        let result = try call(agent)
        let failure = try #require(failureOf(result))
        #expect(
            failure.message.contains("wrote more than max_output_bytes (1000 bytes) on stdout"), "\(failure.message)")
        #expect(failure.message.contains("raise `max_output_bytes`"), "\(failure.message)")
        #expect(result.signal == nil, "the host's own kill is not a crash")
    }

    @Test func aLargeInputIsWrittenWhileTheProgramAnswers() throws {
        // 1 MiB in, echoed back: neither side may wait for the other with a full pipe.
        let agent = try scriptAgent("mirror", "cat\n")
        let text = String(repeating: "a", count: 1 << 20)
        let result = try call(agent, input: #"{"text":"\#(text)"}"#)
        guard case .succeeded(let output) = result.outcome else {
            Issue.record("expected success, got \(result.outcome)")
            return
        }
        #expect(output["text"]?.stringValue?.utf8.count == 1 << 20)
    }

    @Test func aProgramThatExitsWithoutReadingItsInputFailsTheCallNotTheHost() throws {
        let agent = try scriptAgent("deaf", "echo 'not listening' >&2\nexit 2\n")
        let text = String(repeating: "a", count: 4 << 20)
        let failure = try #require(failureOf(try call(agent, input: #"{"text":"\#(text)"}"#)))
        #expect(
            failure.message.contains("exited with status 2") && failure.message.contains("not listening"),
            "\(failure.message)")
    }

    @Test func stoppingKillsTheProgramAndWhatItSpawned() throws {
        // The script starts a child in the background, tells the host its pid on stderr and
        // waits; the context stops the call as soon as it hears the pid.
        let agent = try scriptAgent(
            "sleeper",
            """
            cat >/dev/null
            sleep 300 &
            echo "{\\"level\\": \\"info\\", \\"message\\": \\"child $!\\"}" >&2
            wait
            """)
        let stopper = Stopper()
        let result = try call(agent, context: stopper, stop: CommandStop(grace: 1, register: stopper.register))
        guard case .cancelled(let message) = result.outcome else {
            Issue.record("expected a cancellation, got \(result.outcome)")
            return
        }
        #expect(message?.contains("killed by SIGTERM") == true, "\(message ?? "")")
        let child = try #require(stopper.childPid)
        #expect(diesSoon(child), "the background child \(child) survived its program")
    }

    @Test func anAgentThatIsNotParallelSafeNeverRunsTwiceAtOnce() throws {
        // mkdir is atomic: a second call inside the first one's window fails with status 9.
        let agent = try scriptAgent(
            "single",
            """
            cat >/dev/null
            mkdir "$0.busy" 2>/dev/null || exit 9
            sleep 0.2
            rmdir "$0.busy"
            echo '{"single": true}'
            """, parallelSafe: false)
        let runtime = makeRuntime()
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            results.append((try? call(agent, runtime: runtime))?.outcome)
        }
        #expect(results.values.count == 3)
        for outcome in results.values {
            guard case .succeeded = outcome else {
                Issue.record("two calls overlapped: \(String(describing: outcome))")
                continue
            }
        }
    }

    // MARK: - Persistent

    @Test func aPersistentProgramServesManyCallsAndIsRestartedWhenItDies() throws {
        let agent = try scriptAgent(
            "server",
            """
            while read -r line; do
              case "$line" in
                *crash*) kill -KILL $$ ;;
                *) echo "{\\"output\\": {\\"pid\\": $$}}" ;;
              esac
            done
            """, persistent: true)
        let runtime = makeRuntime()
        let first = try call(agent, input: #"{"n":1}"#, runtime: runtime)
        let second = try call(agent, input: #"{"n":2}"#, runtime: runtime)
        #expect(first.pid != nil && first.pid == second.pid, "one process serves both calls")
        let crashed = try call(agent, input: #"{"crash":true}"#, runtime: runtime)
        let failure = try #require(failureOf(crashed))
        #expect(failure.message.contains("persistent command"), "\(failure.message)")
        #expect(failure.message.contains("was killed by SIGKILL"), "\(failure.message)")
        #expect(failure.retryable)
        let after = try call(agent, input: #"{"n":3}"#, runtime: runtime)
        guard case .succeeded(let output) = after.outcome else {
            Issue.record("expected success after the restart, got \(after.outcome)")
            return
        }
        #expect(after.pid != first.pid, "a new process took over")
        #expect(output["pid"]?.integerValue == Int64(after.pid ?? 0))
        runtime.shutdownAll()
        #expect(diesSoon(after.pid ?? 0), "shutdown ends idle persistent processes")
    }

    @Test func overlappingCallsOfAParallelSafePersistentAgentEachGetAProcess() throws {
        // Each process announces itself; a call answers once two are up (or after ~10 s, alone).
        let agent = try scriptAgent(
            "pair",
            """
            touch "$0.up.$$"
            while read -r line; do
              n=0
              while [ "$(ls "$0".up.* | wc -l)" -lt 2 ] && [ $n -lt 1000 ]; do sleep 0.01; n=$((n+1)); done
              echo "{\\"output\\": {\\"peers\\": $(ls "$0".up.* | wc -l)}}"
            done
            """, persistent: true)
        let runtime = makeRuntime()
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            results.append((try? call(agent, runtime: runtime))?.outcome)
        }
        for outcome in results.values {
            guard case .succeeded(let output) = outcome else {
                Issue.record("expected success, got \(String(describing: outcome))")
                continue
            }
            #expect(output["peers"] == 2, "the two calls were served one after the other")
        }
        runtime.shutdownAll()
    }

    @Test func aPersistentErrorAnswerFailsOneCallAndKeepsTheProcess() throws {
        let agent = try scriptAgent(
            "picky", "while read -r line; do echo '{\"error\": \"no sources\", \"retryable\": true}'; done\n",
            persistent: true)
        let runtime = makeRuntime()
        let first = try call(agent, runtime: runtime)
        let failure = try #require(failureOf(first))
        #expect(failure.message == "agent 'picky': no sources")
        #expect(failure.retryable)
        let second = try call(agent, runtime: runtime)
        #expect(second.pid == first.pid)
        runtime.shutdownAll()
    }

    // MARK: - The Python helper

    private func pythonAgent(persistent: Bool) throws -> Manifest {
        var manifest = try manifest(
            "keywords", library: "", in: repositoryRoot + "/Examples/polyglot", kind: .command)
        manifest.isolation = .process
        manifest.command = CommandSpec(
            command: "keywords_agent.py", environment: ["PYTHONDONTWRITEBYTECODE": "1"], persistent: persistent)
        return manifest
    }

    private static let article =
        ##"{"inputs": {"writer": {"blog_content": {"markdown": "# Solar\n\nSolar panels on school roofs. Panels pay."}},"##
        + ##" "rust_digest": {"digest": {"title": "Solar", "lead": "Solar panels on school roofs."}}}}"##

    @Test(arguments: [false, true])
    func thePythonHelperServesAFunctionBothWays(persistent: Bool) throws {
        let runtime = makeRuntime(pluginFolders: [repositoryRoot + "/Plugins/Python"])
        let manifest = try pythonAgent(persistent: persistent)
        let context = RecordingContext()
        let first = try call(manifest, input: Self.article, context: context, runtime: runtime)
        guard case .succeeded(let output) = first.outcome else {
            Issue.record("expected success, got \(first.outcome)")
            return
        }
        #expect(output["keywords"]?["top"]?.arrayValue?.first?["word"] == "panels")
        #expect(output["keywords"]?["lead"] == "Solar panels on school roofs.")
        #expect(context.progressed.map(\.0) == [0.2, 1.0])
        #expect(context.logs.contains { $0.1.hasPrefix("5 distinct content words; top: panels") }, "\(context.logs)")
        let missing = try call(manifest, input: #"{"inputs": {}}"#, runtime: runtime)
        let failure = try #require(failureOf(missing))
        #expect(failure.message.contains("no input holds blog_content.markdown"), "\(failure.message)")
        if persistent {
            let again = try call(manifest, input: Self.article, runtime: runtime)
            #expect(again.pid == first.pid, "the persistent interpreter is reused")
        }
        runtime.shutdownAll()
    }

    @Test(arguments: [false, true])
    func thePythonHelperTurnsRetryableErrorsAndPrintsIntoWhatTheHostExpects(persistent: Bool) throws {
        let folder = try makeTemporaryFolder()
        let script = """
            #!/usr/bin/env python3
            from agenthost_agent import RetryableError, serve

            def handle(agent_input, host):
                print("a stray print")
                if agent_input.get("attempt") == 1:
                    raise RetryableError("the model is busy")
                return {"attempt": agent_input["attempt"]}

            serve(handle)
            """
        try script.write(toFile: folder + "/busy.py", atomically: true, encoding: .utf8)
        chmod(folder + "/busy.py", 0o755)
        var manifest = try manifest("busy", library: "", in: folder, kind: .command)
        manifest.command = CommandSpec(
            command: "busy.py",
            environment: ["PYTHONPATH": repositoryRoot + "/Plugins/Python", "PYTHONDONTWRITEBYTECODE": "1"],
            persistent: persistent)
        let runtime = makeRuntime()
        let context = RecordingContext()
        let first = try #require(
            failureOf(try call(manifest, input: #"{"attempt": 1}"#, context: context, runtime: runtime)))
        #expect(first.retryable, "\(first.message)")
        #expect(first.message.contains(persistent ? "the model is busy" : "EX_TEMPFAIL"), "\(first.message)")
        let second = try call(manifest, input: #"{"attempt": 2}"#, context: context, runtime: runtime)
        guard case .succeeded(let output) = second.outcome else {
            Issue.record("expected success, got \(second.outcome)")
            return
        }
        #expect(output == ["attempt": 2], "a print inside the function never reaches the answer")
        #expect(context.logs.contains { $0.1 == "a stray print" }, "\(context.logs)")
        runtime.shutdownAll()
    }

    // MARK: - Resolution

    @Test func aMissingCommandNamesEveryFolderSearched() throws {
        let folder = try makeTemporaryFolder()
        var manifest = try manifest("ghost", library: "", in: folder, kind: .command)
        manifest.command = CommandSpec(command: "no-such-agent-program")
        let error = loadError { () throws(AgentRuntimeError) in _ = try makeRuntime().load(manifest) }
        #expect(error?.code == .commandNotFound)
        #expect(error?.message.contains("command 'no-such-agent-program' not found; searched: \(folder)") == true)
        #expect(error?.message.contains("PATH") == true, "\(error?.message ?? "")")
    }

    @Test func aCommandThatIsNotExecutableSaysHowToFixIt() throws {
        var agent = try scriptAgent("plain", "exit 0\n")
        let path = agent.source.folder + "/plain.sh"
        chmod(path, 0o644)
        agent.command?.command = "plain.sh"
        let error = loadError { () throws(AgentRuntimeError) in _ = try makeRuntime().load(agent) }
        #expect(error?.code == .commandNotExecutable)
        #expect(
            error?.message.contains("is not executable (mode 644); fix it with: chmod +x") == true,
            "\(error?.message ?? "")")
    }

    @Test func aBareProgramNameIsFoundOnPATH() throws {
        let folder = try makeTemporaryFolder()
        var manifest = try manifest("shell", library: "", in: folder, kind: .command)
        manifest.command = CommandSpec(command: "sh", arguments: ["-c", #"cat >/dev/null; echo '{"ok": true}'"#])
        let result = try call(manifest)
        guard case .succeeded(let output) = result.outcome else {
            Issue.record("expected success, got \(result.outcome)")
            return
        }
        #expect(output["ok"] == true)
    }
}

/// Outcomes collected from several threads. `@unchecked Sendable`: guarded by `lock`.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [AgentCallOutcome?] = []
    func append(_ outcome: AgentCallOutcome?) { lock.withLock { outcomes.append(outcome) } }
    var values: [AgentCallOutcome?] { lock.withLock { outcomes } }
}

/// Whether `pid` is gone within a few seconds: a SIGKILL is delivered asynchronously, so a
/// process the host just killed may take a moment to die. Not a timing assertion: the bound
/// only keeps a real survivor from hanging the test.
func diesSoon(_ pid: Int32) -> Bool {
    for _ in 0..<500 {
        if !isRunning(pid) { return true }
        usleep(10_000)
    }
    return false
}

/// Whether `pid` is a live (not zombie) process.
func isRunning(_ pid: Int32) -> Bool {
    guard pid > 0, kill(pid, 0) == 0 else { return false }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    // The state follows the parenthesized command name: "Z" is a zombie waiting for a reaper.
    guard let close = stat.lastIndex(of: ")") else { return false }
    return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}

/// A context that stops its call when the program logs "child <pid>". `@unchecked
/// Sendable`: guarded by `lock`.
final class Stopper: AgentCallContext, @unchecked Sendable {
    private let lock = NSLock()
    private var handler: (@Sendable () -> Void)?
    private var child: Int32?

    var childPid: Int32? { lock.withLock { child } }

    @Sendable func register(_ handler: @escaping @Sendable () -> Void) { lock.withLock { self.handler = handler } }

    func log(_ level: AgentLogLevel, _ message: String) {
        guard message.hasPrefix("child "), let pid = Int32(message.dropFirst(6)) else { return }
        let stop = lock.withLock {
            child = pid
            return handler
        }
        stop?()
    }

    func progress(_ fraction: Double, _ message: String?) {}
    var isCancelled: Bool { false }
}
