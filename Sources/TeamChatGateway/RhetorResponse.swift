import TeamChatJSON
import TeamChatJudge
import TeamChatModel

/// The answer to Rhetor's `POST /api/team-chat`, built as the round runs and written when it ends:
/// `{request_id, responses:[{socket_id, content, timestamp, metadata}], moderation_mode, timestamp, elapsed_time}`
/// as Rhetor has it, plus what Rhetor drops: `errors:[{socket_id, error, error_kind, elapsed_ms}]` and `summary`.
public struct RhetorResponse: Sendable {
    public let requestID: String
    public let moderationMode: String
    public let metadata: JSONObjectReader.Value?
    private var responses: [JSONObjectWriter] = []
    private var errors: [JSONObjectWriter] = []

    public init(requestID: String, moderationMode: String?, metadata: JSONObjectReader.Value?) {
        self.requestID = requestID
        self.moderationMode = moderationMode ?? "pass_through"
        self.metadata = metadata
    }

    /// Takes one outcome, stamped with when it arrived.
    public mutating func add(_ outcome: SpecialistOutcome, at time: WallTime) {
        switch outcome.result {
        case .success(let reply):
            var response = JSONObjectWriter()
            response.add("socket_id", outcome.specialistID)
            response.add("content", reply.answer?.content ?? "")
            response.add("timestamp", time.iso8601)
            var metadata = JSONObjectWriter()
            metadata.add("model", reply.answer?.model)
            metadata.add("elapsed_ms", RoundEventCodec.milliseconds(outcome.elapsed))
            metadata.add("connect_ms", outcome.connect.map(RoundEventCodec.milliseconds))
            metadata.add("reused", outcome.reused)
            response.add("metadata", object: metadata)
            responses.append(response)
        case .failure(let error):
            var failure = JSONObjectWriter()
            failure.add("socket_id", outcome.specialistID)
            failure.add("error", error.message)
            failure.add("error_kind", error.kind.rawValue)
            failure.add("status", error.status)
            failure.add("elapsed_ms", RoundEventCodec.milliseconds(outcome.elapsed))
            errors.append(failure)
        }
    }

    /// The document, once the round ended with `summary`; `conversation` is the one it was kept in.
    /// With a judge, `synthesis` holds its verdict (the `judge` event's object).
    public func document(
        summary: RoundSummary, conversation: String? = nil, verdict: JudgeVerdict? = nil, at time: WallTime
    ) -> JSONObjectWriter {
        var document = JSONObjectWriter()
        document.add("request_id", requestID)
        document.add("conversation_id", conversation)
        document.add("responses", objects: responses)
        document.add("moderation_mode", moderationMode)
        document.add("timestamp", time.iso8601)
        document.add("elapsed_time", summary.elapsed.seconds)
        if let metadata { document.add("metadata", json: metadata) }
        document.add("errors", objects: errors)
        document.add("summary", object: RoundEventCodec.encode(.finished(summary), via: "gateway"))
        if let verdict { document.add("synthesis", object: SynthesisEvent.verdict(verdict).json()) }
        return document
    }
}

extension RhetorResponse {
    /// A document read back: its answers and failures as outcomes (indexed by `team`'s order), and its summary.
    /// For clients that measure the gateway (`bench --gateway`) and for tests.
    public static func parse(_ bytes: [UInt8], team: [String]) -> (outcomes: [SpecialistOutcome], summary: RoundSummary?)? {
        guard let root = (try? bytes.withUnsafeBytes { try JSONObjectReader.value(of: $0) })?.object else { return nil }
        let index = Dictionary(team.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        func milliseconds(_ value: JSONObjectReader.Value?) -> Duration {
            value?.number.flatMap { Duration(checkedSeconds: $0 / 1_000) } ?? .zero
        }
        var outcomes: [SpecialistOutcome] = []
        for response in root["responses"]?.array ?? [] {
            guard let object = response.object, let id = object["socket_id"]?.string else { continue }
            let metadata = object["metadata"]?.object ?? [:]
            outcomes.append(SpecialistOutcome(
                index: index[id] ?? -1, specialistID: id,
                result: .success(.answer(ChatAnswer(content: object["content"]?.string ?? "", model: metadata["model"]?.string))),
                elapsed: milliseconds(metadata["elapsed_ms"]), reused: metadata["reused"]?.bool ?? false))
        }
        for failure in root["errors"]?.array ?? [] {
            guard let object = failure.object, let id = object["socket_id"]?.string else { continue }
            let kind = object["error_kind"]?.string.flatMap(ExchangeError.Kind.init(rawValue:)) ?? .protocolError
            outcomes.append(SpecialistOutcome(
                index: index[id] ?? -1, specialistID: id,
                result: .failure(ExchangeError(kind, object["error"]?.string ?? "", status: object["status"]?.integer)),
                elapsed: milliseconds(object["elapsed_ms"])))
        }
        var summary: RoundSummary?
        if let object = root["summary"]?.object, let decoded = try? RoundEventCodec.decode(object: object),
            case .finished(let finished) = decoded.event
        {
            summary = finished
        }
        return (outcomes, summary)
    }
}
