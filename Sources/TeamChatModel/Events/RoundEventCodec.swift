import TeamChatJSON

/// The NDJSON form of a round's events (DESIGN §3): what `send --json` prints, what the gateway streams over its
/// control socket, SSE and WebSocket, and what `send` decodes when a gateway ran the round. One object per event,
/// `"type"` first, stable snake_case names:
///
/// ```
/// {"type":"reply","specialist_id":"apollo-ai","success":true,"content":"…","model":"…","elapsed_ms":112.4,"connect_ms":0.31,"reused":false,"attempts":1,"round":1}
/// {"type":"reply","specialist_id":"athena-ai","success":false,"error":"timeout after 2.0s","error_kind":"timeout","elapsed_ms":2000.6,"attempts":1,"round":1}
/// {"type":"reply","specialist_id":"llama","success":false,"error":"answer cut short: …","error_kind":"truncated","partial_content":"The answer beg","elapsed_ms":80.1,"attempts":1}
/// {"type":"chunk","specialist_id":"sophia-ai","index":3,"content":"…","round":1}
/// {"type":"summary","replied":17,"failed":1,"skipped":0,"cancelled":0,"addressed":18,"quorum":18,"quorum_met":false,"slowest_ms":212.0,"elapsed_ms":2001.2,"failures":{"timeout":1},"interrupted":false,"round":1}
/// ```
public enum RoundEventCodec {
    /// An event with what travels beside it.
    public struct Decoded: Sendable, Hashable {
        public var event: RoundEvent
        /// The round's number in its command (rounds from standard input count from 1).
        public var round: Int?
        /// For a summary: the round was interrupted.
        public var interrupted: Bool
        /// For a summary: who ran the round (`gateway` when a running `teamchat serve` did).
        public var via: String?
    }

    /// Why a line is not an event.
    public struct DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    // MARK: Encoding

    /// The event as one JSON object.
    public static func encode(_ event: RoundEvent, round: Int? = nil) -> JSONObjectWriter {
        switch event {
        case .chunk(let id, let chunk):
            var object = JSONObjectWriter(type: "chunk")
            object.add("specialist_id", id)
            object.add("index", chunk.index)
            object.add("content", chunk.content)
            object.add("round", round)
            return object
        case .outcome(let outcome):
            return reply(outcome, round: round)
        case .finished(let summary):
            return self.summary(summary, round: round, interrupted: false)
        }
    }

    /// The event as one JSON object, a summary naming who ran the round (`gateway` when a running `teamchat serve`
    /// did) and the conversation it was kept in, when one was.
    public static func encode(_ event: RoundEvent, round: Int? = nil, via: String?, conversation: String? = nil)
        -> JSONObjectWriter
    {
        if case .finished(let summary) = event {
            return self.summary(summary, round: round, interrupted: false, via: via, conversation: conversation)
        }
        return encode(event, round: round)
    }

    public static func reply(_ outcome: SpecialistOutcome, round: Int?) -> JSONObjectWriter {
        var object = JSONObjectWriter(type: "reply")
        object.add("specialist_id", outcome.specialistID)
        object.add("success", outcome.isSuccess)
        switch outcome.result {
        case .success(.answer(let answer)):
            object.add("content", answer.content)
            object.add("model", answer.model)
            if let usage = answer.usage { object.add("usage", object: json(usage)) }
        case .success(.alive):
            object.add("content", "pong")
            object.add("alive", true)
        case .success(.info(let info)):
            object.add("content", info.description ?? "info")
            object.add("model", info.model)
        case .failure(let error):
            object.add("error", error.message)
            object.add("error_kind", error.kind.rawValue)
            object.add("status", error.status)
            object.add("partial_content", error.partialContent)
        }
        object.add("elapsed_ms", milliseconds(outcome.elapsed))
        object.add("connect_ms", outcome.connect.map(milliseconds))
        object.add("first_byte_ms", outcome.firstByte.map(milliseconds))
        object.add("tokens_per_second", tokensPerSecond(outcome))
        if outcome.isSuccess { object.add("reused", outcome.reused) }
        object.add("attempts", outcome.attempts)
        object.add("round", round)
        return object
    }

    public static func summary(
        _ summary: RoundSummary, round: Int?, interrupted: Bool, via: String? = nil, conversation: String? = nil
    ) -> JSONObjectWriter {
        var object = JSONObjectWriter(type: "summary")
        object.add("replied", summary.replied)
        object.add("failed", summary.failed)
        object.add("skipped", summary.skipped)
        object.add("cancelled", summary.cancelled)
        object.add("addressed", summary.addressed)
        object.add("quorum", summary.quorum)
        object.add("quorum_met", summary.quorumMet)
        object.add("slowest_ms", summary.slowest.map(milliseconds))
        object.add("elapsed_ms", milliseconds(summary.elapsed))
        object.add(
            "failures", counts: Dictionary(uniqueKeysWithValues: summary.failures.map { ($0.key.rawValue, $0.value) }))
        if let usage = summary.usage {
            var tokens = json(usage)
            tokens.add("partial", summary.unreportedUsage > 0)
            tokens.add("unreported", summary.unreportedUsage)
            object.add("usage", object: tokens)
        }
        object.add("interrupted", interrupted)
        object.add("via", via)
        object.add("conversation_id", conversation)
        object.add("round", round)
        return object
    }

    /// Completion tokens over the time from the first byte to the last: the speed a model wrote at; nil without a
    /// reported count or with under a millisecond of writing to divide by.
    public static func tokensPerSecond(_ outcome: SpecialistOutcome) -> Double? {
        guard let tokens = outcome.answer?.usage?.completionTokens, tokens > 0 else { return nil }
        let writing = outcome.elapsed - (outcome.firstByte ?? .zero)
        guard writing >= .milliseconds(1) else { return nil }
        return (Double(tokens) / writing.seconds * 10).rounded() / 10
    }

    /// `{"prompt_tokens":…,"completion_tokens":…,"total_tokens":…}`.
    public static func json(_ usage: TokenUsage) -> JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("prompt_tokens", usage.promptTokens)
        object.add("completion_tokens", usage.completionTokens)
        object.add("total_tokens", usage.totalTokens)
        return object
    }

    /// Milliseconds rounded to microseconds.
    public static func milliseconds(_ duration: Duration) -> Double {
        (duration.milliseconds * 1_000).rounded() / 1_000
    }

    // MARK: Decoding

    /// Reads one event line (without its newline).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> Decoded {
        let root: [String: JSONObjectReader.Value]
        do {
            guard let object = try JSONObjectReader.value(of: bytes).object else {
                throw DecodeError(message: "an event must be a JSON object")
            }
            root = object
        } catch let error as DecodeError {
            throw error
        } catch {
            throw DecodeError(message: "not JSON: \(error)")
        }
        do {
            return try decode(JSONFields(root))
        } catch {
            throw DecodeError(message: "not an event: \(error.message)")
        }
    }

    /// Reads an event already parsed as a JSON object (one nested in another document).
    public static func decode(object: [String: JSONObjectReader.Value]) throws(DecodeError) -> Decoded {
        do {
            return try decode(JSONFields(object))
        } catch {
            throw DecodeError(message: "not an event: \(error.message)")
        }
    }

    /// Reads one event line.
    public static func decode(_ line: String) throws(DecodeError) -> Decoded {
        var line = line
        let result = line.withUTF8 { bytes in
            Result { () throws(DecodeError) in try decode(UnsafeRawBufferPointer(bytes)) }
        }
        return try result.get()
    }

    private static func decode(_ fields: JSONFields) throws(JSONFields.Problem) -> Decoded {
        let round = try fields.optionalInteger("round", in: 0...Int(Int32.max))
        switch try fields.string("type") {
        case "chunk":
            let chunk = StreamChunk(
                index: try fields.integer("index", in: 0...Int(Int32.max)), content: try fields.string("content"))
            return Decoded(
                event: .chunk(specialistID: try fields.string("specialist_id"), chunk), round: round,
                interrupted: false, via: nil)
        case "reply":
            return Decoded(event: .outcome(try outcome(fields)), round: round, interrupted: false, via: nil)
        case "summary":
            var summary = RoundSummary(
                addressed: try fields.integer("addressed", in: counts), quorum: try fields.integer("quorum", in: counts))
            summary.replied = try fields.integer("replied", in: counts)
            summary.failed = try fields.optionalInteger("failed", in: counts) ?? 0
            summary.skipped = try fields.optionalInteger("skipped", in: counts) ?? 0
            summary.cancelled = try fields.optionalInteger("cancelled", in: counts) ?? 0
            summary.slowest = try duration(fields, "slowest_ms")
            summary.elapsed = try duration(fields, "elapsed_ms") ?? .zero
            if let failures = try fields.optionalObject("failures") {
                for key in failures.members.keys {
                    guard let kind = ExchangeError.Kind(rawValue: key) else { continue }
                    summary.failures[kind] = try failures.integer(key, in: counts)
                }
            }
            if let usage = try fields.optionalObject("usage") {
                summary.usage = TokenUsage(
                    promptTokens: try usage.optionalInteger("prompt_tokens", in: 0...Int(Int32.max)) ?? 0,
                    completionTokens: try usage.optionalInteger("completion_tokens", in: 0...Int(Int32.max)) ?? 0)
                summary.unreportedUsage = try usage.optionalInteger("unreported", in: counts) ?? 0
            }
            let interrupted = fields.members["interrupted"]?.bool ?? false
            return Decoded(
                event: .finished(summary), round: round, interrupted: interrupted, via: try fields.optionalString("via"))
        case let other:
            throw JSONFields.Problem(message: "unknown event type '\(other)'")
        }
    }

    private static let counts = 0...Int(Int32.max)

    private static func outcome(_ fields: JSONFields) throws(JSONFields.Problem) -> SpecialistOutcome {
        let result: Result<SpecialistReply, ExchangeError>
        if fields.members["success"]?.bool == true {
            if fields.members["alive"]?.bool == true {
                result = .success(.alive)
            } else {
                let usage = try fields.optionalObject("usage").flatMap { usage throws(JSONFields.Problem) in
                    TokenUsage(
                        promptTokens: try usage.optionalInteger("prompt_tokens", in: 0...Int(Int32.max)) ?? 0,
                        completionTokens: try usage.optionalInteger("completion_tokens", in: 0...Int(Int32.max)) ?? 0)
                }
                result = .success(
                    .answer(
                        ChatAnswer(
                            content: try fields.string("content"), model: try fields.optionalString("model"),
                            usage: usage)))
            }
        } else {
            let name = try fields.string("error_kind")
            guard let kind = ExchangeError.Kind(rawValue: name) else {
                throw JSONFields.Problem(message: "unknown error_kind '\(name)'")
            }
            var error = ExchangeError(
                kind, try fields.string("error"), status: try fields.optionalInteger("status", in: 100...999))
            error.partialContent = try fields.optionalString("partial_content")
            result = .failure(error)
        }
        return SpecialistOutcome(
            index: -1,
            specialistID: try fields.string("specialist_id"),
            result: result,
            elapsed: try duration(fields, "elapsed_ms") ?? .zero,
            connect: try duration(fields, "connect_ms"),
            firstByte: try duration(fields, "first_byte_ms"),
            reused: fields.members["reused"]?.bool ?? false,
            attempts: try fields.optionalInteger("attempts", in: counts) ?? 1
        )
    }

    private static func duration(_ fields: JSONFields, _ key: String) throws(JSONFields.Problem) -> Duration? {
        try fields.optionalNumber(key, in: 0...1e12).flatMap { Duration(checkedSeconds: $0 / 1_000) }
    }
}
