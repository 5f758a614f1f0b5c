/// The rule a workflow id must follow before it names a folder (`<out>/<workflow_id>`) or a row.
public enum WorkflowIdentifier {
    /// The longest accepted id, in bytes.
    public static let maximumLength = 128

    /// Why `id` is not a valid workflow id, or nil when it is one: ASCII letters, digits, `-`,
    /// `_` and `.`, not starting with a dot, 1 to 128 characters. So an id is always one plain
    /// path component: never `..`, never a `/`, never hidden.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "a workflow id may not be empty" }
        if id.utf8.count > maximumLength {
            return "a workflow id has at most \(maximumLength) characters, this one has \(id.utf8.count)"
        }
        if id.hasPrefix(".") { return "a workflow id may not start with '.'" }
        let allowed = id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                return true
            default: return false
            }
        }
        if !allowed { return "a workflow id may contain only letters, digits, '-', '_' and '.'" }
        return nil
    }
}
