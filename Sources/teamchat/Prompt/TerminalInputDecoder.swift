/// Turns the bytes a terminal sends into the characters the line editor is given: UTF-8 decoded, and a bracketed
/// paste (`ESC [200~` … `ESC [201~`, which the prompt asks the terminal for) unwrapped with every control character
/// in it quoted — Ctrl-V first, libedit's "insert the next character as it is" — so that a pasted block is one line
/// of input, one message, however many lines it holds, and a pasted Tab never completes anything.
struct TerminalInputDecoder {
    static let pasteStart: [UInt8] = Array("\u{1B}[200~".utf8)
    static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)
    static let quote: Unicode.Scalar = "\u{16}"  // Ctrl-V

    private var pending: [UInt8] = []
    private(set) var isPasting = false
    private var lastWasCarriageReturn = false

    /// Whether bytes are held back because they may begin a longer sequence (an escape, a UTF-8 character): the
    /// reader waits briefly for the rest, then calls ``flush()``.
    var hasPartial: Bool { !pending.isEmpty }

    /// The characters `bytes` complete, in order.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Unicode.Scalar] {
        pending.append(contentsOf: bytes)
        return decode(final: false)
    }

    /// Everything held back, as it is: a lone Escape key, or a broken character (as U+FFFD).
    mutating func flush() -> [Unicode.Scalar] {
        decode(final: true)
    }

    private mutating func decode(final: Bool) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        var index = 0
        while index < pending.count {
            let rest = pending[index...]
            if pending[index] == 0x1B {
                if rest.starts(with: Self.pasteStart) {
                    isPasting = true
                    index += Self.pasteStart.count
                    continue
                }
                if rest.starts(with: Self.pasteEnd) {
                    isPasting = false
                    index += Self.pasteEnd.count
                    continue
                }
                if !final, rest.count < Self.pasteStart.count,
                    Self.pasteStart.starts(with: rest) || Self.pasteEnd.starts(with: rest)
                {
                    break  // perhaps the start of a marker: wait for the rest
                }
            }
            let length = Self.sequenceLength(lead: pending[index])
            if rest.count < length {
                if final {
                    output.append("\u{FFFD}")
                    index = pending.count
                }
                break
            }
            var scalar: Unicode.Scalar = "\u{FFFD}"
            var consumed = 1
            var iterator = rest.prefix(length).makeIterator()
            var utf8 = Unicode.UTF8()
            if case .scalarValue(let decoded) = utf8.decode(&iterator) {
                scalar = decoded
                consumed = length
            }
            index += consumed
            append(scalar, to: &output)
        }
        pending.removeFirst(min(index, pending.count))
        return output
    }

    private mutating func append(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        defer { lastWasCarriageReturn = scalar == "\r" }
        guard isPasting, scalar.value < 0x20 || scalar.value == 0x7F else {
            output.append(scalar)
            return
        }
        switch scalar {
        case "\r": output += [Self.quote, "\n"]
        case "\n" where lastWasCarriageReturn: return  // CR LF is one line break
        default: output += [Self.quote, scalar]
        }
    }

    /// How many bytes the UTF-8 sequence starting with `lead` takes (1 for a byte that cannot start one).
    private static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 1
        }
    }
}
