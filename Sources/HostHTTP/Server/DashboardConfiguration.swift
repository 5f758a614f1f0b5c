import Foundation

/// Settings of `agenthost serve --http`: where to listen and who may talk to it.
public struct DashboardConfiguration: Sendable {
    /// The address to bind: `127.0.0.1` by default.
    public var host: String
    /// The port; 0 lets the system choose (the chosen one is printed).
    public var port: Int
    /// The access token; required for any bind that is not loopback.
    public var token: String?
    /// Turns the mutating routes (start, pause, resume, cancel, reload) off.
    public var readOnly: Bool
    /// Host names accepted in the `Host` header besides the loopback ones and the bound address.
    public var allowedHosts: [String]
    /// The folder under which each workflow keeps its files (`<root>/<workflow_id>`).
    public var artifactsRoot: String
    /// `server_info.version` and `/api/v1/health`'s version.
    public var version: String

    /// The default port of `agenthost serve --http`.
    public static let defaultPort = 8720

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = DashboardConfiguration.defaultPort, token: String? = nil,
        readOnly: Bool = false, allowedHosts: [String] = [], artifactsRoot: String = ".agenthost/runs",
        version: String = "0.1.0"
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.readOnly = readOnly
        self.allowedHosts = allowedHosts
        self.artifactsRoot = artifactsRoot
        self.version = version
    }

    /// Reads `[HOST:]PORT` (`8720`, `0.0.0.0:8720`, `[::1]:8720`, `localhost:0`).
    /// - Throws: `DashboardConfigurationError` naming the text and what was expected.
    public static func parseAddress(_ text: String) throws(DashboardConfigurationError) -> (host: String, port: Int) {
        var host = "127.0.0.1"
        var portText = text
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw DashboardConfigurationError("--http \(text): an IPv6 address needs its closing ']', e.g. [::1]:8720")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw DashboardConfigurationError("--http \(text): expected ':PORT' after the address, e.g. [::1]:8720")
            }
            portText = String(rest.dropFirst())
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw DashboardConfigurationError(
                "--http \(text): '\(portText)' is not a port; expected [HOST:]PORT with PORT in 0...65535")
        }
        if host.isEmpty { host = "127.0.0.1" }
        return (host, port)
    }

    /// Whether the bound address only accepts connections from this machine.
    public var isLoopback: Bool { Self.loopbackNames.contains(host.lowercased()) || host.hasPrefix("127.") }

    /// Names that always mean this machine.
    static let loopbackNames: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]

    /// Refuses a non-loopback bind without a token.
    /// - Throws: `DashboardConfigurationError` saying how to give a token.
    public func validate() throws(DashboardConfigurationError) {
        if !isLoopback && (token ?? "").isEmpty {
            throw DashboardConfigurationError(
                "--http \(host):\(port) accepts connections from other machines, so it needs a token: "
                    + "pass --token TOKEN or set AGENTHOST_TOKEN (or bind 127.0.0.1)")
        }
        if let token, !token.isEmpty, token.count < 16 {
            throw DashboardConfigurationError("--token is \(token.count) characters long; use at least 16")
        }
    }

    /// A random token of 32 hex digits.
    public static func randomToken() -> String {
        (0..<2).map { _ in String(UInt64.random(in: .min ... .max), radix: 16).leftPadded(to: 16) }.joined()
    }
}

/// A setting of `agenthost serve --http` that cannot work, with what to do instead.
public struct DashboardConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
