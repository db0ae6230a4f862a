import TeamChatJSON

/// The fields of a chat request.
public struct ChatRequest: Sendable, Hashable {
    public var message: String
    /// Ask for the answer in chunks as it is produced.
    public var stream: Bool
    /// An id the specialist may echo in streamed chunks.
    public var requestID: String?
    public var temperature: Double?
    public var maxTokens: Int?
    /// Each specialist's own earlier turns in this conversation, by specialist id (DESIGN §9): a specialist is
    /// sent its own thread and no one else's. Empty: a round with no past.
    public var threads: [String: [ChatTurn]] = [:]

    public init(
        message: String,
        stream: Bool = false,
        requestID: String? = nil,
        temperature: Double? = nil,
        maxTokens: Int? = nil
    ) {
        self.message = message
        self.stream = stream
        self.requestID = requestID
        self.temperature = temperature
        self.maxTokens = maxTokens
    }
}

extension ChatRequest {
    /// The earlier turns `specialist` is sent.
    public func thread(for specialist: Specialist) -> [ChatTurn] {
        threads[specialist.id] ?? []
    }

    /// The largest request line teamchat sends: real Tekton specialists read at most 64 KiB per line, and every
    /// transport keeps to it so that a message that works for one works for all.
    public static let maximumEncodedBytes = 65_536

    /// Checks that the message fits, as JSON, within ``maximumEncodedBytes``.
    public func validate() throws(ExchangeError) {
        var object = JSONObjectWriter(type: "chat")
        object.add("content", message)
        if stream { object.add("stream", true) }
        object.add("request_id", requestID)
        let count = object.utf8(terminator: UInt8(ascii: "\n")).count
        guard count <= Self.maximumEncodedBytes else {
            throw ExchangeError(
                .tooLarge,
                "message too long: \(count) bytes encoded, specialists read at most \(Self.maximumEncodedBytes)")
        }
    }
}
