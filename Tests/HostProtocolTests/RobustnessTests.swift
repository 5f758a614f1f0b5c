import AgentCatalog
import HostProtocol
import Testing

/// Malformed input of every kind, each with the error code it must get.
struct MalformedCase: Sendable {
    var line: [UInt8]
    var code: Int64
    /// The id the error response carries (null when none could be read).
    var id: JSONValue
}

/// Deterministic generator of malformed lines (a small linear congruential generator).
struct MalformedLines {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    mutating func make(index: Int) -> MalformedCase {
        let id = JSONValue.integer(Int64(100_000 + index))
        let idText = id.compactText
        func text(_ string: String, _ code: Int64, _ id: JSONValue = .null) -> MalformedCase {
            MalformedCase(line: Array(string.utf8), code: code, id: id)
        }
        switch next(20) {
        case 0:
            // Truncated JSON at a random point.
            let full = #"{"jsonrpc":"2.0","id":\#(idText),"method":"workflow/status","params":{"workflow_id":"x"}}"#
            let cut = 1 + next(full.utf8.count - 1)
            return MalformedCase(line: Array(full.utf8.prefix(cut)), code: -32700, id: .null)
        case 1: return text(#"{"jsonrpc":"2.0","id":\#(idText),"method":"agents/list",}"#, -32700)
        case 2: return text(#"{'jsonrpc':'2.0'}"#, -32700)
        case 3:
            var bytes = Array(#"{"jsonrpc":"2.0","id":\#(idText),"method":"agents/describe","params":{"agent":"#.utf8)
            bytes += [0x22, 0xC3, 0x28, 0x22, 0x7D, 0x7D]
            return MalformedCase(line: bytes, code: -32700, id: .null)
        case 4: return MalformedCase(line: [0xFF, 0xFE, 0x7B], code: -32700, id: .null)
        case 5: return text(#"{"jsonrpc":"2.0","id":1e400,"method":"agents/list"}"#, -32700)
        case 6: return text(#"[{"jsonrpc":"2.0","id":\#(idText),"method":"agents/list"}]"#, -32600)
        case 7: return text("[]", -32600)
        case 8: return text(#""just a string""#, -32600)
        case 9: return text(#"{"jsonrpc":"2.0","id":\#(idText)}"#, -32600, id)
        case 10: return text(#"{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"agents/list"}"#, -32600)
        case 11: return text(#"{"jsonrpc":"2.0","id":{"nested":1},"method":"agents/list"}"#, -32600)
        case 12: return text(#"{"jsonrpc":2,"id":\#(idText),"method":"agents/list"}"#, -32600, id)
        case 13: return text(#"{"jsonrpc":"2.0","id":\#(idText),"method":"agents/frobnicate"}"#, -32601, id)
        case 14: return text(#"{"jsonrpc":"2.0","id":\#(idText),"method":"workflow/status","params":{}}"#, -32602, id)
        case 15:
            return text(
                #"{"jsonrpc":"2.0","id":\#(idText),"method":"workflow/status","params":{"workflow_id":42}}"#, -32602, id
            )
        case 16:
            return text(
                #"{"jsonrpc":"2.0","id":\#(idText),"method":"workflow/list","params":{"limit":1e300}}"#, -32602, id)
        case 17: return text(#"{"jsonrpc":"2.0","id":\#(idText),"method":"workflow/plan","params":[1,2]}"#, -32602, id)
        case 18:
            return text(
                #"{"jsonrpc":"2.0","id":\#(idText),"method":"workflow/status","params":{"workflow_id":"ghost-\#(index)"}}"#,
                1001, id)
        default:
            return text(
                #"{"jsonrpc":"2.0","id":\#(idText),"method":"workflow/plan","params":{"request":{"goal":7}}}"#, -32602,
                id)
        }
    }
}

@Suite struct RobustnessTests {
    @Test func thousandsOfMalformedLinesEachGetTheirErrorAndTheSessionSurvives() {
        let harness = ServerHarness(maximumLineBytes: 4096)
        harness.initialize()
        var generator = MalformedLines(seed: 7)
        let cases = (0..<3000).map { generator.make(index: $0) }
        var stream: [UInt8] = []
        for item in cases { stream += item.line + [0x0A] }
        harness.write(stream)
        // One oversized line, then a valid request.
        harness.write([UInt8](repeating: 0x7B, count: 10_000) + [0x0A])
        let errors = harness.inbox.waitForCount(cases.count + 1) { $0["error"] != nil }
        #expect(errors.count == cases.count + 1)
        // Requests with a readable id run concurrently, so match those by id; errors without
        // an id are written by the reader in input order.
        var byId: [JSONValue: JSONValue] = [:]
        for response in errors where response["id"] != .null { byId[response["id"]!] = response }
        let anonymous = errors.filter { $0["id"] == .null }
        let expectedAnonymous = cases.filter { $0.id == .null }
        #expect(anonymous.count == expectedAnonymous.count + 1)
        for (item, response) in zip(expectedAnonymous, anonymous) {
            #expect(
                response["error"]?["code"]?.integerValue == item.code,
                "line \(String(decoding: item.line, as: UTF8.self))")
        }
        for item in cases where item.id != .null {
            #expect(
                byId[item.id]?["error"]?["code"]?.integerValue == item.code,
                "line \(String(decoding: item.line, as: UTF8.self))")
        }
        #expect(errors.allSatisfy { $0["jsonrpc"] == "2.0" })
        #expect(anonymous.last?["error"]?["data"]?["limit"] == 4096)
        #expect(anonymous.last?["error"]?["data"]?["length"] == 10_000)
        #expect(result(harness.request("agents/list"))["agents"]?.arrayValue?.count == 5)
        // Every frame written is one valid JSON object on one line.
        #expect(harness.inbox.lines.allSatisfy { (try? JSONValue(parsing: $0))?.objectValue != nil })
        _ = harness.finish()
    }
}
