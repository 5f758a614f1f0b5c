import AgentCatalog
import CFFI

extension CFunctionAgent {
    /// The manifest's signature once it is known to be callable: symbols are C identifiers,
    /// argument names are unique and non-empty, the output is named, and `free` only comes
    /// with a string return.
    /// - Throws: `.invalidSignature` naming the manifest file and the field at fault.
    static func validatedSignature(of manifest: Manifest) throws(AgentRuntimeError) -> CFunctionSignature {
        let file = manifest.source.file
        func invalid(_ message: String) -> AgentRuntimeError {
            AgentRuntimeError(.invalidSignature, agent: manifest.name, "\(file): \(message)")
        }
        guard let signature = manifest.cFunction else {
            throw invalid("kind 'c-function' needs `symbol` and `signature` (arguments and returns); found none")
        }
        guard isCIdentifier(signature.symbol) else {
            throw invalid("`symbol` is '\(signature.symbol)', expected a C function name ([A-Za-z_][A-Za-z0-9_]*)")
        }
        var seen = Set<String>()
        for (index, argument) in signature.arguments.enumerated() {
            guard !argument.name.isEmpty else {
                throw invalid("`signature.arguments[\(index)].name` is empty; expected the input member to read")
            }
            guard seen.insert(argument.name).inserted else {
                throw invalid(
                    "`signature.arguments[\(index)].name` '\(argument.name)' is used twice; "
                        + "expected a distinct name per argument")
            }
        }
        guard !signature.returns.output.isEmpty else {
            throw invalid("`signature.returns.output` is empty; expected the output member to write the result to")
        }
        if let free = signature.free {
            guard signature.returns.type == .string else {
                throw invalid(
                    "`free` ('\(free)') is only meaningful when `signature.returns.type` is string, "
                        + "not \(signature.returns.type.rawValue)")
            }
            guard isCIdentifier(free) else {
                throw invalid("`free` is '\(free)', expected a C function name ([A-Za-z_][A-Za-z0-9_]*)")
            }
        }
        return signature
    }

    private static func isCIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (0x30...0x39).contains($0) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

extension CFunctionSignature.CType {
    /// libffi's description of this C type (bool is C99 `_Bool`, one byte).
    var ffiType: UnsafeMutablePointer<ffi_type> {
        switch self {
        case .int32: return agent_ffi_type_sint32()
        case .int64: return agent_ffi_type_sint64()
        case .uint32: return agent_ffi_type_uint32()
        case .uint64: return agent_ffi_type_uint64()
        case .double: return agent_ffi_type_double()
        case .float: return agent_ffi_type_float()
        case .bool: return agent_ffi_type_bool()
        case .string: return agent_ffi_type_pointer()
        }
    }
}
