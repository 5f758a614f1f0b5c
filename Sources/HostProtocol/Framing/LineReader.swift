#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Implementation notes: the reader keeps at most `maximumLineBytes` of one pending line in
// memory. When a line grows past that, the bytes read so far are dropped and the reader skips
// input up to the next newline, then reports the line as `.oversized` with its full length.
// Reads are blocking `read(2)` calls, so `next()` belongs on a dedicated thread, never on
// Swift's cooperative pool.

/// One line of input, or the report of a line that was too long to keep.
public enum InputLine: Sendable, Equatable {
    /// A complete line, without its `\n` (and without a `\r` before it).
    case line([UInt8])
    /// A line of `length` bytes (newline excluded) that exceeded the maximum and was discarded.
    case oversized(length: Int)
}

/// Reads newline-terminated lines from a file descriptor with a bound on line length.
public final class LineReader {
    /// The default maximum line length: 16 MiB.
    public static let defaultMaximumLineBytes = 16 * 1024 * 1024

    /// The file descriptor read from; the reader does not close it.
    public let fileDescriptor: Int32
    /// The longest line, in bytes without its newline, that is delivered.
    public let maximumLineBytes: Int

    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var pending: [UInt8] = []
    private var discarding = false
    private var discardedLength = 0
    private var atEnd = false

    /// Creates a reader over `fileDescriptor`.
    /// - Parameters:
    ///   - fileDescriptor: an open descriptor, read with blocking `read(2)`.
    ///   - maximumLineBytes: lines longer than this are reported as `.oversized`.
    ///   - chunkSize: bytes requested per `read(2)`.
    public init(
        fileDescriptor: Int32, maximumLineBytes: Int = LineReader.defaultMaximumLineBytes, chunkSize: Int = 65_536
    ) {
        self.fileDescriptor = fileDescriptor
        self.maximumLineBytes = maximumLineBytes
        self.buffer = [UInt8](repeating: 0, count: max(chunkSize, 1))
    }

    /// The next line, or `nil` at end of input (or on a read error).
    ///
    /// A final line without a trailing newline is delivered before `nil`.
    public func next() -> InputLine? {
        while true {
            if start < end, let line = takeLine() { return line }
            if atEnd { return finishInput() }
            let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                atEnd = true
            } else if count == 0 {
                atEnd = true
            } else {
                start = 0
                end = count
            }
        }
    }

    /// Takes a line from the buffered bytes, or moves them into `pending` and returns nil.
    private func takeLine() -> InputLine? {
        let newline: Int? = buffer.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return nil }
            guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        guard let newline else {
            absorb(upTo: end)
            start = end
            return nil
        }
        absorb(upTo: newline)
        start = newline + 1
        return completeLine()
    }

    /// Adds `buffer[start..<limit]` to the pending line, or counts it while discarding.
    private func absorb(upTo limit: Int) {
        let count = limit - start
        guard count > 0 else { return }
        if discarding {
            discardedLength += count
            return
        }
        if pending.count + count > maximumLineBytes {
            discarding = true
            discardedLength = pending.count + count
            pending = []
            return
        }
        pending.append(contentsOf: buffer[start..<limit])
    }

    private func completeLine() -> InputLine {
        if discarding {
            let length = discardedLength
            discarding = false
            discardedLength = 0
            return .oversized(length: length)
        }
        var line = pending
        pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
        if line.last == 0x0D { line.removeLast() }
        return .line(line)
    }

    private func finishInput() -> InputLine? {
        if discarding || !pending.isEmpty { return completeLine() }
        return nil
    }
}
