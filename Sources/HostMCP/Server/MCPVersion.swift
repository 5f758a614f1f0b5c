/// The MCP protocol versions this server speaks, and the negotiation of `initialize`.
public enum MCPVersion {
    /// Every revision this server speaks, newest first.
    public static let supported = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    /// The newest revision.
    public static let latest = supported[0]

    /// The MCP rule: the client's version when this server supports it, else the server's
    /// latest (the client then decides whether it can go on).
    public static func negotiate(_ requested: String?) -> String {
        guard let requested, supported.contains(requested) else { return latest }
        return requested
    }

    /// Whether `version` has tool results with `structuredContent` and `resource_link`
    /// content (2025-06-18 and later).
    static func hasStructuredContent(_ version: String) -> Bool {
        version >= "2025-06-18"
    }
}
