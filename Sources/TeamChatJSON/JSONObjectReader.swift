/// Reads JSON (RFC 8259) from UTF-8 bytes in one pass, without generic decoding machinery: every reply teamchat
/// receives, every request a simulated specialist reads, and the cache and roster files of a one-shot process go
/// through here (JSONDecoder cost more per reply than the loopback round trip, and more per process start than the
/// whole round). Nesting is bounded so that hostile input cannot exhaust the stack.
public enum JSONObjectReader {
    /// A JSON value.
    public enum Value: Hashable, Sendable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case array([Value])
        /// An object's members; a repeated key keeps its last value.
        case object([String: Value])

        public var string: String? {
            if case .string(let value) = self { value } else { nil }
        }

        public var number: Double? {
            if case .number(let value) = self { value } else { nil }
        }

        public var bool: Bool? {
            if case .bool(let value) = self { value } else { nil }
        }

        /// The number, when it is an integer that fits.
        public var integer: Int? {
            guard case .number(let value) = self, value.rounded() == value, abs(value) < 9e15 else { return nil }
            return Int(value)
        }

        public var array: [Value]? {
            if case .array(let value) = self { value } else { nil }
        }

        public var object: [String: Value]? {
            if case .object(let value) = self { value } else { nil }
        }
    }

    /// Why bytes are not a JSON object.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// Well-formed JSON, but not an object.
        case notAnObject
        /// Not well-formed JSON: what is wrong, and at which byte.
        case malformed(String, at: Int)

        public var description: String {
            switch self {
            case .notAnObject: "not a JSON object"
            case .malformed(let detail, let offset): "not JSON: \(detail) at byte \(offset)"
            }
        }
    }

    /// Nesting deeper than this is refused.
    public static let maximumDepth = 64

    /// The members of the object in `bytes`, in order (a repeated key appears twice).
    public static func members(of bytes: UnsafeRawBufferPointer) throws(Failure) -> [(key: String, value: Value)] {
        var members: [(key: String, value: Value)] = []
        members.reserveCapacity(8)  // a reply has a handful: one allocation instead of one per doubling
        try forEachMember(of: bytes) { key, value in members.append((key, value)) }
        return members
    }

    /// Calls `body` with each member of the object in `bytes`, in order (a repeated key twice), without collecting
    /// them: for a reader that keeps a few fields of every reply. `body` sees the members as they are read, so all
    /// of them only when this does not throw.
    public static func forEachMember(
        of bytes: UnsafeRawBufferPointer, _ body: (String, Value) -> Void
    ) throws(Failure) {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        guard parser.peek == UInt8(ascii: "{") else {
            // Tell "valid JSON, wrong shape" from "not JSON at all".
            _ = try parser.value(depth: 0)
            try parser.expectEnd()
            throw .notAnObject
        }
        try parser.object(depth: 0, member: body)
        try parser.expectEnd()
    }

    /// The whole value in `bytes`, whatever its type.
    public static func value(of bytes: UnsafeRawBufferPointer) throws(Failure) -> Value {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        try parser.expectEnd()
        return value
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        func error(_ what: String) -> Failure {
            .malformed(what, at: position)
        }

        mutating func expect(_ byte: UInt8) throws(Failure) {
            guard peek == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))'") }
            position += 1
        }

        mutating func expectEnd() throws(Failure) {
            skipWhitespace()
            guard position == bytes.count else { throw error("unexpected bytes after the value") }
        }

        /// An object; `member` is called for each member, in order.
        mutating func object(depth: Int, member: (String, Value) -> Void) throws(Failure) {
            guard depth < JSONObjectReader.maximumDepth else { throw error("nested too deeply") }
            try expect(UInt8(ascii: "{"))
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                member(key, try value(depth: depth + 1))
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return
            }
        }

        mutating func array(depth: Int) throws(Failure) -> [Value] {
            guard depth < JSONObjectReader.maximumDepth else { throw error("nested too deeply") }
            try expect(UInt8(ascii: "["))
            skipWhitespace()
            var elements: [Value] = []
            if peek == UInt8(ascii: "]") {
                position += 1
                return elements
            }
            elements.reserveCapacity(16)  // a cache file's arrays are mostly recent latencies: a dozen or two
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return elements
            }
        }

        mutating func value(depth: Int) throws(Failure) -> Value {
            switch peek {
            case UInt8(ascii: "\"")?:
                return .string(try string())
            case UInt8(ascii: "{")?:
                // Gathered first, so that the dictionary is made once at its size instead of regrown as it fills.
                var pairs: [(key: String, value: Value)] = []
                pairs.reserveCapacity(8)
                try object(depth: depth) { key, value in pairs.append((key, value)) }
                var members = [String: Value](minimumCapacity: pairs.count)
                for (key, value) in pairs { members[key] = value }  // a repeated key keeps its last value
                return .object(members)
            case UInt8(ascii: "[")?:
                return .array(try array(depth: depth))
            case UInt8(ascii: "t")?:
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f")?:
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n")?:
                try literal("null")
                return .null
            case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
                return .number(try number())
            case nil:
                throw error("unexpected end")
            default:
                throw error("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count,
                (0..<count).allSatisfy({ bytes[position + $0] == word.utf8Start[$0] })
            else { throw error("invalid literal") }
            position += count
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        ///
        /// A number of at most 15 digits and no exponent (a latency, a count, a port: most numbers in a cache file of
        /// recent latencies) is computed here: its digits as an integer and a power of ten are both exact doubles,
        /// so their quotient is the correctly rounded value, as the C library's conversion would give. Others go
        /// through that conversion.
        mutating func number() throws(Failure) -> Double {
            let start = position
            var mantissa: UInt64 = 0
            var digitCount = 0
            var fractionDigits = 0
            func digits(_ parser: inout Parser, into mantissa: inout UInt64, count: inout Int) -> Int {
                var run = 0
                while let byte = parser.peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                    parser.position += 1
                    run += 1
                    count += 1
                    if count <= Self.exactDigits { mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0")) }
                }
                return run
            }
            let negative = peek == UInt8(ascii: "-")
            if negative { position += 1 }
            if peek == UInt8(ascii: "0") {
                position += 1
                digitCount = 1
            } else if digits(&self, into: &mantissa, count: &digitCount) == 0 {
                throw error("invalid number")
            }
            if peek == UInt8(ascii: ".") {
                position += 1
                fractionDigits = digits(&self, into: &mantissa, count: &digitCount)
                guard fractionDigits > 0 else { throw error("invalid number") }
            }
            var exponent = false
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                exponent = true
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                var ignored: UInt64 = 0
                var ignoredCount = 0
                guard digits(&self, into: &ignored, count: &ignoredCount) > 0 else { throw error("invalid number") }
            }
            if !exponent, digitCount <= Self.exactDigits {
                let magnitude = Double(mantissa) / Self.powersOfTen[fractionDigits]
                return negative ? -magnitude : magnitude
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let value = Double(text) else { throw error("invalid number") }
            return value
        }

        /// Up to this many decimal digits, an integer is exact as a double (10^15 < 2^53), and so is 10^digits.
        static let exactDigits = 15
        static let powersOfTen: [Double] = (0...exactDigits).map { exponent in
            (0..<exponent).reduce(1.0) { value, _ in value * 10 }
        }

        /// A string; the bytes are known to be valid UTF-8 (the caller checks the whole line first).
        mutating func string() throws(Failure) -> String {
            try expect(UInt8(ascii: "\""))
            let start = position
            var escaped = false
            while true {
                guard let byte = peek else { throw error("unterminated string") }
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 { throw error("control character in a string") }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    position += 2
                } else {
                    position += 1
                }
            }
            let end = position
            position += 1
            let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            return escaped ? try unescape(raw, offset: start) : String(decoding: raw, as: UTF8.self)
        }

        func unescape(_ raw: UnsafeRawBufferPointer, offset: Int) throws(Failure) -> String {
            var result: [UInt8] = []
            result.reserveCapacity(raw.count)
            var index = 0
            func hex4(_ at: Int) -> UInt32? {
                guard at + 4 <= raw.count else { return nil }
                var value: UInt32 = 0
                for byte in raw[at..<at + 4] {
                    guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
                    value = value << 4 | UInt32(digit)
                }
                return value
            }
            while index < raw.count {
                let byte = raw[index]
                guard byte == UInt8(ascii: "\\") else {
                    result.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < raw.count else { throw Failure.malformed("bad escape", at: offset + index) }
                let kind = raw[index + 1]
                index += 2
                switch kind {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(kind)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4(index) else { throw Failure.malformed("bad \\u escape", at: offset + index) }
                    index += 4
                    if (0xD800...0xDBFF).contains(code) {
                        // A high surrogate must be followed by an escaped low one.
                        guard index + 1 < raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u"),
                            let low = hex4(index + 2), (0xDC00...0xDFFF).contains(low)
                        else { throw Failure.malformed("unpaired surrogate", at: offset + index) }
                        index += 6
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw Failure.malformed("unpaired surrogate", at: offset + index)
                    }
                    result.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
                default:
                    throw Failure.malformed("bad escape", at: offset + index - 1)
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
    }
}
