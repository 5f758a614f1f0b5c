import Testing

@testable import AgentCatalog

@Suite struct JSONValueTests {
    @Test func parsesAndKeepsKeyOrder() throws {
        let value = try JSONValue(parsing: #"{"b": 1, "a": [true, null, 2.5, "x\n\u00e9"]}"#)
        #expect(value.objectValue?.keys.elementsEqual(["b", "a"]) == true)
        #expect(value["b"] == .integer(1))
        #expect(value["a"] == [true, nil, 2.5, "x\né"])
        #expect(value.compactText == #"{"b":1,"a":[true,null,2.5,"x\né"]}"#)
    }

    @Test func keepsLargeIntegersExact() throws {
        #expect(try JSONValue(parsing: "9007199254740993") == .integer(9_007_199_254_740_993))
    }

    @Test func reportsLineAndColumnOfTheFirstProblem() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "{\n  \"a\": 1,\n  \"b\" 2\n}") }
        do {
            _ = try JSONValue(parsing: "{\n  \"a\": 1,\n  \"b\" 2\n}")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 7)
            #expect(error.message.contains("expected ':'"))
        }
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":1,}", "01", "\"\\x\"", "tru", "1 2", "{\"a\":1,\"a\":2}", "\"\u{01}\""])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func rejectsNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
    }

    @Test func compactTextHasNoRawNewline() throws {
        let value: JSONValue = ["text": "line one\nline two\u{2028}"]
        #expect(!value.compactText.contains("\n"))
        #expect(try JSONValue(parsing: value.compactText) == value)
    }
}

@Suite struct JSONNumberTests {
    @Test func integersAtTheEdgesOfInt64StayExact() throws {
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .integer(.min))
        #expect(try JSONValue(parsing: "-0") == .integer(0))
    }

    @Test func integersBeyondInt64BecomeNumbers() throws {
        #expect(try JSONValue(parsing: "9223372036854775808") == .number(9_223_372_036_854_775_808))
        #expect(try JSONValue(parsing: "-9223372036854775809") == .number(-0x1p63), "rounds to the nearest Double")
    }

    @Test func fractionsAndExponentsAreNumbers() throws {
        #expect(try JSONValue(parsing: "2.5e3") == .number(2500))
        #expect(try JSONValue(parsing: "-0.125") == .number(-0.125))
    }
}

@Suite struct DurationTextTests {
    @Test(arguments: [
        (0.0, "0 s"), (1e-9, "0 s"), (0.0005, "0.5 ms"), (0.04, "40 ms"), (0.5, "500 ms"), (0.96, "1 s"),
        (12.5, "12.5 s"), (59.9, "59.9 s"), (59.97, "1 min"), (60, "1 min"), (65.4, "1 min 5 s"), (240, "4 min"),
        (990, "16 min 30 s"), (3599.6, "1 h"), (5400, "1 h 30 min"), (7200, "2 h"), (-2, "-2 s"), (-990, "-16 min 30 s"),
    ])
    func readsAsPeopleWriteIt(seconds: Double, text: String) {
        #expect(DurationText.describe(seconds) == text)
    }
}
