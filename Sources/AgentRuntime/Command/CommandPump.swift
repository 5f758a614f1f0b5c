import AgentCatalog
import CAgentCommand
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

// Implementation notes
// One call's I/O runs on the calling thread in a single poll loop over the process's stdin
// (the input is written as the process reads it, so a large input cannot deadlock against
// a chatty stdout), stdout, stderr, its pidfd (exit) and a wake pipe (cancellation). On
// cancellation the whole process group gets SIGTERM, then SIGKILL after the grace period.
// When the process exits, what is left in the pipes is drained and whatever it spawned is
// killed, so a background child holding stdout open cannot keep the call waiting.

/// How a running call is told to stop: the grace period before SIGKILL, and a way to be
/// woken at once instead of polling `isCancelled`.
public struct CommandStop: Sendable {
    /// Seconds between SIGTERM and SIGKILL.
    public var grace: Double
    /// Registers a handler run once when the call must stop (at once if it must already).
    public var register: @Sendable (@escaping @Sendable () -> Void) -> Void

    /// Creates a stop.
    public init(grace: Double, register: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.grace = grace
        self.register = register
    }
}

/// How one exchange with a command process ended.
enum PumpEnd {
    /// A persistent command answered one line (without its newline).
    case line([UInt8])
    /// The process exited; its whole stdout.
    case exited(Termination, [UInt8])
    /// stdout passed `max_output_bytes`; the process was killed. The bytes read so far.
    case tooLarge(Int)
    /// The call was told to stop and the process was stopped.
    case stopped(Termination)
}

/// A pipe whose write end may be poked from any thread until it is closed.
final class WakePipe: Sendable {
    /// The pipe's ends, -1 once closed (or when the pipe could not be made).
    private struct Ends {
        var read: Int32
        var write: Int32
    }
    private let ends: Mutex<Ends>

    init() {
        var fds: [Int32] = [-1, -1]
        if agent_command_pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
        ends = Mutex(Ends(read: fds[0], write: fds[1]))
    }

    var readEnd: Int32 { ends.withLock { $0.read } }

    /// Makes `readEnd` readable; does nothing once closed.
    func poke() {
        ends.withLock { ends in
            var byte: UInt8 = 1
            if ends.write >= 0 { _ = write(ends.write, &byte, 1) }
        }
    }

    func close() {
        ends.withLock { ends in
            for fd in [ends.read, ends.write] where fd >= 0 { _ = Glibc.close(fd) }
            ends = Ends(read: -1, write: -1)
        }
    }
}

/// Runs one exchange with a command process: writes `input`, reads answers and logs.
struct CommandPump {
    let process: CommandProcess
    let limit: Int
    let context: any AgentCallContext
    let stop: CommandStop?

    /// Writes `input` (closing stdin after it when `closeInput`), then reads until the
    /// process exits, or, with `untilLine`, until one complete stdout line.
    func run(input: [UInt8], closeInput: Bool, untilLine: Bool) -> PumpEnd {
        let wake = WakePipe()
        defer { wake.close() }
        stop?.register { wake.poke() }
        var output = process.pendingOutput
        process.pendingOutput = []
        var written = 0
        var killAt: Double?
        var stopped = false
        var exited: Termination?
        if input.isEmpty && closeInput { process.close(&process.input) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if untilLine, let newline = output.firstIndex(of: UInt8(ascii: "\n")) {
                process.pendingOutput = Array(output[(newline + 1)...])
                return .line(Array(output[..<newline]))
            }
            if output.count > limit {
                process.kill(SIGKILL)
                finish()
                return .tooLarge(output.count)
            }
            if let exited, process.output < 0 && process.errors < 0 {
                return stopped ? .stopped(exited) : .exited(exited, output)
            }
            var fds: [pollfd] = []
            let writing = process.input >= 0 && written < input.count
            if writing { fds.append(pollfd(fd: process.input, events: Int16(POLLOUT), revents: 0)) }
            for fd in [process.output, process.errors] where fd >= 0 {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
            }
            if exited == nil { fds.append(pollfd(fd: process.exitFD, events: Int16(POLLIN), revents: 0)) }
            if !stopped && stop != nil { fds.append(pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0)) }
            var timeout: Int32 = stop == nil ? 100 : -1
            if let killAt { timeout = Int32(max(0, (killAt - Self.now()) * 1000).rounded(.up)) }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR {
                process.kill(SIGKILL)
                return .stopped(finish())
            }
            let readable = { (fd: Int32) in fds.contains { $0.fd == fd && $0.revents != 0 } }
            if !stopped && (readable(wake.readEnd) || (stop == nil && context.isCancelled)) {
                stopped = true
                process.kill(SIGTERM)
                killAt = Self.now() + (stop?.grace ?? 1)
            }
            if let deadline = killAt, Self.now() >= deadline {
                process.kill(SIGKILL)
                killAt = nil
            }
            if writing && readable(process.input) {
                let count = input.withUnsafeBytes { raw in
                    write(process.input, raw.baseAddress! + written, min(65536, input.count - written))
                }
                if count > 0 { written += count }
                // EPIPE: the process stopped reading; its answer (or exit) says why.
                if count < 0 && errno != EAGAIN && errno != EINTR { process.close(&process.input) }
                if written == input.count && closeInput { process.close(&process.input) }
            }
            if readable(process.output) { drain(&process.output) { output += $0 } }
            if readable(process.errors) { drain(&process.errors) { process.stderr.feed($0, context: context) } }
            if exited == nil && readable(process.exitFD) {
                exited = process.reap()
                // Nothing more can come once the group is dead: drain and close both pipes.
                drain(&process.output, untilEmpty: true) { output += $0 }
                drain(&process.errors, untilEmpty: true) { process.stderr.feed($0, context: context) }
                process.close(&process.output)
                process.close(&process.errors)
                process.stderr.finish(context: context)
            }
        }

        func drain(_ fd: inout Int32, untilEmpty: Bool = false, _ take: (ArraySlice<UInt8>) -> Void) {
            while fd >= 0 {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 {
                    take(buffer[..<count])
                    if !untilEmpty || output.count > limit { return }
                } else if count == 0 {
                    process.close(&fd)
                } else {
                    if errno == EINTR { continue }
                    if errno != EAGAIN { process.close(&fd) }
                    return
                }
            }
        }
    }

    /// Reaps a killed process and closes its pipes.
    @discardableResult
    private func finish() -> Termination {
        let termination = process.reap()
        process.stderr.finish(context: context)
        process.closeAll()
        return termination
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
