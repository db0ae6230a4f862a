import TeamChatJSON
import TeamChatModel

/// A bridge's presence: who it fronts. `{"bridge":"box-4242","host":"box","specialists":[{"id":"apollo-ai",
/// "model":"llama3"}]}`.
public struct BusPresence: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var id: String
        public var model: String?

        public init(id: String, model: String?) {
            self.id = id
            self.model = model
        }
    }

    public var bridge: String
    public var host: String
    public var members: [Member]

    public init(bridge: String, host: String, members: [Member]) {
        self.bridge = bridge
        self.host = host
        self.members = members
    }

    public var json: [UInt8] {
        var object = JSONObjectWriter()
        object.add("bridge", bridge)
        object.add("host", host)
        object.add("specialists", objects: members.map { member in
            var entry = JSONObjectWriter()
            entry.add("id", member.id)
            entry.add("model", member.model)
            return entry
        })
        return object.utf8()
    }

    public static func decode(_ bytes: [UInt8]) -> BusPresence? {
        guard let object = jsonObject(bytes) else { return nil }
        let fields = JSONFields(object)
        guard let bridge = try? fields.string("bridge"), let entries = try? fields.objects("specialists") else {
            return nil
        }
        let host = (try? fields.optionalString("host")) ?? nil
        let members = entries.compactMap { entry -> Member? in
            guard let id = try? entry.string("id"), !id.isEmpty else { return nil }
            return Member(id: id, model: try? entry.optionalString("model"))
        }
        return BusPresence(bridge: bridge, host: host ?? "", members: members)
    }
}

/// A round as published on a bridge's request channel: once per bridge, for the specialists it fronts.
public struct BusRequest: Sendable, Hashable {
    public var round: String
    public var replyTo: String
    public var to: [String]
    public var request: TeamRequest
    public var timeout: Duration
    public var maximumReplyBytes: Int
    /// When it was sent, wall-clock milliseconds since 1970: a bridge refuses a request too old to matter (a replay)
    /// or from too far in the future.
    public var sentMilliseconds: Int64

    public init(
        round: String, replyTo: String, to: [String], request: TeamRequest, timeout: Duration,
        maximumReplyBytes: Int, sentMilliseconds: Int64
    ) {
        self.round = round
        self.replyTo = replyTo
        self.to = to
        self.request = request
        self.timeout = timeout
        self.maximumReplyBytes = maximumReplyBytes
        self.sentMilliseconds = sentMilliseconds
    }

    public var json: [UInt8] {
        var object = JSONObjectWriter()
        object.add("bus_round", round)
        object.add("reply_to", replyTo)
        object.add("sent_ms", Double(sentMilliseconds))
        object.add("to", strings: to)
        switch request {
        case .chat(let chat):
            object.add("kind", "chat")
            object.add("message", chat.message)
            object.add("stream", chat.stream)
            // Only the threads of the specialists this request is for (a bridge sees no one else's).
            let threads = chat.threads.filter { to.contains($0.key) }
            if !threads.isEmpty { object.add("threads", object: ChatTurn.json(threads)) }
        case .ping:
            object.add("kind", "ping")
        case .probe:
            object.add("kind", "probe")
        }
        object.add("timeout_ms", timeout.milliseconds)
        object.add("max_reply_bytes", maximumReplyBytes)
        return object.utf8()
    }

    public static func decode(_ bytes: [UInt8]) -> BusRequest? {
        guard let object = jsonObject(bytes) else { return nil }
        let fields = JSONFields(object)
        guard let round = try? fields.string("bus_round"), let replyTo = try? fields.string("reply_to"),
            let to = try? fields.optionalStrings("to") ?? [], let kind = try? fields.string("kind"),
            let milliseconds = try? fields.number("timeout_ms", in: 0...86_400_000),
            let timeout = Duration(checkedSeconds: milliseconds / 1_000)
        else { return nil }
        let request: TeamRequest
        switch kind {
        case "chat":
            guard let message = try? fields.string("message") else { return nil }
            let stream = (try? fields.optionalBool("stream")) ?? false
            var chat = ChatRequest(message: message, stream: stream, requestID: stream ? round : nil)
            if let members = (try? fields.optionalObject("threads"))??.members {
                guard let threads = ChatTurn.threads(json: members) else { return nil }
                chat.threads = threads
            }
            request = .chat(chat)
        case "ping": request = .ping
        case "probe": request = .probe
        default: return nil
        }
        let maximum = (try? fields.optionalInteger("max_reply_bytes", in: 1...(1 << 30))) ?? nil
        guard let sent = try? fields.number("sent_ms", in: 0...1e15) else { return nil }
        return BusRequest(
            round: round, replyTo: replyTo, to: to, request: request, timeout: timeout,
            maximumReplyBytes: maximum ?? (16 << 20), sentMilliseconds: Int64(sent))
    }
}

/// A round posted for later (`send --async`): what the team's inbox and the round's record carry, signed as one body.
public struct BusPosted: Sendable, Hashable {
    public var round: String
    public var to: [String]
    public var message: String
    public var timeout: Duration
    /// Wall-clock milliseconds since 1970 after which bridges no longer answer it.
    public var expiresMilliseconds: Int64

    public init(round: String, to: [String], message: String, timeout: Duration, expiresMilliseconds: Int64) {
        self.round = round
        self.to = to
        self.message = message
        self.timeout = timeout
        self.expiresMilliseconds = expiresMilliseconds
    }

    public var json: [UInt8] {
        var object = JSONObjectWriter()
        object.add("round", round)
        object.add("to", strings: to)
        object.add("message", message)
        object.add("timeout_ms", timeout.milliseconds)
        object.add("expires_ms", Double(expiresMilliseconds))
        return object.utf8()
    }

    public static func decode(_ bytes: [UInt8]) -> BusPosted? {
        guard let object = jsonObject(bytes) else { return nil }
        let fields = JSONFields(object)
        guard let round = try? fields.string("round"), let to = try? fields.optionalStrings("to") ?? [],
            let message = try? fields.string("message"),
            let milliseconds = try? fields.number("timeout_ms", in: 0...86_400_000),
            let timeout = Duration(checkedSeconds: milliseconds / 1_000),
            let expires = try? fields.number("expires_ms", in: 0...1e15)
        else { return nil }
        return BusPosted(round: round, to: to, message: message, timeout: timeout, expiresMilliseconds: Int64(expires))
    }
}

/// One specialist's reply or chunk, on the requester's reply channel: the `send --json` event object with the bus
/// round it answers and the channel it was published on (both under the message's code: a reply cannot be moved to
/// another round or another client).
public enum BusReply {
    public static func encode(_ event: RoundEvent, round: String, channel: String) -> [UInt8] {
        var object = RoundEventCodec.encode(event)
        object.add("bus_round", round)
        object.add("reply_to", channel)
        return object.utf8()
    }

    /// The bus round, the channel it names and the event, or nil for anything else.
    public static func decode(_ bytes: [UInt8]) -> (round: String, channel: String, event: RoundEvent)? {
        guard let object = jsonObject(bytes),
            case .string(let round)? = object["bus_round"],
            case .string(let channel)? = object["reply_to"],
            let decoded = try? RoundEventCodec.decode(object: object)
        else { return nil }
        return (round, channel, decoded.event)
    }
}

/// The JSON object `bytes` hold, or nil for anything else (bus messages come from other machines: never trusted).
package func jsonObject(_ bytes: [UInt8]) -> [String: JSONObjectReader.Value]? {
    (try? bytes.withUnsafeBytes { try JSONObjectReader.value(of: $0) })?.object
}
