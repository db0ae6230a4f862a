import TeamChatJSON
import TeamChatEngine

/// A bridge's presence: who it fronts. `{"bridge":"box-4242","host":"box","specialists":[{"id":"apollo-ai",
/// "model":"llama3"}]}`.
public struct BusPresence: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var id: String
        public var model: String?
    }

    public var bridge: String
    public var host: String
    public var members: [Member]

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

/// A round as published on the team's request channel: once, for every specialist it addresses.
public struct BusRequest: Sendable, Hashable {
    public var round: String
    public var replyTo: String
    public var to: [String]
    public var request: TeamRequest
    public var timeout: Duration
    public var maximumReplyBytes: Int

    public var json: [UInt8] {
        var object = JSONObjectWriter()
        object.add("bus_round", round)
        object.add("reply_to", replyTo)
        object.add("to", strings: to)
        switch request {
        case .chat(let chat):
            object.add("kind", "chat")
            object.add("message", chat.message)
            object.add("stream", chat.stream)
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
            request = .chat(ChatRequest(message: message, stream: stream, requestID: stream ? round : nil))
        case "ping": request = .ping
        case "probe": request = .probe
        default: return nil
        }
        let maximum = (try? fields.optionalInteger("max_reply_bytes", in: 1...(1 << 30))) ?? nil
        return BusRequest(
            round: round, replyTo: replyTo, to: to, request: request, timeout: timeout,
            maximumReplyBytes: maximum ?? (16 << 20))
    }
}

/// One specialist's reply or chunk, on the requester's reply channel: the `send --json` event object with the bus
/// round it answers.
public enum BusReply {
    public static func encode(_ event: RoundEvent, round: String) -> [UInt8] {
        var object = RoundEventCodec.encode(event)
        object.add("bus_round", round)
        return object.utf8()
    }

    /// The bus round and the event, or nil for anything else.
    public static func decode(_ bytes: [UInt8]) -> (round: String, event: RoundEvent)? {
        guard let object = jsonObject(bytes),
            case .string(let round)? = object["bus_round"],
            let decoded = try? RoundEventCodec.decode(object: object)
        else { return nil }
        return (round, decoded.event)
    }
}

/// The JSON object `bytes` hold, or nil for anything else (bus messages come from other machines: never trusted).
func jsonObject(_ bytes: [UInt8]) -> [String: JSONObjectReader.Value]? {
    (try? bytes.withUnsafeBytes { try JSONObjectReader.value(of: $0) })?.object
}
