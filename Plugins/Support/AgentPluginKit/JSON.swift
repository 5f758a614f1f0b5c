// JSON.swift — tolerant accessors for values decoded by JSONSerialization.
import Foundation

/// Tolerant readers for `Any` values from JSONSerialization (numbers may arrive as
/// NSNumber, Int or Double; missing or mistyped fields read as nil).
public enum JSON {
    /// A non-empty string, or nil.
    public static func string(_ value: Any?) -> String? {
        guard let s = value as? String, !s.isEmpty else { return nil }
        return s
    }

    /// Whether `value` is a JSON boolean. JSONSerialization on Linux hands booleans over as
    /// an NSNumber of type "c", and `1 is Bool` holds there, so the test is by type.
    public static func isBool(_ value: Any?) -> Bool {
        guard let value else { return false }
        if type(of: value) == Bool.self { return true }
        if let number = value as? NSNumber, type(of: value) != Int.self, type(of: value) != Double.self {
            return String(cString: number.objCType) == "c"
        }
        return false
    }

    /// A number as Double, or nil (booleans are not numbers).
    public static func double(_ value: Any?) -> Double? {
        if isBool(value) { return nil }
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        if let n = value as? NSNumber { return n.doubleValue }
        return nil
    }

    /// A number as Int (rounded toward zero), or nil.
    public static func int(_ value: Any?) -> Int? {
        guard let d = double(value), d.isFinite, abs(d) < 1e15 else { return nil }
        return Int(d)
    }

    /// A boolean, or nil.
    public static func bool(_ value: Any?) -> Bool? {
        guard isBool(value), let b = value as? Bool else { return nil }
        return b
    }

    /// An array, or empty.
    public static func array(_ value: Any?) -> [Any] { value as? [Any] ?? [] }

    /// An array of objects (other elements dropped).
    public static func objects(_ value: Any?) -> [[String: Any]] { array(value).compactMap { $0 as? [String: Any] } }

    /// An object, or empty.
    public static func object(_ value: Any?) -> [String: Any] { value as? [String: Any] ?? [:] }

    /// Strings of an array, or a single string as a one-element array; others dropped.
    public static func strings(_ value: Any?) -> [String] {
        if let s = string(value) { return [s] }
        return array(value).compactMap { string($0) }
    }
}
