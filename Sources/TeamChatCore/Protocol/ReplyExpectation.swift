/// Which reply completes an exchange. Order on the connection is the only correlation (DESIGN §2), so an exchange
/// knows what it waits for and treats anything else as a protocol error, except where streaming allows interleaving.
public enum ReplyExpectation: Sendable, Hashable {
    /// `response`, `chat_response` or `error`.
    case chat
    /// `stream_chunk`s for this request, then `stream_end` or `stream_error`; other replies may interleave and are
    /// ignored. A `nil` request id accepts chunks for any request id.
    case stream(requestID: String?)
    /// `pong`.
    case pong
    /// `info_response`.
    case info
    /// `health_response`.
    case health
}

/// What an exchange does with one decoded reply.
public enum ReplyDisposition: Sendable, Hashable {
    /// The exchange is complete with this final reply (`response` or `error`, `pong`, `info`, `health`).
    case complete(WireReply)
    /// A streamed chunk of the answer; keep waiting.
    case chunk(index: Int?, content: String)
    /// The end of a stream; the answer is the chunks so far, or this content when given.
    case streamEnd(content: String?)
    /// Unrelated to this exchange (allowed only while streaming); keep waiting.
    case ignore
    /// Out of step with the protocol.
    case unexpected(String)
}

extension ReplyExpectation {
    /// Classifies a reply received while waiting for this expectation.
    public func disposition(of reply: WireReply) -> ReplyDisposition {
        switch (self, reply) {
        case (_, .error):
            return .complete(reply)
        case (.chat, .response), (.pong, .pong), (.info, .info), (.health, .health):
            return .complete(reply)
        case (.stream, .response):
            return .complete(reply)  // a server that does not stream answers in one piece
        case (.stream(let wanted), .streamChunk(let id, let index, let content)):
            return Self.matches(wanted, id) ? .chunk(index: index, content: content) : .ignore
        case (.stream(let wanted), .streamEnd(let id, let content)):
            return Self.matches(wanted, id) ? .streamEnd(content: content) : .ignore
        case (.stream(let wanted), .streamError(let id, let message)):
            return Self.matches(wanted, id) ? .complete(.error(message)) : .ignore
        case (.stream, _):
            return .ignore
        default:
            return .unexpected("unexpected '\(reply.typeName)' reply to \(requestName)")
        }
    }

    private static func matches(_ wanted: String?, _ received: String?) -> Bool {
        wanted == nil || received == nil || wanted == received
    }

    private var requestName: String {
        switch self {
        case .chat, .stream: "chat"
        case .pong: "ping"
        case .info: "info"
        case .health: "health"
        }
    }
}

extension WireReply {
    /// The `type` this reply had on the wire (for messages).
    public var typeName: String {
        switch self {
        case .response: "response"
        case .error: "error"
        case .pong: "pong"
        case .info: "info_response"
        case .health: "health_response"
        case .streamStart: "stream_start"
        case .streamChunk: "stream_chunk"
        case .streamEnd: "stream_end"
        case .streamError: "stream_error"
        }
    }
}
