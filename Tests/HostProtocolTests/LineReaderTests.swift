import Foundation
import HostProtocol
import Testing

/// Writes `bytes` into a pipe, closes it and returns every line a reader delivers.
private func readAll(_ bytes: [UInt8], maximum: Int = 16, chunkSize: Int = 4) -> [InputLine] {
    var fds: [Int32] = [0, 0]
    precondition(pipe(&fds) == 0)
    let writeEnd = fds[1]
    let writer = Thread {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(writeEnd, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        close(writeEnd)
    }
    writer.start()
    let reader = LineReader(fileDescriptor: fds[0], maximumLineBytes: maximum, chunkSize: chunkSize)
    var lines: [InputLine] = []
    while let line = reader.next() { lines.append(line) }
    close(fds[0])
    return lines
}

@Suite struct LineReaderTests {
    @Test func splitsLinesAcrossChunksAndDropsCarriageReturns() {
        let lines = readAll(Array("{\"a\":1}\r\nsecond line\n\nlast".utf8))
        #expect(
            lines == [
                .line(Array("{\"a\":1}".utf8)), .line(Array("second line".utf8)), .line([]), .line(Array("last".utf8)),
            ])
    }

    @Test func discardsAnOversizedLineAndKeepsReading() {
        let long = String(repeating: "x", count: 100)
        let lines = readAll(Array("short\n\(long)\nafter\n".utf8))
        #expect(lines == [.line(Array("short".utf8)), .oversized(length: 100), .line(Array("after".utf8))])
    }

    @Test func aLineOfExactlyTheMaximumIsKept() {
        let exact = String(repeating: "y", count: 16)
        let lines = readAll(Array("\(exact)\n\(exact)z\n".utf8))
        #expect(lines == [.line(Array(exact.utf8)), .oversized(length: 17)])
    }

    @Test func anOversizedFinalLineWithoutNewlineIsReported() {
        let lines = readAll(Array(String(repeating: "q", count: 40).utf8), chunkSize: 7)
        #expect(lines == [.oversized(length: 40)])
    }

    @Test func largeChunksStillBoundMemoryPerLine() {
        let big = [UInt8](repeating: 0x41, count: 300_000) + [0x0A] + Array("ok\n".utf8)
        let lines = readAll(big, maximum: 1000, chunkSize: 65_536)
        #expect(lines == [.oversized(length: 300_000), .line(Array("ok".utf8))])
    }
}
