/// "Did you mean ...?" for every unknown name: agents, fields, strategies, options.
///
/// One edit distance for the whole host (optimal string alignment: insertions, deletions,
/// substitutions and swaps of two neighbouring characters each cost 1), so `titel` suggests
/// `title` and `writr` suggests `writer` wherever a name is looked up.
public enum NameSuggestion {
    /// The candidate closest to `name`, when it is close enough to be a likely typo: at most
    /// one edit for names up to 5 characters, else at most a third of the longer name's length;
    /// failing that, a candidate that has `name` as a whole `_`-separated part (`retries` gives
    /// `max_retries`). Ties go to the earlier candidate. Comparison ignores case.
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let target = Array(name.lowercased().unicodeScalars)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let other = Array(candidate.lowercased().unicodeScalars)
            let limit = max(1, max(target.count, other.count) / 3)
            let distance = editDistance(target, other)
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        if let best { return best.name }
        let lowered = name.lowercased()
        guard lowered.count >= 3 else { return nil }
        return candidates.first { candidate in
            let parts = candidate.lowercased().split(separator: "_").map(String.init)
            return parts.count > 1 && parts.contains(lowered)
        }
    }

    /// `"; did you mean `x`?"` for the closest candidate, or an empty string when none is close.
    public static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { "; did you mean `\($0)`?" } ?? ""
    }

    /// The optimal-string-alignment distance between `a` and `b`.
    public static func editDistance<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rows: two back (for swaps), one back, and the current one.
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
