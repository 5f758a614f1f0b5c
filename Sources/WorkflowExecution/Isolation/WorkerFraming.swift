import AgentCatalog
import AgentRuntime
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The worker protocol's framing: each message is a 4-byte little-endian length followed by
/// that many bytes of compact UTF-8 JSON.
///
/// Host to worker: `{"type":"run","id":N,"manifest":{...},"search":{"plugin_folders":[...],
/// "executable_folder":"..."},"input":{...}}` (the manifest in its file's vocabulary, with
/// `"source_file"` beside it) and `{"type":"cancel","id":N}`. Worker to host, for the running
/// call: `{"type":"log","level":"info","message":"..."}`, `{"type":"progress","fraction":0.5,
/// "message":"..."}`, then `{"type":"result","id":N,"status":"ok"|"failed"|"cancelled",
/// "output":{...},"message":"...","retryable":false}`.
enum WorkerFraming {
    /// Frames larger than this are refused: room for the largest output an agent may return
    /// (`AgentRuntime.maximumOutputBytes`) even if re-encoding it grows it fourfold (a number
    /// such as `1e14` prints as 15 digits), plus the frame's own fields.
    static let maximumFrame = 4 * AgentRuntime.maximumOutputBytes + (1 << 20)

    /// What one read gave.
    enum ReadResult {
        /// A frame holding a JSON value.
        case frame(JSONValue)
        /// End of file or a read error: the other side is gone.
        case closed
        /// A frame announced as `length` bytes, above `maximumFrame`; its body was not read.
        case tooLarge(Int)
        /// A frame whose body is not JSON.
        case malformed(String)
    }

    /// Writes one frame; false when the pipe is closed.
    static func write(_ message: JSONValue, to fd: Int32) -> Bool {
        write(body: message.compactBytes, to: fd)
    }

    /// Writes one frame whose body is `body` (compact JSON, at most `maximumFrame` bytes).
    static func write(body: [UInt8], to fd: Int32) -> Bool {
        precondition(body.count <= maximumFrame, "worker frame of \(body.count) bytes is above the limit")
        var length = UInt32(body.count).littleEndian
        var bytes = [UInt8](repeating: 0, count: 4 + body.count)
        withUnsafeBytes(of: &length) { header in
            for index in 0..<4 { bytes[index] = header[index] }
        }
        bytes.replaceSubrange(4..., with: body)
        return StandardOutputGuard.write(bytes, to: fd)
    }

    /// Reads one frame; nil at end of file, on a read error or a frame that is too large or malformed.
    static func read(from fd: Int32) -> JSONValue? {
        if case .frame(let value) = readFrame(from: fd) { return value }
        return nil
    }

    /// Reads one frame and says what came.
    static func readFrame(from fd: Int32) -> ReadResult {
        var header = [UInt8](repeating: 0, count: 4)
        guard readExactly(&header, from: fd) else { return .closed }
        let length = Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24)
        guard length <= maximumFrame else { return .tooLarge(length) }
        var body = [UInt8](repeating: 0, count: length)
        guard readExactly(&body, from: fd) else { return .closed }
        do {
            return .frame(try JSONValue(parsing: body))
        } catch {
            return .malformed("\(error)")
        }
    }

    private static func readExactly(_ buffer: inout [UInt8], from fd: Int32) -> Bool {
        var offset = 0
        let count = buffer.count
        while offset < count {
            let got = buffer.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress! + offset, count - offset) }
            if got < 0 {
                if errno == EINTR { continue }
                return false
            }
            if got == 0 { return false }
            offset += got
        }
        return true
    }
}

/// Names of the signals a worker may die of.
func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGSEGV: return "SIGSEGV"
    case SIGABRT: return "SIGABRT"
    case SIGKILL: return "SIGKILL"
    case SIGBUS: return "SIGBUS"
    case SIGFPE: return "SIGFPE"
    case SIGILL: return "SIGILL"
    case SIGTERM: return "SIGTERM"
    case SIGTRAP: return "SIGTRAP"
    default: return "signal \(signal)"
    }
}
