import NIOCore

/// The end of a successful exchange on one connection: the final reply and when things happened.
public struct ExchangeReply: Sendable {
    /// `response`/`error` for chats (a stream is folded into one `response`), `pong`, `info` or `health`.
    public var reply: WireReply
    /// When the request was written.
    public var sentAt: NIODeadline
    /// When the first byte after the request arrived.
    public var firstByteAt: NIODeadline
    /// When the reply was complete.
    public var completedAt: NIODeadline
    /// Whether the connection is in step with its peer and may carry another exchange. False when more bytes
    /// arrived together with the reply (a specialist that answers twice).
    public var connectionReusable: Bool
}

/// A piece of a streamed answer, as it arrives.
public struct StreamChunk: Sendable, Hashable {
    public var index: Int
    public var content: String
}

/// What a connection tells its pool about itself while no exchange runs.
enum ConnectionEvent: Sendable {
    /// Bytes arrived while idle: the connection is out of step and must not be leased.
    case unsolicitedBytes
    /// The connection is closed.
    case closed
}
