/// A plain array-backed binary min-heap: the one heap of the host, used by the schedule
/// simulations and by the executor (its ready queue and its timers).
///
/// Implementation notes: its users only insert, read and pop the minimum, and their
/// element types order totally (ties are broken by agent index or order), so any correct heap
/// pops the same sequence. A binary heap does that with fewer comparisons and moves than a
/// min-max heap, and the sift loops move a hole instead of swapping.
public struct BinaryHeap<Element: Comparable> {
    private var storage: [Element] = []

    /// An empty heap.
    public init() {}

    /// Number of elements.
    public var count: Int { storage.count }
    /// Whether the heap is empty.
    public var isEmpty: Bool { storage.isEmpty }
    /// The smallest element, if any.
    public var min: Element? { storage.first }

    /// Adds `element`: O(log n).
    public mutating func insert(_ element: Element) {
        storage.append(element)
        storage.withUnsafeMutableBufferPointer { heap in
            var hole = heap.count - 1
            while hole > 0 {
                let parent = (hole - 1) / 2
                guard element < heap[parent] else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = element
        }
    }

    /// Removes and returns the smallest element: O(log n).
    public mutating func popMin() -> Element? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else { return last }
        return storage.withUnsafeMutableBufferPointer { heap in
            let top = heap[0]
            let count = heap.count
            var hole = 0
            while true {
                var child = 2 * hole + 1
                guard child < count else { break }
                if child + 1 < count, heap[child + 1] < heap[child] { child += 1 }
                guard heap[child] < last else { break }
                heap[hole] = heap[child]
                hole = child
            }
            heap[hole] = last
            return top
        }
    }
}

extension BinaryHeap: Sendable where Element: Sendable {}
