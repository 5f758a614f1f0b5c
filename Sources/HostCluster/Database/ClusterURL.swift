import Foundation
import PostgresNIO

/// A `postgres://` URL turned into a PostgresNIO configuration.
///
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, or with `?host=/folder` (as libpq reads
/// it) for the server's Unix socket `/folder/.s.PGSQL.PORT`. TLS is not supported yet.
public struct ClusterURL: Sendable, CustomStringConvertible {
    /// The URL as given.
    public let text: String
    /// The client configuration it names.
    public let configuration: PostgresClient.Configuration

    /// The URL as given.
    public var description: String { text }

    /// Parses `text`.
    /// - Throws: `ClusterError` naming what is wrong.
    public init(_ text: String) throws(ClusterError) {
        self.text = text
        guard let parts = URLComponents(string: text), let scheme = parts.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else { throw .badURL(text, "not a postgres:// URL") }
        let query = Dictionary(
            (parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let user = parts.user?.removingPercentEncoding ?? query["user"] ?? NSUserName()
        let password = parts.password?.removingPercentEncoding ?? query["password"]
        var database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        database = database.removingPercentEncoding ?? database
        let port = parts.port ?? query["port"].flatMap { Int($0) } ?? 5432
        var configuration: PostgresClient.Configuration
        if let folder = query["host"], folder.hasPrefix("/") {
            configuration = .init(
                unixSocketPath: "\(folder)/.s.PGSQL.\(port)", username: user, password: password,
                database: database.isEmpty ? nil : database)
        } else {
            guard let host = parts.host, !host.isEmpty else { throw .badURL(text, "no host") }
            if let mode = query["sslmode"], mode != "disable" {
                throw .badURL(text, "sslmode=\(mode) is not supported yet (step 1 connects without TLS)")
            }
            configuration = .init(
                host: host, port: port, username: user, password: password,
                database: database.isEmpty ? nil : database, tls: .disable)
        }
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 8
        self.configuration = configuration
    }
}
