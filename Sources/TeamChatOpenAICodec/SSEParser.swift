import TeamChatJSON

/// Reads a `text/event-stream` body incrementally (the WHATWG server-sent events format, leniently): lines end in
/// `\n`, `\r\n` or a lone `\r`; `field:value` lines with an optional space after the colon; `:` lines are comments;
/// a blank line dispatches the event, its `data` lines joined with `\n`. Bytes may arrive split anywhere.
public struct SSEParser: Sendable {
    /// One dispatched event.
    public struct Event: Sendable, Hashable {
        public var name: String?
        public var data: String
        /// Whether the data's bytes were valid UTF-8 (`data` is then exactly them; otherwise it was repaired).
        public var isValidUTF8: Bool

        public init(name: String?, data: String, isValidUTF8: Bool = true) {
            self.name = name
            self.data = data
            self.isValidUTF8 = isValidUTF8
        }
    }

    /// Why the stream cannot be read on.
    public struct TooLong: Error, Hashable, Sendable {
        public var limit: Int
    }

    /// The longest line, and the largest event, accepted.
    public let maximumLength: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var name: String?
    /// A `\r` ended the last line: a `\n` right after it belongs to the same line end.
    private var afterCarriageReturn = false

    public init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    /// Feeds bytes; returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(TooLong) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if afterCarriageReturn {
                afterCarriageReturn = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                afterCarriageReturn = byte == UInt8(ascii: "\r")
                if let event = try endLine() { events.append(event) }
            default:
                guard line.count < maximumLength else { throw TooLong(limit: maximumLength) }
                line.append(byte)
            }
        }
        return events
    }

    /// The event still pending when the stream ended without a blank line, if any.
    public mutating func finish() throws(TooLong) -> Event? {
        if !line.isEmpty, let event = try endLine() { return event }
        return hasData ? dispatch() : nil
    }

    private mutating func endLine() throws(TooLong) -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return hasData ? dispatch() : nil }
        if line.first == UInt8(ascii: ":") { return nil }  // a comment
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var value = colon < line.endIndex ? line[(colon + 1)...] : []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch field {
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            guard data.count + value.count <= maximumLength else { throw TooLong(limit: maximumLength) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            name = String(decoding: value, as: UTF8.self)
        default:
            break  // id, retry and unknown fields mean nothing to a client that never reconnects
        }
        return nil
    }

    private mutating func dispatch() -> Event {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            name = nil
        }
        return Event(name: name, data: String(decoding: data, as: UTF8.self), isValidUTF8: UTF8Validation.isValid(data))
    }
}
