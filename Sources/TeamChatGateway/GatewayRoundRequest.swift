import TeamChatJSON
import TeamChatLog
import TeamChatModel
import TeamChatRoster

/// One round a client asks the gateway for, whichever route it came by: the message (or a ping), whom to ask, and
/// the budgets that override the gateway's defaults.
///
/// JSON (`POST /v1/rounds`, WebSocket frames, `POST /api/team-chat/stream`):
/// `{"message":"…","to":["apollo"],"exclude":[],"timeout":2,"connect_timeout":0.5,"deadline":3,"quorum":2,
/// "retries":0,"stream":false,"breakers":true,"request_id":"…","max_reply_bytes":1048576,"ping":false,"round":7,
/// "conversation_id":"3fa9c2d01b7e"}` — or, instead of a conversation the gateway keeps,
/// `"threads":{"apollo":[{"role":"user","content":"…"},{"role":"assistant","content":"…"}]}` (each specialist's
/// earlier turns, as `send` keeps them itself; DESIGN §9);
/// durations in seconds, `to` and `exclude` lists or comma-separated strings. Rhetor's body
/// (`POST /api/team-chat`) names the team `target_sockets` and adds `moderation_mode`, `metadata` (echoed back) and
/// `conversation_id`.
public struct GatewayRoundRequest: Sendable, Hashable {
    /// A chat message; `nil` for a ping round.
    public var message: String?
    public var to: [String] = []
    public var exclude: [String] = []
    public var timeout: Duration?
    public var connectTimeout: Duration?
    public var deadline: Duration?
    public var quorum: Int?
    public var retries: Int?
    public var maximumReplyBytes: Int?
    public var stream = false
    public var breakers = true
    public var requestID: String?
    /// The client's number for the round (WebSocket rounds run side by side and are told apart by it).
    public var round: Int?
    /// Rhetor's fields, echoed back.
    public var moderationMode: String?
    public var metadata: JSONObjectReader.Value?
    /// Each specialist's earlier turns, by id (``ChatRequest/threads``).
    public var threads: [String: [ChatTurn]] = [:]
    /// The conversation the round belongs to (DESIGN §9): a known one gives each member its own thread from the
    /// round log; an unknown one is started under that name; without it the gateway starts a new one.
    public var conversationID: String?
    /// A judge (then fallbacks) to bring the answers together, or a council (DESIGN §10).
    public var judge: [String] = []
    public var mode: NamedTeam.Mode?
    /// A named team of the gateway's teams file: its members, overrides, judge and mode.
    public var team: String?
    /// Model parameters every member is sent (the facade's `temperature` and `max_tokens`).
    public var temperature: Double?
    public var maxTokens: Int?
    /// Set for a round asked through the OpenAI-compatible facade: the client's chat before the question.
    var facade: FacadeChat?

    public init(message: String?) {
        self.message = message
    }

    /// The members a client may send; any other is refused, so that a typo is not silently ignored.
    static let knownKeys: Set<String> = [
        "message", "to", "exclude", "timeout", "connect_timeout", "deadline", "quorum", "retries", "max_reply_bytes",
        "stream", "breakers", "request_id", "ping", "round", "threads", "conversation_id",
        "judge", "mode", "team",
    ]
    static let rhetorKeys: Set<String> = [
        "message", "target_sockets", "timeout", "moderation_mode", "metadata", "conversation_id", "judge", "mode", "team",
    ]

    /// Reads the JSON body of `/v1/rounds`, a WebSocket frame or a streamed POST.
    public static func decode(json bytes: [UInt8]) -> Result<GatewayRoundRequest, GatewayError> {
        decode(bytes, known: knownKeys) { fields throws(JSONFields.Problem) in
            let ping = try fields.optionalBool("ping") ?? false
            var request = GatewayRoundRequest(message: ping ? nil : try fields.string("message"))
            request.to = try fields.optionalStrings("to") ?? []
            request.exclude = try fields.optionalStrings("exclude") ?? []
            request.timeout = try seconds(fields, "timeout")
            request.connectTimeout = try seconds(fields, "connect_timeout")
            request.deadline = try seconds(fields, "deadline")
            request.quorum = try fields.optionalInteger("quorum", in: 1...100_000)
            request.retries = try fields.optionalInteger("retries", in: 0...100)
            request.maximumReplyBytes = try fields.optionalInteger("max_reply_bytes", in: 1...(1 << 30))
            request.stream = try fields.optionalBool("stream") ?? false
            request.breakers = try fields.optionalBool("breakers") ?? true
            request.requestID = try fields.optionalString("request_id")
            request.round = try fields.optionalInteger("round", in: 0...Int(Int32.max))
            request.threads = try threads(fields)
            request.conversationID = try conversation(fields)
            try synthesis(fields, into: &request)
            if request.conversationID != nil, !request.threads.isEmpty {
                throw JSONFields.Problem(
                    message: "'conversation_id' and 'threads' contradict each other: name the gateway's conversation, or send the threads")
            }
            if request.conversationID != nil, ping {
                throw JSONFields.Problem(message: "a ping is not part of a conversation")
            }
            return request
        }
    }

    /// Reads Rhetor's `POST /api/team-chat` body.
    public static func decode(rhetor bytes: [UInt8]) -> Result<GatewayRoundRequest, GatewayError> {
        decode(bytes, known: rhetorKeys) { fields throws(JSONFields.Problem) in
            var request = GatewayRoundRequest(message: try fields.string("message"))
            request.to = try fields.optionalStrings("target_sockets") ?? []
            request.timeout = try seconds(fields, "timeout")
            request.moderationMode = try fields.optionalString("moderation_mode")
            request.metadata = fields.members["metadata"]
            request.conversationID = try conversation(fields)
            try synthesis(fields, into: &request)
            return request
        }
    }

    /// Reads `GET /api/team-chat/stream?message=…&timeout=…&to=a,b`.
    public static func decode(query: [String: String]) -> Result<GatewayRoundRequest, GatewayError> {
        guard let message = query["message"] else { return .failure(.badRequest("'message' is missing")) }
        var request = GatewayRoundRequest(message: message)
        request.to = (query["to"] ?? query["target_sockets"]).map { SpecialistSelector.names([$0]) } ?? []
        request.exclude = query["exclude"].map { SpecialistSelector.names([$0]) } ?? []
        if let text = query["timeout"] {
            guard let value = Double(text), value > 0, value <= 86_400 else {
                return .failure(.badRequest("'timeout' is '\(text)', not a number of seconds"))
            }
            request.timeout = Duration(checkedSeconds: value)
        }
        request.stream = query["stream"] == "true" || query["stream"] == "1"
        return .success(request)
    }

    private static func decode(
        _ bytes: [UInt8],
        known: Set<String>,
        _ read: (JSONFields) throws(JSONFields.Problem) -> GatewayRoundRequest
    ) -> Result<GatewayRoundRequest, GatewayError> {
        let members: [(key: String, value: JSONObjectReader.Value)]
        do {
            members = try bytes.withUnsafeBytes { buffer throws(JSONObjectReader.Failure) in
                try JSONObjectReader.members(of: buffer)
            }
        } catch {
            return .failure(.badRequest("the body is not a JSON object: \(error)"))
        }
        let fields = JSONFields(Dictionary(members, uniquingKeysWith: { _, last in last }))
        let unknown = fields.unknownKeys(known)
        guard unknown.isEmpty else {
            return .failure(.badRequest("unknown member\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", "))"))
        }
        do {
            var request = try read(fields)
            if let message = request.message {
                do {
                    try ChatRequest(message: message).validate()
                } catch {
                    return .failure(GatewayError(error.kind == .tooLarge ? .payloadTooLarge : .badRequest, error.message))
                }
            }
            request.to = SpecialistSelector.names(request.to)
            request.exclude = SpecialistSelector.names(request.exclude)
            return .success(request)
        } catch {
            return .failure(.badRequest(error.message))
        }
    }

    /// `"threads"`: an object of specialist ids, each a list of `{"role":"user"|"assistant","content":"…"}`.
    private static func threads(_ fields: JSONFields) throws(JSONFields.Problem) -> [String: [ChatTurn]] {
        guard let members = try fields.optionalObject("threads")?.members else { return [:] }
        guard let threads = ChatTurn.threads(json: members) else {
            throw JSONFields.Problem(
                message: "'threads' holds something that is not a list of {\"role\":\"user\"|\"assistant\",\"content\":…}")
        }
        return threads
    }

    /// `"judge"` (an id, a list or a comma string), `"mode"` (`panel`, `judge`, `council`) and `"team"`.
    private static func synthesis(_ fields: JSONFields, into request: inout GatewayRoundRequest) throws(JSONFields.Problem) {
        request.judge = SpecialistSelector.names(try fields.optionalStrings("judge") ?? [])
        if let mode = try fields.optionalString("mode") {
            guard let parsed = NamedTeam.Mode(rawValue: mode) else {
                throw JSONFields.Problem(message: "'mode' is panel, judge or council, not '\(mode)'")
            }
            request.mode = parsed
        }
        if request.mode == .judge, request.judge.isEmpty {
            throw JSONFields.Problem(message: "'mode' judge needs a 'judge'")
        }
        request.team = try fields.optionalString("team")
        if request.message == nil, !request.judge.isEmpty || request.mode != nil {
            throw JSONFields.Problem(message: "a ping has no answers to judge")
        }
    }

    private static func conversation(_ fields: JSONFields) throws(JSONFields.Problem) -> String? {
        guard let id = try fields.optionalString("conversation_id") else { return nil }
        guard ConversationThreads.isValidID(id) else {
            throw JSONFields.Problem(message: "'conversation_id' must be 1 to 64 letters, digits, '-' or '_'")
        }
        return id
    }

    private static func seconds(_ fields: JSONFields, _ key: String) throws(JSONFields.Problem) -> Duration? {
        guard let value = try fields.optionalNumber(key, in: 0...86_400) else { return nil }
        guard value > 0 else { throw JSONFields.Problem(message: "'\(key)' must be positive") }
        return Duration(checkedSeconds: value)
    }

    /// The JSON a client sends (``decode(json:)`` reads it back).
    public var json: JSONObjectWriter {
        var object = JSONObjectWriter()
        if let message { object.add("message", message) } else { object.add("ping", true) }
        if !to.isEmpty { object.add("to", strings: to) }
        if !exclude.isEmpty { object.add("exclude", strings: exclude) }
        object.add("timeout", timeout?.seconds)
        object.add("connect_timeout", connectTimeout?.seconds)
        object.add("deadline", deadline?.seconds)
        object.add("quorum", quorum)
        object.add("retries", retries)
        object.add("max_reply_bytes", maximumReplyBytes)
        if stream { object.add("stream", true) }
        if !breakers { object.add("breakers", false) }
        object.add("request_id", requestID)
        object.add("round", round)
        if !threads.isEmpty { object.add("threads", object: ChatTurn.json(threads)) }
        object.add("conversation_id", conversationID)
        if !judge.isEmpty { object.add("judge", strings: judge) }
        object.add("mode", mode?.rawValue)
        object.add("team", team)
        return object
    }

    /// The request the engine sends.
    public var teamRequest: TeamRequest {
        guard let message else { return .ping }
        var chat = ChatRequest(message: message, stream: stream, requestID: requestID)
        chat.threads = threads
        chat.temperature = temperature
        chat.maxTokens = maxTokens
        return .chat(chat)
    }

    /// Retries a request may ask for at most.
    static let maximumRetries = 3

    /// The round's budgets: the gateway's defaults, overridden by what the request names, within the operator's
    /// limits, which a request may lower but never raise — `timeout` and `deadline` at most `maximumDeadline`, the
    /// reply limit at most the defaults', the quorum at most the team, `retries` at most ``maximumRetries``. What
    /// the request set tighter than the defaults, and the failures that alone can cause, are marked as its own
    /// (``RoundOptions/requestersLimits``): reported to it, never held against a specialist.
    public func options(defaults: RoundOptions, maximumDeadline: Duration, addressed: Int) -> RoundOptions {
        var options = defaults
        var own: Set<ExchangeError.Kind> = []
        if let timeout {
            options.timeout = min(timeout, maximumDeadline)
            if timeout < defaults.timeout { own.insert(.timeout) }
        }
        if let connectTimeout {
            options.connectTimeout = min(connectTimeout, maximumDeadline)
            if connectTimeout < defaults.connectTimeout { own.formUnion([.connectTimeout, .tls]) }
        }
        if let deadline {
            options.deadline = min(deadline, maximumDeadline)
            if deadline < defaults.effectiveDeadline { own.insert(.timeout) }
        }
        if options.effectiveDeadline > maximumDeadline { options.deadline = maximumDeadline }
        options.quorum = quorum.map { min($0, addressed) }
        if let retries { options.retries = min(retries, Self.maximumRetries) }
        if let maximumReplyBytes {
            options.maximumReplyBytes = min(maximumReplyBytes, defaults.maximumReplyBytes)
            if maximumReplyBytes < defaults.maximumReplyBytes { own.insert(.tooLarge) }
        }
        options.requestersLimits = own
        if message == nil { options.finishAtQuorum = false }
        return options
    }
}
