import AgentCatalog
import AgentRuntime
import Foundation
import Testing

/// Where a c-function agent finds its arguments in the agent input, and every rejection of a
/// value that does not fit its C type (messages name the argument, where it came from, the
/// value and the range).
@Suite struct CFunctionArgumentTests {
    private func identity(_ type: CFunctionSignature.CType) -> (String, [(String, CFunctionSignature.CType)]) {
        ("cft_\(type.rawValue)", [("value", type)])
    }

    private func rejection(_ type: CFunctionSignature.CType, _ input: JSONValue) throws -> String {
        let (symbol, arguments) = identity(type)
        return try failure(callTypesOutcome(symbol, arguments, type, input))
    }

    private func parsed(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    // MARK: - Lookup

    @Test func topLevelMemberComesFirst() throws {
        let input: JSONValue = [
            "value": 1, "inputs": ["writer": ["value": 2]], "campaign": ["value": 3],
        ]
        #expect(try callTypes("cft_int32", [("value", .int32)], .int32, input) == 1)
    }

    @Test func dependencyOutputsAreSearchedInDependencyOrder() throws {
        let input: JSONValue = ["inputs": ["planner": ["value": 2], "writer": ["value": 3]], "campaign": ["value": 9]]
        let writerFirst = try makeRuntime().load(
            cFunctionManifest(
                "writer_first", symbol: "cft_int32", [("value", .int32)],
                dependencies: [.agent("writer"), .agent("planner", .soft)]))
        #expect(try output(writerFirst.run(input: input, context: RecordingContext())) == 3)
        let plannerFirst = try makeRuntime().load(
            cFunctionManifest(
                "planner_first", symbol: "cft_int32", [("value", .int32)],
                dependencies: [.agent("planner"), .agent("writer")]))
        #expect(try output(plannerFirst.run(input: input, context: RecordingContext())) == 2)
    }

    @Test func outputsOfUnnamedDependenciesFollowInInputOrder() throws {
        let input: JSONValue = ["inputs": ["seo": [:], "editor": ["value": 5], "writer": ["value": 6]]]
        let agent = try makeRuntime().load(
            cFunctionManifest(
                "by_capability", symbol: "cft_int32", [("value", .int32)],
                dependencies: [.capability("content_creation")]))
        #expect(try output(agent.run(input: input, context: RecordingContext())) == 5)
    }

    @Test func campaignIsTheLastPlaceLooked() throws {
        let input: JSONValue = ["inputs": ["writer": ["other": 1]], "campaign": ["value": 7]]
        #expect(try callTypes("cft_int32", [("value", .int32)], .int32, input) == 7)
    }

    @Test func aPresentValueOfTheWrongTypeStopsTheSearch() throws {
        let message = try rejection(.int32, ["inputs": ["writer": ["value": "seven"]], "campaign": ["value": 7]])
        #expect(
            message == "agent 'cft_int32': argument 'value' (int32, from inputs.writer.value): "
                + "expected an integer in -2147483648...2147483647, got a string")
    }

    @Test func missingArgumentNamesEveryPlaceLooked() throws {
        let message = try rejection(.double, ["campaign": ["title": "Solar"]])
        #expect(
            message == "agent 'cft_double': argument 'value' (double) is missing: expected a top-level member "
                + "\"value\" in the input, a member \"value\" in a dependency's output (inputs.<agent>.value) "
                + "or campaign.value")
        #expect(
            try rejection(.double, "not an object").hasSuffix(
                "is missing: expected a top-level member \"value\" "
                    + "in the input, a member \"value\" in a dependency's output (inputs.<agent>.value) or campaign.value"
            ))
    }

    // MARK: - Integers

    @Test func int32OutOfRange() throws {
        #expect(
            try rejection(.int32, ["value": 2_147_483_648])
                == "agent 'cft_int32': argument 'value' (int32, from value): 2147483648 is out of range "
                + "-2147483648...2147483647")
        #expect(
            try rejection(.int32, ["value": -2_147_483_649]).hasSuffix(
                "-2147483649 is out of range "
                    + "-2147483648...2147483647"))
    }

    @Test func unsignedRefusesNegativeValues() throws {
        #expect(
            try rejection(.uint32, ["value": -1])
                == "agent 'cft_uint32': argument 'value' (uint32, from value): -1 is out of range 0...4294967295")
        #expect(
            try rejection(.uint64, ["value": -1])
                == "agent 'cft_uint64': argument 'value' (uint64, from value): -1 is out of range 0...9223372036854775807"
        )
        #expect(try rejection(.uint32, ["value": 4_294_967_296]).hasSuffix("4294967296 is out of range 0...4294967295"))
    }

    @Test func fractionsAreRefused() throws {
        #expect(
            try rejection(.int64, ["value": 2.5])
                == "agent 'cft_int64': argument 'value' (int64, from value): 2.5 is not an integer; expected an "
                + "integer in -9223372036854775808...9223372036854775807")
    }

    @Test func wholeNumbersWrittenWithFractionOrExponentAreIntegers() throws {
        #expect(try callTypes("cft_int32", [("value", .int32)], .int32, try parsed(#"{"value": 27.0}"#)) == 27)
        #expect(
            try callTypes("cft_int64", [("value", .int64)], .int64, try parsed(#"{"value": 1e18}"#))
                == .integer(1_000_000_000_000_000_000))
    }

    @Test func uint64AboveInt64MaxCannotBePassedExactly() throws {
        let message = try rejection(.uint64, try parsed(#"{"value": 18446744073709551615}"#))
        #expect(
            message == "agent 'cft_uint64': argument 'value' (uint64, from value): 1.8446744073709552e+19 cannot be "
                + "passed exactly: JSON integers above 9223372036854775807 reach the host as rounded numbers; "
                + "expected an integer in 0...9223372036854775807")
        #expect(
            try rejection(.int64, try parsed(#"{"value": 1e19}"#)).hasSuffix(
                "1e+19 is out of range "
                    + "-9223372036854775808...9223372036854775807"))
    }

    @Test func integersRefuseOtherJSONTypes() throws {
        #expect(
            try rejection(.int64, ["value": "12"]).hasSuffix(
                "expected an integer in "
                    + "-9223372036854775808...9223372036854775807, got a string"))
        #expect(
            try rejection(.uint32, ["value": true]).hasSuffix("expected an integer in 0...4294967295, got a boolean"))
        #expect(
            try rejection(.int32, ["value": nil]).hasSuffix("expected an integer in -2147483648...2147483647, got null")
        )
    }

    // MARK: - Floating point, bool, string

    @Test func floatOutOfRange() throws {
        #expect(
            try rejection(.float, ["value": 1e39])
                == "agent 'cft_float': argument 'value' (float, from value): 1e+39 is out of range "
                + "-3.4028234663852886e+38...3.4028234663852886e+38")
    }

    @Test func numbersRefuseStrings() throws {
        #expect(
            try rejection(.double, ["campaign": ["value": "27"]])
                == "agent 'cft_double': argument 'value' (double, from campaign.value): expected a number, got a string"
        )
    }

    @Test func boolRefusesNumbers() throws {
        #expect(
            try rejection(.bool, ["value": 1])
                == "agent 'cft_bool': argument 'value' (bool, from value): expected true or false, got an integer")
    }

    @Test func stringRefusesOtherTypesAndNul() throws {
        #expect(
            try failure(callTypesOutcome("cft_string_length", [("text", .string)], .int64, ["text": ["a"]]))
                == "agent 'cft_string_length': argument 'text' (string, from text): expected a string, got an array")
        #expect(
            try failure(callTypesOutcome("cft_string_length", [("text", .string)], .int64, ["text": "a\u{0}b"]))
                == "agent 'cft_string_length': argument 'text' (string, from text): the string contains a NUL "
                + "character, which a C string cannot hold")
    }

    @Test func cancelledContextDoesNotCallTheFunction() throws {
        let agent = try makeRuntime().load(cFunctionManifest("cft_int32", symbol: "cft_int32", [("value", .int32)]))
        guard case .cancelled(let message) = agent.run(input: ["value": 1], context: RecordingContext(cancelled: true))
        else {
            Issue.record("expected cancellation")
            return
        }
        #expect(message == "agent 'cft_int32' was cancelled before 'cft_int32' was called")
    }
}
