import AgentCatalog
import AgentRuntime
import Foundation
import TestSupport
import Testing

/// Every signature type through libffi and back, with the CFunctionTypes test library
/// (Tests/Plugins/CFunctionTypes): values at the edges of each type, strings with `free`,
/// NULL and results JSON cannot hold.
@Suite struct CFunctionTypeTests {
    @Test(arguments: [Int64(Int32.min), -1, 0, 42, Int64(Int32.max)])
    func int32RoundTrips(value: Int64) throws {
        #expect(try callTypes("cft_int32", [("value", .int32)], .int32, ["value": .integer(value)]) == .integer(value))
    }

    @Test(arguments: [Int64.min, -1, 0, Int64.max])
    func int64RoundTrips(value: Int64) throws {
        #expect(try callTypes("cft_int64", [("value", .int64)], .int64, ["value": .integer(value)]) == .integer(value))
    }

    @Test(arguments: [Int64(0), 1, Int64(Int32.max) + 1, Int64(UInt32.max)])
    func uint32RoundTrips(value: Int64) throws {
        #expect(
            try callTypes("cft_uint32", [("value", .uint32)], .uint32, ["value": .integer(value)]) == .integer(value))
    }

    @Test(arguments: [Int64(0), Int64(UInt32.max) + 1, Int64.max])
    func uint64RoundTrips(value: Int64) throws {
        #expect(
            try callTypes("cft_uint64", [("value", .uint64)], .uint64, ["value": .integer(value)]) == .integer(value))
    }

    @Test(arguments: [0.0, -2.5, 1e300, Double.leastNonzeroMagnitude, -Double.greatestFiniteMagnitude])
    func doubleRoundTrips(value: Double) throws {
        #expect(
            try callTypes("cft_double", [("value", .double)], .double, ["value": .number(value)]) == .number(value))
    }

    @Test func doubleAcceptsAJSONInteger() throws {
        #expect(try callTypes("cft_double", [("value", .double)], .double, ["value": 7]) == .number(7))
    }

    @Test func floatRoundTripsAtFloatPrecision() throws {
        #expect(try callTypes("cft_float", [("value", .float)], .float, ["value": 1.5]) == .number(1.5))
        #expect(try callTypes("cft_float", [("value", .float)], .float, ["value": 0.1]) == .number(Double(Float(0.1))))
        let largest = Double(Float.greatestFiniteMagnitude)
        #expect(
            try callTypes("cft_float", [("value", .float)], .float, ["value": .number(largest)]) == .number(largest))
    }

    @Test func boolRoundTripsAndIsReadAsOneByte() throws {
        #expect(try callTypes("cft_bool", [("value", .bool)], .bool, ["value": true]) == .bool(true))
        #expect(try callTypes("cft_bool", [("value", .bool)], .bool, ["value": false]) == .bool(false))
        #expect(try callTypes("cft_not", [("value", .bool)], .bool, ["value": false]) == .bool(true))
        #expect(try callTypes("cft_not", [("value", .bool)], .bool, ["value": true]) == .bool(false))
    }

    @Test func narrowIntegerResultsKeepTheirSign() throws {
        #expect(try callTypes("cft_negate_int32", [("value", .int32)], .int32, ["value": 5]) == -5)
        #expect(try callTypes("cft_negate_int32", [("value", .int32)], .int32, ["value": -7]) == 7)
        #expect(
            try callTypes("cft_complement_uint32", [("value", .uint32)], .uint32, ["value": 0])
                == .integer(Int64(UInt32.max)))
    }

    @Test func mixedArgumentsArriveInOrder() throws {
        let arguments: [(String, CFunctionSignature.CType)] = [
            ("i", .int32), ("j", .int64), ("d", .double), ("f", .float), ("b", .bool), ("u", .uint32),
        ]
        let input: JSONValue = ["i": -1, "j": 20, "d": 0.25, "f": 0.5, "b": true, "u": 300]
        #expect(try callTypes("cft_mixed", arguments, .double, input) == .number(-1 + 20 + 0.25 + 0.5 + 1000 + 300))
    }

    @Test func stringArgumentIsPassedAsNulTerminatedUTF8() throws {
        #expect(try callTypes("cft_string_length", [("text", .string)], .int64, ["text": "héllo ✓"]) == 10)
        #expect(try callTypes("cft_string_length", [("text", .string)], .int64, ["text": ""]) == 0)
    }

    @Test func returnedStringIsCopiedThenFreedOncePerCall() throws {
        let folder = try makeTemporaryFolder()
        try copyPlugin("libTestCFunctionTypes.so", into: folder)
        let runtime = makeRuntime()
        let echo = try runtime.load(
            cFunctionManifest(
                "echo_string", symbol: "cft_echo_string", [("text", .string)], returns: .string,
                free: "cft_free_string", in: folder))
        let count = try runtime.load(cFunctionManifest("free_count", symbol: "cft_free_count", [], in: folder))
        for text in ["solar", "", "schools ☀︎"] {
            #expect(try output(echo.run(input: ["text": .string(text)], context: RecordingContext())) == .string(text))
        }
        #expect(try output(count.run(input: [:], context: RecordingContext())) == 3)
    }

    @Test func nullStringIsAnAgentError() throws {
        let message = try failure(callTypesOutcome("cft_null_string", [], .string, [:]))
        #expect(message == "agent 'cft_null_string': 'cft_null_string' returned NULL where a string was expected")
    }

    @Test func invalidUTF8StringIsAnAgentError() throws {
        let message = try failure(callTypesOutcome("cft_invalid_utf8", [], .string, [:]))
        #expect(message == "agent 'cft_invalid_utf8': 'cft_invalid_utf8' returned a string that is not valid UTF-8")
    }

    @Test func uint64AboveInt64MaxIsRefusedNotRounded() throws {
        let message = try failure(callTypesOutcome("cft_uint64_max", [], .uint64, [:]))
        #expect(
            message == "agent 'cft_uint64_max': 'cft_uint64_max' returned the uint64 18446744073709551615, above "
                + "9223372036854775807, the largest integer a JSON output keeps exact; the value is not rounded silently"
        )
    }

    @Test func nanAndInfinityResultsAreRefused() throws {
        let arguments: [(String, CFunctionSignature.CType)] = [("a", .double), ("b", .double)]
        let nan = try failure(callTypesOutcome("cft_divide", arguments, .double, ["a": 0, "b": 0]))
        #expect(
            nan
                == "agent 'cft_divide': 'cft_divide' returned NaN, which JSON cannot represent; expected a finite number"
        )
        let infinity = try failure(callTypesOutcome("cft_divide", arguments, .double, ["a": 1, "b": 0]))
        #expect(infinity.contains("returned +infinity, which JSON cannot represent"))
        let negative = try failure(callTypesOutcome("cft_divide", arguments, .double, ["a": -1, "b": 0]))
        #expect(negative.contains("returned -infinity, which JSON cannot represent"))
        #expect(try callTypes("cft_divide", arguments, .double, ["a": 1, "b": 4]) == .number(0.25))
    }

    @Test func concurrentCallsShareThePreparedCall() throws {
        let agent = try makeRuntime().load(
            cFunctionManifest(
                "add", symbol: "cft_add_int64", [("a", .int64), ("b", .int64)], returns: .int64, output: "sum"))
        let outcomes = OutcomeBox()
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for call in 0..<250 {
                let a = Int64(thread * 1_000 + call)
                outcomes.append(agent.run(input: ["a": .integer(a), "b": .integer(-2 * a)], context: RecordingContext()))
            }
        }
        let sums = outcomes.all.compactMap { outcome -> Int64? in
            if case .succeeded(let object) = outcome { return object["sum"]?.integerValue }
            return nil
        }
        #expect(sums.count == 1_000)
        let expected = (0..<4).flatMap { thread in (0..<250).map { -Int64(thread * 1_000 + $0) } }
        #expect(sums.sorted() == expected.sorted())
    }

    @Test func outputIsTheOnlyMemberNamedByReturnsOutput() throws {
        let agent = try makeRuntime().load(
            cFunctionManifest(
                "add", symbol: "cft_add_int64", [("a", .int64), ("b", .int64)], returns: .int64,
                output: "sum"))
        let outcome = agent.run(input: ["a": 40, "b": 2], context: RecordingContext())
        guard case .succeeded(let object) = outcome else {
            Issue.record("expected success, got \(outcome)")
            return
        }
        #expect(object == ["sum": 42])
        #expect(agent.pluginVersion == "1.0.0")
        #expect(agent.libraryPath == buildFolder + "/libTestCFunctionTypes.so")
    }
}

// MARK: - Helpers shared by the CFunction*Tests files.

/// A c-function manifest over the CFunctionTypes test library (or `library`) in `folder`.
func cFunctionManifest(
    _ name: String, symbol: String, _ arguments: [(String, CFunctionSignature.CType)],
    returns: CFunctionSignature.CType = .int32, output: String = "result", free: String? = nil,
    library: String = "libTestCFunctionTypes.so", in folder: String? = nil, dependencies: [Dependency] = [],
    sha256: String? = nil
) throws -> Manifest {
    let folder = try folder ?? makeTemporaryFolder()
    return Manifest(
        name: name, library: library, kind: .cFunction, dependencies: dependencies, sha256: sha256,
        cFunction: CFunctionSignature(
            symbol: symbol, arguments: arguments.map { CFunctionSignature.Argument(name: $0.0, type: $0.1) },
            returns: CFunctionSignature.Return(type: returns, output: output), free: free),
        source: ManifestSource(file: folder + "/\(name).json", order: 0))
}

/// Loads `symbol` of the test library as an agent named after it and runs it once on `input`.
func callTypesOutcome(
    _ symbol: String, _ arguments: [(String, CFunctionSignature.CType)], _ returns: CFunctionSignature.CType,
    _ input: JSONValue
) throws -> AgentCallOutcome {
    let agent = try makeRuntime().load(cFunctionManifest(symbol, symbol: symbol, arguments, returns: returns))
    return agent.run(input: input, context: RecordingContext())
}

/// The `result` member of a successful call of `symbol`.
func callTypes(
    _ symbol: String, _ arguments: [(String, CFunctionSignature.CType)], _ returns: CFunctionSignature.CType,
    _ input: JSONValue
) throws -> JSONValue? {
    try output(callTypesOutcome(symbol, arguments, returns, input))
}

struct UnexpectedOutcome: Error, CustomStringConvertible {
    let description: String
}

/// The single member of a successful outcome's object.
func output(_ outcome: AgentCallOutcome) throws -> JSONValue? {
    guard case .succeeded(let object) = outcome else {
        throw UnexpectedOutcome(description: "expected success, got \(outcome)")
    }
    #expect(object.count == 1)
    return object.values.first
}

/// The message of a non-retryable failure.
func failure(_ outcome: AgentCallOutcome) throws -> String {
    guard case .failed(let message, false) = outcome else {
        throw UnexpectedOutcome(description: "expected a non-retryable failure, got \(outcome)")
    }
    return message
}
