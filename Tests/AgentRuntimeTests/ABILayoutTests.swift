import AgentPluginABI
import Foundation
import Testing

/// docs/PLUGIN_ABI.md's layout table is what authors binding from other languages copy: it
/// must say exactly how the compiler lays out the header's structs.
@Suite struct ABILayoutTests {
    /// (struct, field) -> (offset, size) as compiled; a field named "(total)" is the struct's size.
    private static func compiled() -> [String: (offset: Int?, size: Int)] {
        let host = agent_host()
        let output = agent_output()
        let descriptor = agent_plugin_descriptor()
        func entry<T, F>(_ type: T.Type, _ name: String, _ path: KeyPath<T, F>, _ value: F) -> (String, (Int?, Int)) {
            ("\(T.self).\(name)", (MemoryLayout<T>.offset(of: path), MemoryLayout.size(ofValue: value)))
        }
        let rows: [(String, (Int?, Int))] = [
            entry(agent_host.self, "abi_major", \.abi_major, host.abi_major),
            entry(agent_host.self, "abi_minor", \.abi_minor, host.abi_minor),
            entry(agent_host.self, "struct_size", \.struct_size, host.struct_size),
            entry(agent_host.self, "reserved0", \.reserved0, host.reserved0),
            entry(agent_host.self, "host_data", \.host_data, host.host_data),
            entry(agent_host.self, "log", \.log, host.log),
            entry(agent_host.self, "progress", \.progress, host.progress),
            entry(agent_host.self, "is_cancelled", \.is_cancelled, host.is_cancelled),
            ("agent_host.(total)", (nil, MemoryLayout<agent_host>.size)),
            entry(agent_output.self, "abi_major", \.abi_major, output.abi_major),
            entry(agent_output.self, "abi_minor", \.abi_minor, output.abi_minor),
            entry(agent_output.self, "struct_size", \.struct_size, output.struct_size),
            entry(agent_output.self, "reserved0", \.reserved0, output.reserved0),
            entry(agent_output.self, "data", \.data, output.data),
            entry(agent_output.self, "length", \.length, output.length),
            entry(agent_output.self, "plugin_data", \.plugin_data, output.plugin_data),
            ("agent_output.(total)", (nil, MemoryLayout<agent_output>.size)),
            entry(agent_plugin_descriptor.self, "abi_major", \.abi_major, descriptor.abi_major),
            entry(agent_plugin_descriptor.self, "abi_minor", \.abi_minor, descriptor.abi_minor),
            entry(agent_plugin_descriptor.self, "struct_size", \.struct_size, descriptor.struct_size),
            entry(agent_plugin_descriptor.self, "flags", \.flags, descriptor.flags),
            entry(agent_plugin_descriptor.self, "name", \.name, descriptor.name),
            entry(agent_plugin_descriptor.self, "version", \.version, descriptor.version),
            entry(agent_plugin_descriptor.self, "description", \.description, descriptor.description),
            entry(agent_plugin_descriptor.self, "init", \.`init`, descriptor.`init`),
            entry(agent_plugin_descriptor.self, "run", \.run, descriptor.run),
            entry(agent_plugin_descriptor.self, "free_output", \.free_output, descriptor.free_output),
            entry(agent_plugin_descriptor.self, "shutdown", \.shutdown, descriptor.shutdown),
            entry(agent_plugin_descriptor.self, "reserved", \.reserved, descriptor.reserved),
            ("agent_plugin_descriptor.(total)", (nil, MemoryLayout<agent_plugin_descriptor>.size)),
        ]
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, (offset: $0.1.0, size: $0.1.1)) })
    }

    /// The table rows of docs/PLUGIN_ABI.md: "| `struct` | `field` | offset | size | type |".
    private static func documented() throws -> [String: (offset: Int?, size: Int)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/PLUGIN_ABI.md"), encoding: .utf8)
        var rows: [String: (offset: Int?, size: Int)] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `agent_") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, let size = Int(cells[3]) else { continue }
            let strip = { (cell: String) in cell.replacingOccurrences(of: "`", with: "") }
            rows["\(strip(cells[0])).\(strip(cells[1]))"] = (Int(cells[2]), size)
        }
        return rows
    }

    @Test func theDocumentedLayoutTableMatchesTheHeader() throws {
        let compiled = Self.compiled()
        let documented = try Self.documented()
        #expect(Set(documented.keys) == Set(compiled.keys), "rows missing or extra in docs/PLUGIN_ABI.md")
        for (key, actual) in compiled {
            let written = documented[key]
            let documentedText = written.map { "\($0.offset.map(String.init) ?? "-") / \($0.size)" } ?? "nothing"
            #expect(
                written?.offset == actual.offset && written?.size == actual.size,
                "\(key): compiled \(actual.offset.map(String.init) ?? "-") / \(actual.size), documented \(documentedText)")
        }
    }
}
