import AgentCatalog
import CFFI
import Foundation

// Implementation notes
// Lookup (docs/PLUGIN_ABI.md, "c-function agents"): an argument named N is, in order, the
// input's top-level member N; else member N of `inputs.<agent>` for the agents named in the
// manifest's dependencies, in declaration order, then for the other members of `inputs` in
// their order (dependencies given by capability); else `campaign.N`. The first member
// present wins, whatever its type: a present value of the wrong type is an error, not a
// reason to look further, so a typo in a dependency's output cannot silently pick a
// campaign default.
// Integers: JSON integers are exact up to Int64.max (JSONValue.integer); a number with no
// fraction (27.0, 1e3) is accepted when Int64 holds it exactly. A number at or above 2^63
// reached the host already rounded to a Double, so even a uint64 argument refuses it rather
// than pass a value the user did not write.

/// An argument converted to its C type, ready to be laid out for ffi_call.
enum CArgumentValue {
    case int32(Int32)
    case int64(Int64)
    case uint32(UInt32)
    case uint64(UInt64)
    case double(Double)
    case float(Float)
    case bool(Bool)
    case string(String)

    /// Writes the value into an 8-byte `slot`; for a string, a malloc'ed NUL-terminated copy
    /// whose address goes in the slot and which the caller frees after the call.
    func store(into slot: UnsafeMutableRawPointer) -> UnsafeMutablePointer<CChar>? {
        switch self {
        case .int32(let value): slot.storeBytes(of: value, as: Int32.self)
        case .int64(let value): slot.storeBytes(of: value, as: Int64.self)
        case .uint32(let value): slot.storeBytes(of: value, as: UInt32.self)
        case .uint64(let value): slot.storeBytes(of: value, as: UInt64.self)
        case .double(let value): slot.storeBytes(of: value, as: Double.self)
        case .float(let value): slot.storeBytes(of: value, as: Float.self)
        case .bool(let value): slot.storeBytes(of: value ? 1 : 0, as: UInt8.self)
        case .string(let value):
            let copy = strdup(value)
            slot.storeBytes(of: copy, as: UnsafeMutablePointer<CChar>?.self)
            return copy
        }
        return nil
    }
}

/// Why one call of a c-function agent failed; `message` is what the workflow shows.
struct CFunctionCallError: Error {
    let message: String
}

extension CFunctionAgent {
    /// The value of `argument` found in `input` and converted to its C type.
    func argumentValue(_ argument: CFunctionSignature.Argument, from input: JSONValue)
        throws(CFunctionCallError) -> CArgumentValue
    {
        let segments = argument.from ?? [argument.name]
        let first = segments[0]
        guard var (value, path) = lookUp(first, in: input) else {
            throw fault(
                argument, nil,
                "is missing: expected a top-level member \"\(first)\" in the input, a member "
                    + "\"\(first)\" in a dependency's output (inputs.<agent>.\(first)) or "
                    + "campaign.\(first)")
        }
        for segment in segments.dropFirst() {
            guard let member = value[segment] else {
                throw fault(argument, path, "has no member \"\(segment)\" (from \"\(segments.joined(separator: "."))\"); found \(value.typeDescription)")
            }
            value = member
            path += ".\(segment)"
        }
        let at = path
        switch argument.type {
        case .int32:
            return .int32(Int32(try integer(value, argument, at, Int64(Int32.min), Int64(Int32.max))))
        case .int64:
            return .int64(try integer(value, argument, at, Int64.min, Int64.max))
        case .uint32:
            return .uint32(UInt32(try integer(value, argument, at, 0, Int64(UInt32.max))))
        case .uint64:
            return .uint64(UInt64(try integer(value, argument, at, 0, Int64.max)))
        case .double:
            guard let number = value.doubleValue else { throw mistyped(argument, at, "a number", value) }
            return .double(number)
        case .float:
            guard let number = value.doubleValue else { throw mistyped(argument, at, "a number", value) }
            let limit = Double(Float.greatestFiniteMagnitude)
            guard abs(number) <= limit else {
                throw fault(argument, at, "\(number) is out of range \(-limit)...\(limit)")
            }
            return .float(Float(number))
        case .bool:
            guard let flag = value.boolValue else { throw mistyped(argument, at, "true or false", value) }
            return .bool(flag)
        case .string:
            guard let text = value.stringValue else { throw mistyped(argument, at, "a string", value) }
            guard !text.utf8.contains(0) else {
                throw fault(argument, at, "the string contains a NUL character, which a C string cannot hold")
            }
            return .string(text)
        }
    }

    /// The first value named `name` by the lookup rules, with where it was found.
    func lookUp(_ name: String, in input: JSONValue) -> (JSONValue, String)? {
        guard case .object(let members) = input else { return nil }
        if let value = members[name] { return (value, name) }
        if case .object(let outputs) = members["inputs"] {
            let others = outputs.keys.filter { !dependencyOrder.contains($0) }
            for dependency in dependencyOrder + others {
                if case .object(let output) = outputs[dependency], let value = output[name] {
                    return (value, "inputs.\(dependency).\(name)")
                }
            }
        }
        if case .object(let campaign) = members["campaign"], let value = campaign[name] {
            return (value, "campaign.\(name)")
        }
        return nil
    }

    /// `value` as an integer within `range`, or an error naming the argument, value and range.
    private func integer(
        _ value: JSONValue, _ argument: CFunctionSignature.Argument, _ at: String, _ lower: Int64, _ upper: Int64
    ) throws(CFunctionCallError) -> Int64 {
        var range: String { "\(lower)...\(upper)" }  // built only for a message
        let exact: Int64
        switch value {
        case .integer(let integer):
            exact = integer
        case .number(let number):
            guard number.rounded(.towardZero) == number else {
                throw fault(argument, at, "\(number) is not an integer; expected an integer in \(range)")
            }
            guard let integer = Int64(exactly: number) else {
                // Up to 2^64 inclusive: UInt64.max written in JSON rounds up to 2^64.
                if argument.type == .uint64, number > 0, number <= 18_446_744_073_709_551_616.0 {
                    throw fault(
                        argument, at,
                        "\(number) cannot be passed exactly: JSON integers above \(Int64.max) reach the host "
                            + "as rounded numbers; expected an integer in \(range)")
                }
                throw fault(argument, at, "\(number) is out of range \(range)")
            }
            exact = integer
        default:
            throw mistyped(argument, at, "an integer in \(range)", value)
        }
        guard exact >= lower, exact <= upper else {
            throw fault(argument, at, "\(exact) is out of range \(range)")
        }
        return exact
    }

    private func mistyped(
        _ argument: CFunctionSignature.Argument, _ at: String, _ expected: String, _ value: JSONValue
    ) -> CFunctionCallError {
        fault(argument, at, "expected \(expected), got \(value.typeDescription)")
    }

    /// `agent 'NAME': argument 'ARG' (TYPE, from PATH): DETAIL`, or without `from` when missing.
    private func fault(
        _ argument: CFunctionSignature.Argument, _ path: String?, _ detail: String
    ) -> CFunctionCallError {
        let origin = path.map { ", from \($0)" } ?? ""
        let separator = path == nil ? " " : ": "
        return CFunctionCallError(
            message: "agent '\(agent)': argument '\(argument.name)' (\(argument.type.rawValue)\(origin))"
                + separator + detail)
    }
}
