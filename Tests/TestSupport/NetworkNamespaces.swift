import Foundation

/// N network "hosts" on one machine: a namespace each, joined by a bridge in the root namespace.
///
/// Implementation notes: host i (1-based) is the namespace `<prefix>-h<i>` with `eth0` at
/// `<subnet>.(10 + i)/24`, the peer of the veth `<prefix>h<i>` that is a port of the bridge
/// `<prefix>br` at `<subnet>.1` (``bridgeAddress``), where servers of the root namespace (the
/// database) listen. The prefix holds this process's pid and a random part, so parallel runs never
/// collide, and ``sweepLeftovers()`` can remove what a crashed run left. Cutting a host downs its
/// veth in the root namespace: packets are dropped, connections stay open with no FIN, as when a
/// machine's cable is pulled. Everything needs root and iproute2's `ip`.
public final class NetworkNamespaces: @unchecked Sendable {
    /// One host: a namespace with one address on the bridge's subnet.
    public struct Host: Sendable, Hashable {
        /// The short name tests use: `h1`, `h2`, ...
        public var name: String
        /// The network namespace's name (`ip netns exec <namespace>`).
        public var namespace: String
        /// Its address on the bridge's subnet.
        public var address: String
        /// The root-namespace end of its veth pair, a port of the bridge.
        public var link: String
    }

    // MARK: - Availability

    /// iproute2's `ip`, or nil.
    public static let ip: String? = ExternalCommand.find("ip", preferring: ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"])

    /// Why namespaces cannot be made here (naming the fix), or nil when they can: checked once by
    /// making and removing a namespace.
    public static let unavailableReason: String? = {
        guard let ip else { return "iproute2's `ip` is not installed: apt-get install iproute2" }
        guard geteuid() == 0 else { return "network namespaces need root (`ip netns add`); run the tests as root" }
        let probe = "ahprobe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try ExternalCommand(ip, ["netns", "add", probe]).check()
            _ = try? ExternalCommand(ip, ["netns", "delete", probe]).run()
        } catch {
            return "cannot make a network namespace here (\(error)); the tests need CAP_SYS_ADMIN and CAP_NET_ADMIN"
        }
        sweepLeftovers()
        return nil
    }()

    /// Whether namespaces can be made here; use with `.enabled(if:)` and ``unavailableReason``.
    public static var isAvailable: Bool { unavailableReason == nil }

    // MARK: - The hosts

    /// The per-run prefix of every name: `ah<pid in base 36>x<random>`, at most 11 characters.
    public let prefix: String
    /// The hosts, `h1` first.
    public let hosts: [Host]
    /// The bridge in the root namespace.
    public let bridge: String
    /// The bridge's address, which every host reaches (make the database listen on it).
    public let bridgeAddress: String
    /// The subnet, as `10.a.b.0/24`.
    public let subnet: String

    private let lock = NSLock()
    private var removed = false

    /// Makes `count` hosts on a fresh /24 under 10.0.0.0/8 that no interface of this machine uses.
    /// - Throws: a ``HarnessError`` naming the `ip` command that failed (everything made is removed).
    public init(count: Int) throws {
        if let reason = Self.unavailableReason { throw HarnessError(reason) }
        precondition((1...200).contains(count), "NetworkNamespaces: count must be 1...200, got \(count)")
        prefix = "ah" + String(getpid(), radix: 36) + "x" + String(UInt16.random(in: 0...UInt16.max), radix: 36)
        bridge = prefix + "br"
        let used = (try? ExternalCommand(Self.ip!, ["-4", "-o", "addr", "show"]).check()) ?? ""
        var base: String
        repeat {
            base = "10.\(Int.random(in: 64...250)).\(Int.random(in: 1...250))"
        } while used.contains(" \(base).")
        subnet = base + ".0/24"
        bridgeAddress = base + ".1"
        let prefix = self.prefix
        hosts = (1...count).map { index in
            Host(
                name: "h\(index)", namespace: "\(prefix)-h\(index)", address: "\(base).\(10 + index)",
                link: "\(prefix)h\(index)")
        }
        do {
            try ip(["link", "add", bridge, "type", "bridge"])
            try ip(["link", "set", bridge, "alias", "agenthost-test pid=\(getpid())"])
            try ip(["addr", "add", bridgeAddress + "/24", "dev", bridge])
            try ip(["link", "set", bridge, "up"])
            for host in hosts {
                try ip(["netns", "add", host.namespace])
                try ip(["link", "add", host.link, "type", "veth", "peer", "name", "eth0", "netns", host.namespace])
                try ip(["link", "set", host.link, "master", bridge])
                try ip(["link", "set", host.link, "up"])
                try ip(["-n", host.namespace, "addr", "add", host.address + "/24", "dev", "eth0"])
                try ip(["-n", host.namespace, "link", "set", "eth0", "up"])
                try ip(["-n", host.namespace, "link", "set", "lo", "up"])
            }
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    /// The host named `name` (`h1`...).
    public func host(_ name: String) -> Host {
        guard let host = hosts.first(where: { $0.name == name }) else {
            preconditionFailure("NetworkNamespaces: no host \(name); the hosts are \(hosts.map(\.name))")
        }
        return host
    }

    /// `command` run inside `host`'s namespace (`ip netns exec`), as its account when it has one.
    public func command(in host: String, _ command: ExternalCommand) -> ExternalCommand {
        var inner = [command.executable] + command.arguments
        if let account = command.account, account.uid != geteuid() {
            inner = ["/usr/bin/setpriv", "--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups", "--"] + inner
        }
        return ExternalCommand(
            Self.ip!, ["netns", "exec", self.host(host).namespace] + inner, in: command.directory,
            environment: command.environment)
    }

    /// Runs `command` inside `host` to its end.
    public func run(in host: String, _ command: ExternalCommand) throws -> ExternalCommand.Result {
        try self.command(in: host, command).run()
    }

    /// Starts `command` inside `host`, its output appended to `logFile`.
    public func start(in host: String, _ command: ExternalCommand, logFile: String? = nil) throws -> SpawnedProcess {
        try SpawnedProcess(self.command(in: host, command), logFile: logFile)
    }

    /// Cuts `host` off: its link goes down, packets to and from it are dropped, its connections stay open.
    public func cut(_ host: String) throws {
        try ip(["link", "set", self.host(host).link, "down"])
    }

    /// Reconnects a host that ``cut(_:)`` cut off.
    public func reconnect(_ host: String) throws {
        try ip(["link", "set", self.host(host).link, "up"])
    }

    /// The pids of every process in `host`'s namespace.
    public func pids(in host: String) -> [pid_t] {
        Self.pids(inNamespace: self.host(host).namespace)
    }

    /// Sends SIGKILL to every process in `host`'s namespace, until none is left (children
    /// forked meanwhile too); returns how many it killed.
    @discardableResult
    public func killAll(in host: String) -> Int {
        Self.killAll(inNamespace: self.host(host).namespace)
    }

    /// Kills every process in the hosts and removes the namespaces, links and bridge; safe to call twice.
    public func remove() {
        let first = lock.withLock {
            defer { removed = true }
            return !removed
        }
        guard first, let ip = Self.ip else { return }
        for host in hosts {
            Self.killAll(inNamespace: host.namespace)
            _ = try? ExternalCommand(ip, ["link", "delete", host.link]).run()
            _ = try? ExternalCommand(ip, ["netns", "delete", host.namespace]).run()
        }
        _ = try? ExternalCommand(ip, ["link", "delete", bridge]).run()
    }

    /// Removes the namespaces and bridges that runs of the harness left behind when their process
    /// died (their pid, in the name or the bridge's alias, no longer exists).
    public static func sweepLeftovers() {
        guard let ip else { return }
        let alive: (Substring) -> Bool = { pid in pid_t(pid).map { kill($0, 0) == 0 || errno == EPERM } ?? true }
        let namespaces = (try? ExternalCommand(ip, ["netns", "list"]).check()) ?? ""
        for line in namespaces.split(separator: "\n") {
            let name = line.split(separator: " ").first.map(String.init) ?? ""
            guard name.hasPrefix("ah"), let x = name.firstIndex(of: "x"), name.contains("-h"),
                let pid = Int(name[name.index(name.startIndex, offsetBy: 2)..<x], radix: 36), !alive("\(pid)")
            else { continue }
            killAll(inNamespace: name)
            _ = try? ExternalCommand(ip, ["netns", "delete", name]).run()
        }
        let links = (try? ExternalCommand(ip, ["-o", "link", "show", "type", "bridge"]).check()) ?? ""
        for line in links.split(separator: "\n") {
            guard let range = line.range(of: "alias agenthost-test pid=") else { continue }
            let pid = line[range.upperBound...].prefix { $0.isNumber }
            let fields = line.split(separator: " ")
            guard fields.count > 1, !alive(pid) else { continue }
            let name = fields[1].split(separator: ":").first.map { String($0.split(separator: "@")[0]) } ?? ""
            _ = try? ExternalCommand(ip, ["link", "delete", name]).run()
        }
    }

    // MARK: - Private helpers

    private func ip(_ arguments: [String]) throws {
        try ExternalCommand(Self.ip!, arguments).check()
    }

    private static func pids(inNamespace namespace: String) -> [pid_t] {
        guard let ip, let text = try? ExternalCommand(ip, ["netns", "pids", namespace]).check() else { return [] }
        return text.split(separator: "\n").compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    @discardableResult
    private static func killAll(inNamespace namespace: String) -> Int {
        var killed = Set<pid_t>()
        for _ in 0..<50 {
            let pids = pids(inNamespace: namespace)
            if pids.isEmpty { break }
            for pid in pids where kill(pid, SIGKILL) == 0 { killed.insert(pid) }
            usleep(20_000)
        }
        return killed.count
    }
}
