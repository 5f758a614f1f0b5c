import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Implementation notes: a combining writer. Any thread may `send` a frame; the first thread
// to find no writer active becomes the writer and drains the queue, so frames are written
// whole, in the order they were queued, and a burst of frames goes out in few `write(2)`
// calls. Other senders only append and return. Only the thread that became the writer can
// block, when the reader of the pipe is slow.

/// Writes protocol frames (one JSON text and a newline each) to a file descriptor without
/// ever interleaving two frames.
public final class FrameWriter: Sendable {
    private struct State {
        var queue: [UInt8] = []
        var writing = false
        var failed = false
        var frames: Int = 0
    }

    /// The descriptor written to; the writer does not close it.
    public let fileDescriptor: Int32
    private let state = Mutex(State())

    /// Creates a writer over `fileDescriptor`.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Whether a write has failed (the reader went away); later frames are dropped.
    public var hasFailed: Bool { state.withLock { $0.failed } }

    /// Number of frames queued since creation.
    public var framesSent: Int { state.withLock { $0.frames } }

    /// Queues `text` plus a newline and writes it unless another thread is already writing.
    /// - Parameter text: one compact JSON text; it must contain no raw newline.
    public func send(_ text: String) {
        let becameWriter = state.withLock { state -> Bool in
            guard !state.failed else { return false }
            state.queue.append(contentsOf: text.utf8)
            state.queue.append(0x0A)
            state.frames += 1
            if state.writing { return false }
            state.writing = true
            return true
        }
        if becameWriter { drain() }
    }

    private func drain() {
        while true {
            let chunk = state.withLock { state -> [UInt8]? in
                if state.queue.isEmpty || state.failed {
                    state.writing = false
                    state.queue = []
                    return nil
                }
                let chunk = state.queue
                state.queue = []
                return chunk
            }
            guard let chunk else { return }
            if !writeAll(chunk) { state.withLock { $0.failed = true } }
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
