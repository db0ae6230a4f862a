import NIOCore

/// One RESP3 value (the protocol Redis and Valkey speak since 6.0; RESP2's replies are a subset of it).
public indirect enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    /// A binary-safe string; `nil` is RESP2's null bulk string (`$-1`).
    case bulkString([UInt8]?)
    /// `-ERR …` or `!<len>` bulk errors: the server refused the command.
    case error(String)
    case integer(Int64)
    case double(Double)
    case boolean(Bool)
    /// `_`, and RESP2's null array (`*-1`).
    case null
    /// `(` a number too big for 64 bits, as the server wrote it.
    case bigNumber(String)
    /// `=` text with its three-letter format (`txt`, `mkd`).
    case verbatim(format: String, text: String)
    case array([RESPValue])
    /// `%` key-value pairs, in the server's order.
    case map([RESPValue])
    case set([RESPValue])
    /// `>` out-of-band data: pub/sub messages and subscription confirmations.
    case push([RESPValue])

    /// The value as text: simple, bulk and verbatim strings (bulk strings decoded as UTF-8, repaired if need be).
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .verbatim(_, let text): text
        default: nil
        }
    }

    /// The value as an integer (integers, and strings that hold one).
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        default: string.flatMap { Int64($0) }
        }
    }

    /// The elements of an array, set or push.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let values), .set(let values), .push(let values): values
        default: nil
        }
    }

    /// A map's pairs (a RESP2 server answers HELLO-like replies as flat arrays: read those as pairs too).
    public var pairs: [(key: RESPValue, value: RESPValue)]? {
        switch self {
        case .map(let flat), .array(let flat):
            guard flat.count % 2 == 0 else { return nil }
            return stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) }
        default: return nil
        }
    }
}
