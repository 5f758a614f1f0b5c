/// Durations as people read them, the same in every table, message and report.
public enum DurationText {
    /// `0 s`, `0.5 ms`, `40 ms`, `12.5 s`, `990 s`, `1.5 h`.
    ///
    /// Below 50 µs is `0 s` (floating-point dust from sums of estimates); below 0.95 s whole
    /// milliseconds (tenths below 1 ms); then tenths of a second, trailing `.0` dropped;
    /// from an hour on, tenths of an hour.
    public static func describe(_ seconds: Double) -> String {
        let magnitude = abs(seconds)
        guard magnitude >= 0.000_05 else { return "0 s" }
        let sign = seconds < 0 ? "-" : ""
        if magnitude < 0.95 {
            let milliseconds = magnitude * 1000
            return sign + (milliseconds >= 1 ? "\(Int(milliseconds.rounded())) ms" : "\(tenths(milliseconds)) ms")
        }
        if magnitude >= 3600 { return sign + "\(tenths(magnitude / 3600)) h" }
        return sign + "\(tenths(magnitude)) s"
    }

    /// `value` to one decimal, without a trailing `.0`.
    private static func tenths(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }
}
