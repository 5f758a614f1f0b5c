// Implementation notes: learned durations belong to one agent, not to whatever carries its
// name. The identity is the name, the version and a hash of what makes the code and the
// contract: the library (and its declared sha256), entry, kind, c-function signature,
// capabilities, dependencies, outputs, config and input schema. Operational settings
// (estimate, timeout, retries, resources, description) are left out, so tuning them keeps the
// history. The hash is FNV-1a 64 over a fixed text form: stable across processes and builds.

extension Manifest {
    /// `name@version#hash`: what learned estimates are keyed by (docs/STORE.md).
    public var identity: String { "\(name)@\(version)#\(identityHash)" }

    /// 12 hex digits identifying the agent's code and contract (see the notes above).
    public var identityHash: String {
        var parts: [String] = [
            library, entry, kind.rawValue, sha256 ?? "",
            capabilities.joined(separator: ","), outputs.joined(separator: ","),
            dependencies.map { "\($0.target)/\($0.type.rawValue)" }.joined(separator: ","),
            config.compactText, inputSchema?.json.compactText ?? "",
        ]
        if let signature = cFunction {
            parts.append(signature.symbol)
            parts.append(signature.arguments.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ","))
            parts.append("\(signature.returns.type.rawValue):\(signature.returns.output)")
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12))
    }
}
