import TeamChatTektonWire

/// Which reply completes an exchange. Order on the connection is the only correlation (DESIGN §2), so an exchange
/// knows what it waits for and treats anything else as a protocol error, except where streaming allows interleaving.
enum ReplyExpectation: Sendable, Hashable {
    /// `response`, `chat_response` or `error`.
    case chat
    /// `stream_chunk`s, then `stream_end` or `stream_error` (a plain `response` is accepted too). Stream frames are
    /// matched whatever `request_id` they carry: a connection carries one exchange at a time, so the stream that
    /// follows the request is its answer, even from a specialist that tags it with an id of its own. Other replies
    /// may interleave and are ignored.
    case stream
    /// `pong`.
    case pong
    /// `info_response`.
    case info

    /// What completes a request.
    init(_ request: WireRequest) {
        switch request {
        case .chat(let chat): self = chat.stream ? .stream : .chat
        case .ping: self = .pong
        case .info: self = .info
        case .health: self = .info  // not sent by teamchat
        }
    }
}

/// What an exchange does with one decoded reply.
enum ReplyDisposition: Sendable, Hashable {
    /// The exchange is complete with this final reply.
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
    func disposition(of reply: WireReply) -> ReplyDisposition {
        switch (self, reply) {
        case (_, .error):
            return .complete(reply)
        case (.chat, .response), (.pong, .pong), (.info, .info):
            return .complete(reply)
        case (.stream, .response):
            return .complete(reply)  // a server that does not stream answers in one piece
        case (.stream, .streamChunk(_, let index, let content)):
            return .chunk(index: index, content: content)
        case (.stream, .streamEnd(_, let content)):
            return .streamEnd(content: content)
        case (.stream, .streamError(_, let message)):
            return .complete(.error(message))
        case (.stream, _):
            return .ignore
        default:
            return .unexpected("unexpected '\(reply.typeName)' reply to \(requestName)")
        }
    }

    private var requestName: String {
        switch self {
        case .chat, .stream: "chat"
        case .pong: "ping"
        case .info: "info"
        }
    }
}
