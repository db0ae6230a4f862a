import NIOCore

/// A request teamchat sends to a specialist (DESIGN §2): one JSON object on one line.
public enum WireRequest: Sendable, Hashable {
    /// `{"type":"chat","content":…}` with the optional streaming and sampling fields.
    case chat(Chat)
    /// `{"type":"ping"}`, answered with `pong`.
    case ping
    /// `{"type":"info"}`, answered with `info_response`.
    case info
    /// `{"type":"health"}`, answered with `health_response`.
    case health

    /// The fields of a chat request.
    public struct Chat: Sendable, Hashable {
        public var content: String
        public var stream: Bool
        public var requestID: String?
        public var temperature: Double?
        public var maxTokens: Int?

        public init(
            content: String,
            stream: Bool = false,
            requestID: String? = nil,
            temperature: Double? = nil,
            maxTokens: Int? = nil
        ) {
            self.content = content
            self.stream = stream
            self.requestID = requestID
            self.temperature = temperature
            self.maxTokens = maxTokens
        }
    }

    /// Convenience for the common case.
    public static func chat(_ content: String, stream: Bool = false, requestID: String? = nil) -> WireRequest {
        .chat(Chat(content: content, stream: stream, requestID: requestID))
    }

    /// Real specialists read at most 64 KiB per line; a longer request would be cut off or dropped by them.
    public static let maximumLineLength = 65_536

    /// The kind of reply that completes this request's exchange.
    public var expectation: ReplyExpectation {
        switch self {
        case .chat(let chat): chat.stream ? .stream(requestID: chat.requestID) : .chat
        case .ping: .pong
        case .info: .info
        case .health: .health
        }
    }

    /// The request as one line, newline included, ready to write to any number of connections.
    ///
    /// - Throws: ``ExchangeError`` with kind `tooLarge` when the line would exceed ``maximumLineLength``.
    public func encodedLine() throws(ExchangeError) -> ByteBuffer {
        var object: JSONObjectWriter
        switch self {
        case .chat(let chat):
            object = JSONObjectWriter(type: "chat")
            object.add("content", chat.content)
            if chat.stream { object.add("stream", true) }
            object.add("request_id", chat.requestID)
            object.add("temperature", chat.temperature)
            object.add("max_tokens", chat.maxTokens)
        case .ping: object = JSONObjectWriter(type: "ping")
        case .info: object = JSONObjectWriter(type: "info")
        case .health: object = JSONObjectWriter(type: "health")
        }
        let line = object.utf8(terminator: UInt8(ascii: "\n"))
        guard line.count <= Self.maximumLineLength else {
            throw ExchangeError(
                .tooLarge,
                "message too long: \(line.count) bytes encoded, specialists read at most \(Self.maximumLineLength)"
            )
        }
        return ByteBuffer(bytes: line)
    }
}
