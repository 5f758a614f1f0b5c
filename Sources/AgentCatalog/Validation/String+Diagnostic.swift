extension String {
    /// The text with every control character made visible, so a value quoted in a diagnostic
    /// can neither split its line nor send terminal escape sequences.
    ///
    /// `\n`, `\r` and `\t` become those two-character escapes; every other C0 or C1 control
    /// character, DEL, and the Unicode bidirectional overrides and isolates (which can make a
    /// line display in another order than it reads) become `\u{XX}`. Other text is unchanged.
    public var escapedForTerminal: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var result = ""
        result.reserveCapacity(utf8.count + 16)
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where Self.needsEscape(scalar): result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
