// Implementation notes: work over many items (manifest files, names to look up) is cut into
// fixed chunks that Dispatch hands to every core; each chunk writes only its own slots, so
// results stay in item order whatever the number of cores or the timing. Below one chunk the
// work runs inline, with no thread hand-off.
import Dispatch

/// Runs work over item ranges on every core.
public enum Parallel {
    /// Calls `body` once per chunk of `0..<count` (chunks of `chunk` items, the last one
    /// shorter), on every core when there is more than one chunk, inline otherwise. `body`
    /// must touch only state that belongs to its range.
    public static func forEachChunk(of count: Int, chunk: Int, _ body: (Range<Int>) -> Void) {
        let chunk = max(1, chunk)
        let chunks = (count + chunk - 1) / chunk
        guard chunks > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        // concurrentPerform wants a Sendable closure; the contract above is what makes the
        // body safe to call from several threads, so it is passed through unchecked.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                work.value(index * chunk..<min(count, (index + 1) * chunk))
            }
        }
    }

    /// `transform` of every index of `0..<count`, in index order, computed by chunks on every core.
    public static func map<Value>(_ count: Int, chunk: Int, _ transform: (Int) -> Value) -> [Value] {
        [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = buffer.baseAddress
            forEachChunk(of: count, chunk: chunk) { range in
                for index in range { (base! + index).initialize(to: transform(index)) }
            }
            initialized = count
        }
    }

    /// Runs `first` here and `second` on another core at the same time; returns both results.
    public static func both<First, Second>(_ first: () -> First, _ second: () -> Second) -> (First, Second) {
        var one: First?
        var two: Second?
        forEachChunk(of: 2, chunk: 1) { range in
            if range.lowerBound == 0 { one = first() } else { two = second() }
        }
        return (one!, two!)
    }
}

/// A value handed to other threads under a contract the compiler cannot check.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
