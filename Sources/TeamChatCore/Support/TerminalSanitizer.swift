/// Makes untrusted text safe to print on a terminal: control characters and escape sequences are shown escaped
/// (`\x1B[31m`), never passed through, so a specialist cannot move the cursor, recolour, retitle or clear the
/// screen of whoever reads its answer. Newlines and tabs are kept; bidirectional overrides, which can make text
/// read differently from what it is, are escaped too.
public enum TerminalSanitizer {
    public static func sanitize(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || !isDangerous(scalar) {
                result.unicodeScalars.append(scalar)
            } else if scalar.value < 0x80 {
                result += "\\x" + hex(scalar.value, width: 2)
            } else {
                result += "\\u{" + hex(scalar.value, width: 4) + "}"
            }
        }
        return result
    }

    /// C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate controls.
    static func isDangerous(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
