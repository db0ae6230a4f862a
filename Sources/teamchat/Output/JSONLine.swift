/// Builds one JSON object, fields in the order they are added (so `"type"` always comes first and every line of
/// a given type has the same shape), and writes it as one NDJSON line.
///
/// Hand-written because JSONEncoder's key order is unspecified (it varies between runs on Linux) and `.sortedKeys`
/// would bury `"type"`. Strings are escaped as RFC 8259 requires: quote, backslash and every control character.
struct JSONLine {
    private var text = "{"

    init(type: String) {
        add("type", type)
    }

    mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        appendKey(key)
        Self.appendString(value, to: &text)
    }

    mutating func add(_ key: String, _ value: Int?) {
        guard let value else { return }
        appendKey(key)
        text += String(value)
    }

    mutating func add(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return }
        appendKey(key)
        text += String(value)
    }

    mutating func add(_ key: String, _ value: Bool?) {
        guard let value else { return }
        appendKey(key)
        text += value ? "true" : "false"
    }

    /// A nested object of counts, keys sorted.
    mutating func add(_ key: String, counts: [String: Int]) {
        appendKey(key)
        text += "{"
        for (index, (name, count)) in counts.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { text += "," }
            Self.appendString(name, to: &text)
            text += ":" + String(count)
        }
        text += "}"
    }

    /// The finished object.
    var string: String { text + "}" }

    /// Writes the object as one line on standard output.
    func write() {
        Console.out(string)
    }

    private mutating func appendKey(_ key: String) {
        if text.count > 1 { text += "," }
        Self.appendString(key, to: &text)
        text += ":"
    }

    static func appendString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
