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
    ///
    /// The fields are fed to the hash as they are, with the same separators a joined text
    /// would have (`,` inside a field, U+001F between fields), so nothing is built in between:
    /// the executor computes this for every attempt it starts.
    public var identityHash: String {
        var hash = FNV1a()
        hash.field(library)
        hash.field(entry)
        hash.field(kind.rawValue)
        hash.field(sha256 ?? "")
        hash.list(capabilities) { $0 }
        hash.list(outputs) { $0 }
        hash.list(dependencies) { ("\($0.target)", "/", $0.type.rawValue) }
        hash.field(config.isNull ? "null" : config.compactText)
        hash.field(inputSchema?.json.compactText ?? "", last: cFunction == nil)
        if let signature = cFunction {
            hash.field(signature.symbol)
            hash.list(signature.arguments) { ($0.name, ":", $0.type.rawValue) }
            hash.add(signature.returns.type.rawValue)
            hash.add(":")
            hash.add(signature.returns.output)
        }
        let hex = String(hash.value, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12))
    }
}

/// FNV-1a 64 over text fed piece by piece.
private struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                value ^= UInt64(byte)
                value = value &* 0x0000_0100_0000_01b3
            }
        }
    }

    /// `text` then the field separator U+001F (none after the last field).
    mutating func field(_ text: String, last: Bool = false) {
        add(text)
        if !last { add("\u{1F}") }
    }

    /// The elements' texts joined by `,`, then the field separator.
    mutating func list<Element>(_ elements: [Element], _ text: (Element) -> String) {
        for (index, element) in elements.enumerated() {
            if index > 0 { add(",") }
            add(text(element))
        }
        add("\u{1F}")
    }

    /// The elements' three pieces (`a`, `b`, `c` as `abc`) joined by `,`, then the field separator.
    mutating func list<Element>(_ elements: [Element], _ text: (Element) -> (String, String, String)) {
        for (index, element) in elements.enumerated() {
            if index > 0 { add(",") }
            let (a, b, c) = text(element)
            add(a)
            add(b)
            add(c)
        }
        add("\u{1F}")
    }
}
