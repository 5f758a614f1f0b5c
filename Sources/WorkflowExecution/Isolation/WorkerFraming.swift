import AgentCatalog
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The worker protocol's framing: each message is a 4-byte little-endian length followed by
/// that many bytes of compact UTF-8 JSON.
///
/// Host to worker: `{"type":"run","id":N,"agent":{...},"input":{...}}` and
/// `{"type":"cancel","id":N}`. Worker to host, for the running call: `{"type":"log","level":
/// "info","message":"..."}`, `{"type":"progress","fraction":0.5,"message":"..."}`, then
/// `{"type":"result","id":N,"status":"ok"|"failed"|"cancelled","output":{...},"message":"...",
/// "retryable":false}`.
enum WorkerFraming {
    /// Frames larger than this are refused (64 MiB).
    static let maximumFrame = 64 << 20

    /// Writes one frame; false when the pipe is closed.
    static func write(_ message: JSONValue, to fd: Int32) -> Bool {
        let body = message.compactBytes
        var length = UInt32(body.count).littleEndian
        var bytes = [UInt8](repeating: 0, count: 4 + body.count)
        withUnsafeBytes(of: &length) { header in
            for index in 0..<4 { bytes[index] = header[index] }
        }
        bytes.replaceSubrange(4..., with: body)
        return writeAll(bytes, to: fd)
    }

    /// Reads one frame; nil at end of file, on a read error or a malformed frame.
    static func read(from fd: Int32) -> JSONValue? {
        var header = [UInt8](repeating: 0, count: 4)
        guard readExactly(&header, from: fd) else { return nil }
        let length = Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24)
        guard length <= maximumFrame else { return nil }
        var body = [UInt8](repeating: 0, count: length)
        guard readExactly(&body, from: fd) else { return nil }
        return try? JSONValue(parsing: body)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
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
