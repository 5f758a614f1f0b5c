/// The C function behind a `kind: "c-function"` agent: which symbol, which arguments in,
/// which value out (docs/PLUGIN_ABI.md, "c-function agents").
public struct CFunctionSignature: Sendable, Hashable {
    /// `symbol`: the exported function name.
    public var symbol: String
    /// `signature.arguments`: in call order.
    public var arguments: [Argument]
    /// `signature.returns`: the result and where it goes in the output.
    public var returns: Return
    /// `free`: a function that releases a returned string, when the caller owns it.
    public var free: String?

    public init(symbol: String, arguments: [Argument], returns: Return, free: String? = nil) {
        self.symbol = symbol
        self.arguments = arguments
        self.returns = returns
        self.free = free
    }

    /// One argument: taken from the agent's input by `name`, or by the dotted path `from`.
    public struct Argument: Sendable, Hashable {
        public var name: String
        public var type: CType
        /// `from`: where the value is, as a dotted path whose first segment is looked up by the
        /// argument rules (e.g. `blog_content.markdown`); `nil` means the argument's name.
        public var from: [String]?

        public init(name: String, type: CType, from: [String]? = nil) {
            self.name = name
            self.type = type
            self.from = from
        }
    }

    /// The return value, put into the output object under `output`.
    public struct Return: Sendable, Hashable {
        public var type: CType
        public var output: String

        public init(type: CType, output: String) {
            self.type = type
            self.output = output
        }
    }

    /// The C types a signature may use.
    public enum CType: String, Sendable, Hashable, CaseIterable {
        case int32, int64, uint32, uint64, double, float, bool, string
    }
}
