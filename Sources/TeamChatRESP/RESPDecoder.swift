import NIOCore

/// Reads RESP3 values from a byte stream, whole values only (a value split over reads waits for the rest). Untrusted
/// input is bounded: bulk strings by `maximumBulkBytes`, aggregates by `maximumElements`, nesting by `maximumDepth`;
/// anything else malformed is a ``RESPDecodingError`` and the connection is closed by its owner.
public struct RESPDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = RESPValue

    public var maximumBulkBytes: Int
    public var maximumElements: Int
    public var maximumDepth: Int

    public init(maximumBulkBytes: Int = 64 << 20, maximumElements: Int = 1 << 20, maximumDepth: Int = 32) {
        self.maximumBulkBytes = maximumBulkBytes
        self.maximumElements = maximumElements
        self.maximumDepth = maximumDepth
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try decode(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData  // a partial value at the end of the stream is dropped with the connection
    }

    /// One whole value from the front of `buffer` (consumed), or nil (nothing consumed) when it is not all there.
    public func decode(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        var cursor = buffer
        guard let value = try value(&cursor, depth: 0) else { return nil }
        buffer = cursor
        return value
    }

    private func value(_ buffer: inout ByteBuffer, depth: Int) throws -> RESPValue? {
        guard depth <= maximumDepth else { throw RESPDecodingError("nested deeper than \(maximumDepth)") }
        guard let type = buffer.readInteger(as: UInt8.self) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return try line(&buffer).map { .simpleString($0) }
        case UInt8(ascii: "-"):
            return try line(&buffer).map { .error($0) }
        case UInt8(ascii: ":"):
            guard let text = try line(&buffer) else { return nil }
            guard let value = Int64(text) else { throw RESPDecodingError("not an integer: \(text.prefix(32))") }
            return .integer(value)
        case UInt8(ascii: ","):
            guard let text = try line(&buffer) else { return nil }
            switch text {
            case "inf": return .double(.infinity)
            case "-inf": return .double(-.infinity)
            case "nan": return .double(.nan)
            default:
                guard let value = Double(text), value.isFinite else {
                    throw RESPDecodingError("not a double: \(text.prefix(32))")
                }
                return .double(value)
            }
        case UInt8(ascii: "#"):
            guard let text = try line(&buffer) else { return nil }
            switch text {
            case "t": return .boolean(true)
            case "f": return .boolean(false)
            default: throw RESPDecodingError("not a boolean: \(text.prefix(8))")
            }
        case UInt8(ascii: "_"):
            guard let text = try line(&buffer) else { return nil }
            guard text.isEmpty else { throw RESPDecodingError("a null with content") }
            return .null
        case UInt8(ascii: "("):
            guard let text = try line(&buffer) else { return nil }
            guard !text.isEmpty, text.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isASCIIDigit) else {
                throw RESPDecodingError("not a big number: \(text.prefix(32))")
            }
            return .bigNumber(text)
        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            guard let length = try count(&buffer, allowNull: type == UInt8(ascii: "$")) else { return nil }
            guard length >= 0 else { return .bulkString(nil) }
            guard length <= maximumBulkBytes else {
                throw RESPDecodingError("a string of \(length) bytes, more than \(maximumBulkBytes)")
            }
            guard buffer.readableBytes >= length + 2 else { return nil }
            let bytes = buffer.readBytes(length: length) ?? []
            guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw RESPDecodingError("a string not ended by CRLF") }
            switch type {
            case UInt8(ascii: "$"):
                return .bulkString(bytes)
            case UInt8(ascii: "!"):
                return .error(String(decoding: bytes, as: UTF8.self))
            default:
                guard bytes.count >= 4, bytes[3] == UInt8(ascii: ":") else {
                    throw RESPDecodingError("a verbatim string without its format")
                }
                return .verbatim(
                    format: String(decoding: bytes[0..<3], as: UTF8.self),
                    text: String(decoding: bytes[4...], as: UTF8.self))
            }
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            guard let declared = try count(&buffer, allowNull: type == UInt8(ascii: "*")) else { return nil }
            guard declared >= 0 else { return .null }
            let isPairs = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
            guard declared <= maximumElements else {
                throw RESPDecodingError("an aggregate of \(declared) elements, more than \(maximumElements)")
            }
            let total = isPairs ? declared * 2 : declared
            // Never trust the count for memory: at least one byte per element must already be here.
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(total, buffer.readableBytes))
            for _ in 0..<total {
                guard let element = try value(&buffer, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            switch type {
            case UInt8(ascii: "*"): return .array(elements)
            case UInt8(ascii: "~"): return .set(elements)
            case UInt8(ascii: ">"): return .push(elements)
            case UInt8(ascii: "%"): return .map(elements)
            default:
                // Attributes describe the value that follows; teamchat needs none of them.
                return try value(&buffer, depth: depth)
            }
        default:
            throw RESPDecodingError("unknown type byte 0x\(String(type, radix: 16))")
        }
    }

    /// The rest of a line, without its CRLF; nil when the CRLF is not here yet.
    private func line(_ buffer: inout ByteBuffer) throws -> String? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: 0x0D) else {
            guard view.count <= 4_096 else { throw RESPDecodingError("a line longer than 4096 bytes") }
            return nil
        }
        guard view.index(after: cr) < view.endIndex else { return nil }
        guard view[view.index(after: cr)] == 0x0A else { throw RESPDecodingError("a CR not followed by LF") }
        let length = cr - view.startIndex
        guard length <= 4_096 else { throw RESPDecodingError("a line longer than 4096 bytes") }
        let text = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 2)
        return text
    }

    /// A length or count line: a non-negative integer, or -1 where the type allows a null.
    private func count(_ buffer: inout ByteBuffer, allowNull: Bool) throws -> Int? {
        guard let text = try line(&buffer) else { return nil }
        if text == "-1", allowNull { return -1 }
        guard !text.isEmpty, text.count <= 10, text.allSatisfy(\.isASCIIDigit), let value = Int(text) else {
            throw RESPDecodingError("not a length: \(text.prefix(32))")
        }
        return value
    }
}

/// Bytes that are not RESP3.
public struct RESPDecodingError: Error, Hashable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = "malformed RESP: " + description
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
