import AgentCatalog
import CFFI
import Foundation
import Logging

// Implementation notes
// A c-function agent is a plain exported C function described by its manifest
// (`symbol`, `signature`, `free`). Loading validates the signature, opens the library (a file
// the resolver finds and vets like an agent-v1 plugin, or a bare soname the system loader
// finds, see `CFunctionLibrary`), looks the symbols up and prepares one `ffi_cif` for the
// whole life of the agent. The cif and its argument-type array live on the heap at fixed
// addresses (libffi keeps a pointer to the array) and are only read after `ffi_prep_cif`, so
// concurrent `ffi_call`s on the same cif are safe.
// A call converts the arguments first (CFunctionAgent+Arguments.swift): nothing reaches C
// until every argument was found and fits its type. Each argument gets an 8-byte slot in a
// stack buffer (every supported type is at most 8 bytes); strings are NUL-terminated copies
// freed after the call. The return buffer is 16 bytes, above sizeof(ffi_arg), because libffi
// writes integer returns narrower than ffi_arg widened to a full ffi_arg.

/// A loaded `kind: "c-function"` agent: one C function, called through libffi.
///
/// `@unchecked Sendable`: every stored property is set at load and never changed; the
/// `ffi_cif` and its type array are only read by `ffi_call` after `ffi_prep_cif`, and the
/// library stays mapped (RTLD_NODELETE) for the life of the process.
final class CFunctionAgent: @unchecked Sendable {
    /// The agent's name (the manifest's `name`).
    let agent: String
    /// The declared signature.
    let signature: CFunctionSignature
    /// The absolute path of the library holding the function (for a soname, where the
    /// system loader found it).
    let libraryPath: String
    /// Agents named by the manifest's dependencies, in declaration order: where
    /// `inputs.<agent>.<argument>` is looked up first.
    let dependencyOrder: [String]

    private let function: @convention(c) () -> Void
    private let freeFunction: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?
    private let cif: UnsafeMutablePointer<ffi_cif>
    private let argumentTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>

    /// Bytes reserved for the return value: at least sizeof(ffi_arg) and sizeof(double).
    static let returnBufferSize = max(16, agent_ffi_arg_size())
    /// Bytes reserved per argument: every supported C type fits in 8.
    static let argumentSlotSize = 8

    private init(
        manifest: Manifest, signature: CFunctionSignature, library: CFunctionLibrary,
        function: UnsafeMutableRawPointer, freeFunction: UnsafeMutableRawPointer?
    ) throws(AgentRuntimeError) {
        self.agent = manifest.name
        self.signature = signature
        self.libraryPath = library.path
        self.dependencyOrder = manifest.dependencies.compactMap {
            if case .agent(let name) = $0.target { return name }
            return nil
        }
        self.function = unsafeBitCast(function, to: (@convention(c) () -> Void).self)
        self.freeFunction = freeFunction.map {
            unsafeBitCast($0, to: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self)
        }
        let count = signature.arguments.count
        argumentTypes = .allocate(capacity: max(count, 1))
        for (index, argument) in signature.arguments.enumerated() { argumentTypes[index] = argument.type.ffiType }
        cif = .allocate(capacity: 1)
        cif.initialize(to: ffi_cif())
        let status = ffi_prep_cif(cif, FFI_DEFAULT_ABI, UInt32(count), signature.returns.type.ffiType, argumentTypes)
        guard status == FFI_OK else {
            cif.deallocate()
            argumentTypes.deallocate()
            throw AgentRuntimeError(
                .invalidSignature, agent: manifest.name,
                "libffi could not prepare a call to '\(signature.symbol)' in '\(library.path)' "
                    + "(ffi_prep_cif status \(status.rawValue))")
        }
    }

    deinit {
        cif.deallocate()
        argumentTypes.deallocate()
    }

    /// Validates `manifest`'s signature, opens its library, finds `symbol` (and `free`) and
    /// prepares the libffi call.
    /// - Throws: `.invalidSignature`, `.libraryNotFound`, `.pathEscapes`, `.insecurePermissions`,
    ///   `.checksumMismatch`, `.notLoadable` or `.symbolMissing`, naming the agent and the field.
    static func load(
        _ manifest: Manifest, resolver: LibraryResolver, logger: Logger
    ) throws(AgentRuntimeError) -> CFunctionAgent {
        let signature = try validatedSignature(of: manifest)
        let library = try CFunctionLibrary.open(manifest, resolver: resolver)
        let function = try library.symbol(signature.symbol, field: "symbol", agent: manifest.name)
        let freeFunction = try signature.free.map { (name) throws(AgentRuntimeError) in
            try library.symbol(name, field: "free", agent: manifest.name)
        }
        let loaded = try CFunctionAgent(
            manifest: manifest, signature: signature, library: library.located(function), function: function,
            freeFunction: freeFunction)
        logger.debug(
            "loaded c-function agent",
            metadata: [
                "agent": "\(manifest.name)", "library": "\(loaded.libraryPath)", "symbol": "\(signature.symbol)",
            ])
        return loaded
    }

    /// Calls the function once with arguments taken from `input` (docs/PLUGIN_ABI.md,
    /// "c-function agents") and returns `{"<returns.output>": value}`.
    ///
    /// A missing or ill-typed argument, an out-of-range value, a NULL string or a result JSON
    /// cannot hold is a non-retryable failure naming the argument or the symbol. A context
    /// already cancelled on entry gives `.cancelled` without calling the function; a running
    /// C function cannot be interrupted.
    func run(input: JSONValue, context: some AgentCallContext) -> AgentCallOutcome {
        if context.isCancelled {
            return .cancelled(message: "agent '\(agent)' was cancelled before '\(signature.symbol)' was called")
        }
        let values: [CArgumentValue]
        do {
            values = try signature.arguments.map { (argument) throws(CFunctionCallError) in
                try argumentValue(argument, from: input)
            }
        } catch {
            return .failed(message: error.message, retryable: false)
        }
        let result = withUnsafeTemporaryAllocation(
            byteCount: values.count * Self.argumentSlotSize + Self.returnBufferSize, alignment: 16
        ) { buffer in
            call(with: values, in: buffer)
        }
        switch result {
        case .success(let value): return .succeeded([signature.returns.output: value])
        case .failure(let error): return .failed(message: error.message, retryable: false)
        }
    }

    /// Lays the arguments out in `buffer`, calls the function and reads the result.
    private func call(with values: [CArgumentValue], in buffer: UnsafeMutableRawBufferPointer)
        -> Result<JSONValue, CFunctionCallError>
    {
        let base = buffer.baseAddress!
        let returnBuffer = base
        returnBuffer.initializeMemory(as: UInt8.self, repeating: 0, count: Self.returnBufferSize)
        let slots = base + Self.returnBufferSize
        var copies: [UnsafeMutablePointer<CChar>] = []
        defer { copies.forEach { free($0) } }
        return withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: max(values.count, 1)) {
            pointers in
            for (index, value) in values.enumerated() {
                let slot = slots + index * Self.argumentSlotSize
                if let copy = value.store(into: slot) { copies.append(copy) }
                pointers[index] = slot
            }
            ffi_call(cif, function, returnBuffer, pointers.baseAddress)
            return result(from: UnsafeRawPointer(returnBuffer))
        }
    }

    /// Releases a returned string through the manifest's `free` function, when it has one.
    func release(_ pointer: UnsafeMutableRawPointer) {
        freeFunction?(pointer)
    }
}
