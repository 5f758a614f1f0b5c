/// Durations as people read them, the same in every table, message and report.
public enum DurationText {
    /// `0 s`, `0.5 ms`, `40 ms`, `12.5 s`, `16 min 30 s`, `1 h 30 min`.
    ///
    /// Below 50 µs is `0 s` (floating-point dust from sums of estimates); below 0.95 s whole
    /// milliseconds (tenths below 1 ms); below a minute tenths of a second, trailing `.0`
    /// dropped; below an hour minutes and whole seconds (`2 min` when the seconds are 0); from
    /// an hour on, hours and whole minutes.
    public static func describe(_ seconds: Double) -> String {
        let magnitude = abs(seconds)
        guard magnitude >= 0.000_05 else { return "0 s" }
        let sign = seconds < 0 ? "-" : ""
        if magnitude < 0.95 {
            let milliseconds = magnitude * 1000
            return sign + (milliseconds >= 1 ? "\(Int(milliseconds.rounded())) ms" : "\(tenths(milliseconds)) ms")
        }
        if magnitude < 59.95 { return sign + "\(tenths(magnitude)) s" }
        let wholeSeconds = Int(magnitude.rounded())
        if wholeSeconds < 3600 { return sign + pair(wholeSeconds / 60, "min", wholeSeconds % 60, "s") }
        let wholeMinutes = Int((magnitude / 60).rounded())
        return sign + pair(wholeMinutes / 60, "h", wholeMinutes % 60, "min")
    }

    /// `3 min 5 s`, or `3 min` when the second part is 0.
    private static func pair(_ major: Int, _ majorUnit: String, _ minor: Int, _ minorUnit: String) -> String {
        minor == 0 ? "\(major) \(majorUnit)" : "\(major) \(majorUnit) \(minor) \(minorUnit)"
    }

    /// `value` to one decimal, without a trailing `.0`.
    private static func tenths(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }
}
