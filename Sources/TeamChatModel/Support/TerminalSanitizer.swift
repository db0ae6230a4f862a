/// Makes untrusted text safe to print on a terminal: control characters and escape sequences are shown escaped
/// (`\x1B[31m`), never passed through, so a specialist cannot move the cursor, recolour, retitle or clear the
/// screen of whoever reads its answer. Bidirectional overrides and the Unicode line and paragraph separators, which
/// can make text read differently from what it is, are escaped too.
public enum TerminalSanitizer {
    /// Text that may span lines (an answer): newlines and tabs are kept.
    public static func sanitize(_ text: String) -> String {
        escape(text, keepNewlines: true)
    }

    /// A single-line field (an id, a model name, an error): a newline is escaped too, so that it can never forge an
    /// output line of its own.
    public static func sanitizeLine(_ text: String) -> String {
        escape(text, keepNewlines: false)
    }

    private static func escape(_ text: String, keepNewlines: Bool) -> String {
        if !text.unicodeScalars.contains(where: { isDangerous($0) }) { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if (keepNewlines && (scalar == "\n" || scalar == "\t")) || !isDangerous(scalar) {
                result.unicodeScalars.append(scalar)
            } else if scalar.value < 0x80 {
                result += "\\x" + hex(scalar.value, width: 2)
            } else {
                result += "\\u{" + hex(scalar.value, width: 4) + "}"
            }
        }
        return result
    }

    /// C0 and C1 controls, DEL, the bidirectional embedding, override and isolate controls, and U+2028/U+2029.
    static func isDangerous(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
