import AgentCatalog
import Foundation
import HostProtocol

/// Collects the frames a server writes, read on a background thread, for tests to await.
final class FrameInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var frames: [JSONValue] = []
    private var rawLines: [[UInt8]] = []
    private var ended = false
    private var consumedResponses: Set<Int> = []

    /// Starts reading `fileDescriptor` until end of input.
    init(fileDescriptor: Int32) {
        let thread = Thread { [self] in
            let reader = LineReader(fileDescriptor: fileDescriptor, maximumLineBytes: 64 << 20)
            while let line = reader.next() {
                guard case .line(let bytes) = line else { continue }
                let value = (try? JSONValue(parsing: bytes)) ?? .string("UNPARSEABLE FRAME")
                condition.lock()
                frames.append(value)
                rawLines.append(bytes)
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            ended = true
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    /// Every frame so far.
    var all: [JSONValue] {
        condition.lock()
        defer { condition.unlock() }
        return frames
    }

    /// Every raw line so far.
    var lines: [[UInt8]] {
        condition.lock()
        defer { condition.unlock() }
        return rawLines
    }

    /// Whether the writer closed its end.
    var hasEnded: Bool {
        condition.lock()
        defer { condition.unlock() }
        return ended
    }

    /// Waits until a frame satisfies `predicate`; nil after `timeout` seconds.
    func waitFor(timeout: Double = 20, _ predicate: (JSONValue) -> Bool) -> JSONValue? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let frame = frames.first(where: predicate) { return frame }
            if ended || !condition.wait(until: deadline) { return frames.first(where: predicate) }
        }
    }

    /// Waits until `count` frames from index `start` on satisfy `predicate`; returns those found by then.
    func waitForCount(
        _ count: Int, after start: Int = 0, timeout: Double = 20, _ predicate: (JSONValue) -> Bool
    ) -> [JSONValue] {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            let found = frames[min(start, frames.count)...].filter(predicate)
            if found.count >= count || ended || !condition.wait(until: deadline) { return found }
        }
    }

    /// Waits for the end of output.
    func waitForEnd(timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !ended { if !condition.wait(until: deadline) { return ended } }
        return true
    }

    /// The response to request `id`.
    func response(to id: JSONValue, timeout: Double = 20) -> JSONValue? {
        waitFor(timeout: timeout) { $0["id"] == id && ($0["result"] != nil || $0["error"] != nil) }
    }

    /// `workflow/event` notifications of `workflowId`, in arrival order.
    func events(of workflowId: String) -> [JSONValue] {
        all.filter { $0["method"] == "workflow/event" && $0["params"]?["workflow_id"]?.stringValue == workflowId }
    }
}
