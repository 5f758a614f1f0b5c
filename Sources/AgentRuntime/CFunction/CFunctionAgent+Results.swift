import AgentCatalog
import CFFI
import Foundation

// Implementation notes
// libffi writes an integer return narrower than ffi_arg (int32, uint32, bool as uint8)
// widened to a whole ffi_arg, in the target's byte order; reading the whole ffi_arg and
// truncating is right on every ABI, while reading the first bytes would only be right on
// little-endian targets. double and float are stored as themselves at the buffer's start.
// JSONValue keeps integers exact up to Int64.max, so a uint64 result above it is an error,
// not a silently rounded number; NaN and infinities have no JSON spelling and are errors too.

extension CFunctionAgent {
    /// The JSON value of the result in `buffer`, or why it has none.
    func result(from buffer: UnsafeRawPointer) -> Result<JSONValue, CFunctionCallError> {
        let symbol = signature.symbol
        let widened = buffer.load(as: UInt64.self)  // ffi_arg is 64 bits on every target we build for
        switch signature.returns.type {
        case .int32: return .success(.integer(Int64(Int32(truncatingIfNeeded: widened))))
        case .int64: return .success(.integer(Int64(bitPattern: widened)))
        case .uint32: return .success(.integer(Int64(UInt32(truncatingIfNeeded: widened))))
        case .uint64:
            guard let exact = Int64(exactly: widened) else {
                return failure(
                    "'\(symbol)' returned the uint64 \(widened), above \(Int64.max), the largest integer "
                        + "a JSON output keeps exact; the value is not rounded silently")
            }
            return .success(.integer(exact))
        case .bool: return .success(.bool(UInt8(truncatingIfNeeded: widened) != 0))
        case .double: return number(buffer.load(as: Double.self))
        case .float: return number(Double(buffer.load(as: Float.self)))
        case .string: return string(at: UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: widened)))
        }
    }

    private func number(_ value: Double) -> Result<JSONValue, CFunctionCallError> {
        guard value.isFinite else {
            let name = value.isNaN ? "NaN" : value > 0 ? "+infinity" : "-infinity"
            return failure(
                "'\(signature.symbol)' returned \(name), which JSON cannot represent; expected a finite number")
        }
        return .success(.number(value))
    }

    /// Copies a returned C string, then releases it through `free` when the manifest names one.
    private func string(at pointer: UnsafeMutableRawPointer?) -> Result<JSONValue, CFunctionCallError> {
        guard let pointer else {
            return failure("'\(signature.symbol)' returned NULL where a string was expected")
        }
        defer { release(pointer) }
        let length = strlen(pointer.assumingMemoryBound(to: CChar.self))
        guard length <= AgentRuntime.maximumOutputBytes else {
            return .failure(CFunctionCallError(message: AgentRuntimeError.outputTooLarge(agent: agent, size: length).description))
        }
        guard let text = String(validatingCString: pointer.assumingMemoryBound(to: CChar.self)) else {
            return failure("'\(signature.symbol)' returned a string that is not valid UTF-8")
        }
        return .success(.string(text))
    }

    private func failure(_ message: String) -> Result<JSONValue, CFunctionCallError> {
        .failure(CFunctionCallError(message: "agent '\(agent)': \(message)"))
    }
}
