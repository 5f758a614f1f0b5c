import Foundation
import TestSupport
import Testing

@Suite(
    .enabled(if: NetworkNamespaces.isAvailable, Comment(rawValue: NetworkNamespaces.unavailableReason ?? "")),
    .enabled(if: PostgresServer.isAvailable, Comment(rawValue: PostgresServer.unavailableReason ?? "")))
struct NetworkNamespacesTests {
    @Test func aHostReachesTheDatabaseOnTheBridgeUntilItsLinkIsCut() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        let network = try NetworkNamespaces(count: 2)
        defer { network.remove() }
        try server.listen(on: network.bridgeAddress)
        #expect(server.addresses == ["127.0.0.1", network.bridgeAddress])

        let query = server.psqlCommand("select inet_client_addr()", host: network.bridgeAddress)
        let before = try network.run(in: "h1", query)
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout == network.host("h1").address + "\n")
        // The namespace is a machine of its own: the server's loopback address is not its loopback.
        #expect(try network.run(in: "h1", server.psqlCommand("select 1", host: "127.0.0.1")).status != 0)

        try network.cut("h1")
        let cut = try network.run(in: "h1", query)
        #expect(cut.status != 0)
        let other = try network.run(in: "h2", query)
        #expect(other.stdout == network.host("h2").address + "\n")

        try network.reconnect("h1")
        #expect(try network.run(in: "h1", query).stdout == network.host("h1").address + "\n")
    }

    @Test func killAllEndsEveryProcessOfOneHostOnly() throws {
        let network = try NetworkNamespaces(count: 2)
        defer { network.remove() }
        // A shell with a child, so the kill reaches processes the harness did not start itself.
        let parent = try network.start(in: "h1", ExternalCommand("/bin/sh", ["-c", "sleep 600 & sleep 600; wait"]))
        let bystander = try network.start(in: "h2", ExternalCommand("/bin/sleep", ["600"]))
        defer { bystander.terminate() }
        while network.pids(in: "h1").count < 3 { usleep(10_000) }
        #expect(network.pids(in: "h1").contains(parent.pid))

        #expect(network.killAll(in: "h1") == 3)
        #expect(parent.wait() == 128 + SIGKILL)
        #expect(network.pids(in: "h1").isEmpty)
        #expect(bystander.isRunning)
        #expect(network.pids(in: "h2") == [bystander.pid])
    }

    @Test func removeLeavesNoNamespaceOrLinkBehind() throws {
        let network = try NetworkNamespaces(count: 3)
        let sleeper = try network.start(in: "h3", ExternalCommand("/bin/sleep", ["600"]))
        #expect(network.hosts.map(\.name) == ["h1", "h2", "h3"])
        #expect(Set(network.hosts.map(\.address)).count == 3)
        #expect(network.hosts.allSatisfy { $0.namespace.hasPrefix(network.prefix) && $0.link.count <= 15 })
        let ip = try #require(NetworkNamespaces.ip)
        #expect(try ExternalCommand(ip, ["netns", "list"]).check().contains(network.prefix))

        network.remove()
        #expect(sleeper.wait() == 128 + SIGKILL)
        #expect(!(try ExternalCommand(ip, ["netns", "list"]).check().contains(network.prefix)))
        #expect(!(try ExternalCommand(ip, ["link", "show"]).check().contains(network.prefix)))
        network.remove()
    }

    @Test func parallelRunsGetDistinctNamesAndSubnets() throws {
        let first = try NetworkNamespaces(count: 1)
        defer { first.remove() }
        let second = try NetworkNamespaces(count: 1)
        defer { second.remove() }
        #expect(first.prefix != second.prefix)
        #expect(first.subnet != second.subnet)
        #expect(try first.run(in: "h1", ExternalCommand("/bin/true", [])).status == 0)
    }
}
