import Foundation

/// An error of the cluster module: a stable code, a message that names what is at fault and
/// how to fix it.
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    /// What kind of error it is.
    public enum Code: String, Sendable {
        case badURL = "bad_url"
        case database
        case migration
        case noNode = "no_node"
        case badRow = "bad_row"
    }

    /// The kind.
    public let code: Code
    /// The whole message.
    public let message: String

    public var description: String { message }

    /// `--cluster URL` cannot be used.
    static func badURL(_ url: String, _ reason: String) -> ClusterError {
        ClusterError(
            code: .badURL,
            message: "--cluster '\(url)': \(reason); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE "
                + "(or ?host=/socket/folder for a local socket)")
    }

    /// A statement failed.
    static func database(_ what: String, _ error: any Error) -> ClusterError {
        ClusterError(code: .database, message: "cluster database: \(what) failed: \(String(reflecting: error))")
    }

    /// A migration failed.
    static func migration(_ version: Int, _ name: String, _ error: any Error) -> ClusterError {
        ClusterError(
            code: .migration,
            message: "cluster database: migration \(version) (\(name)) failed and was rolled back: \(String(reflecting: error))")
    }

    /// The database was migrated by a newer agenthost.
    static func newerSchema(_ version: Int, known: Int) -> ClusterError {
        ClusterError(
            code: .migration,
            message: "cluster database: schema version \(version) is newer than this agenthost knows (\(known)); "
                + "upgrade agenthost on this machine")
    }

    /// No live node registered agents the plan needs.
    public static func noNode(for agents: [(name: String, version: String)], cluster: String) -> ClusterError {
        let names = agents.map { "'\($0.name)' (version \($0.version))" }.joined(separator: ", ")
        return ClusterError(
            code: .noNode,
            message: "no live node of the cluster registered \(names); start one on a machine that has "
                + "the agent's manifest and library: agenthost node --cluster \(cluster) --slots 4 --manifests DIR")
    }

    /// A row the code wrote could not be read back.
    static func badRow(_ what: String) -> ClusterError {
        ClusterError(code: .badRow, message: "cluster database: \(what)")
    }
}
