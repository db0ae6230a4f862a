/// Writes one JSON object, members in the order they are added (so `"type"` comes first and every object of
/// a kind has the same shape). Strings are escaped as RFC 8259 requires: quote, backslash and every control
/// character; everything else is written as UTF-8.
///
/// Hand-written because it sits on every hot path (each request, each NDJSON event, each simulated reply) where
/// JSONEncoder's generic machinery costs more than the network, and because JSONEncoder's key order is unspecified.
public struct JSONObjectWriter: Sendable {
    /// The UTF-8 bytes so far, without the closing brace.
    private var bytes: [UInt8]

    public init() {
        // Room for a typical object at once, instead of growing from one byte through a reallocation per doubling.
        bytes = []
        bytes.reserveCapacity(128)
        bytes.append(UInt8(ascii: "{"))
    }

    /// Starts an object with `"type"` as its first member.
    public init(type: String) {
        self.init()
        add("type", type)
    }

    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        appendKey(key)
        appendString(value)
    }

    public mutating func add(_ key: String, _ value: Int?) {
        guard let value else { return }
        appendKey(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Non-finite numbers have no JSON form and are left out.
    public mutating func add(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return }
        appendKey(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func add(_ key: String, _ value: Bool?) {
        guard let value else { return }
        appendKey(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A member whose value is `null`.
    public mutating func addNull(_ key: String) {
        appendKey(key)
        bytes.append(contentsOf: "null".utf8)
    }

    /// A nested object.
    public mutating func add(_ key: String, object: JSONObjectWriter) {
        appendKey(key)
        append(object)
    }

    /// An array of objects.
    public mutating func add(_ key: String, objects: [JSONObjectWriter]) {
        appendKey(key)
        bytes.append(UInt8(ascii: "["))
        for (index, object) in objects.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            append(object)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An array of strings.
    public mutating func add(_ key: String, strings: [String]) {
        appendKey(key)
        bytes.append(UInt8(ascii: "["))
        for (index, string) in strings.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendString(string)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Any JSON value, as read (a client's `metadata`, echoed back).
    public mutating func add(_ key: String, json value: JSONObjectReader.Value) {
        appendKey(key)
        append(value)
    }

    private mutating func append(_ value: JSONObjectReader.Value) {
        switch value {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let flag):
            bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number):
            bytes.append(contentsOf: (number.isFinite ? String(number) : "null").utf8)
        case .string(let text):
            appendString(text)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, (name, element)) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(name)
                bytes.append(UInt8(ascii: ":"))
                append(element)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// An array of numbers (non-finite ones are left out).
    public mutating func add(_ key: String, numbers: [Double]) {
        appendKey(key)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for number in numbers where number.isFinite {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(contentsOf: String(number).utf8)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A nested object of counts, keys sorted.
    public mutating func add(_ key: String, counts: [String: Int]) {
        appendKey(key)
        bytes.append(UInt8(ascii: "{"))
        for (index, (name, count)) in counts.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendString(name)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: String(count).utf8)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// The finished object as UTF-8, followed by `terminator` (a newline for NDJSON and the wire).
    public func utf8(terminator: UInt8? = nil) -> [UInt8] {
        var result = bytes
        result.append(UInt8(ascii: "}"))
        if let terminator { result.append(terminator) }
        return result
    }

    /// The finished object.
    public var string: String { String(decoding: utf8(), as: UTF8.self) }

    /// A nested object, closed, copied once (``utf8(terminator:)`` would copy it twice: a cache file of 1,000
    /// specialists nests objects five deep).
    private mutating func append(_ object: JSONObjectWriter) {
        bytes.append(contentsOf: object.bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func appendKey(_ key: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
