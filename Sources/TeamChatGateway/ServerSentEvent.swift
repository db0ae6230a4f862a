import TeamChatJSON
import TeamChatJudge
import TeamChatModel

/// One server-sent event as written on the wire: `event: message\ndata: {…}\n\n`. The data is one JSON object,
/// which never holds a raw newline, so it is always a single `data:` line.
public struct ServerSentEvent: Sendable, Hashable {
    public var name: String
    public var data: [UInt8]

    public init(name: String, data: JSONObjectWriter) {
        self.name = name
        self.data = data.utf8()
    }

    /// The event's bytes.
    public var bytes: [UInt8] {
        var bytes = Array("event: \(name)\ndata: ".utf8)
        bytes.reserveCapacity(bytes.count + data.count + 2)
        bytes.append(contentsOf: data)
        bytes.append(contentsOf: [UInt8(ascii: "\n"), UInt8(ascii: "\n")])
        return bytes
    }

    /// What the judge or the council says after the round: `ballot`, `ranking`, `judge_chunk`, `judge` events.
    public init(_ event: SynthesisEvent, answers: AnonymizedAnswers) {
        let data = event.json(labels: answers)
        let name: String
        switch event {
        case .ballot: name = "ballot"
        case .ranking: name = "ranking"
        case .chunk: name = "judge_chunk"
        case .verdict: name = "judge"
        }
        self.init(name: name, data: data)
    }

    /// The events of a round on the stream route: each answer as a `message` the moment it arrives, each failure an
    /// `error`, chunks when the round streams, and `complete` with the summary (and the conversation it was kept in).
    public init(_ event: RoundEvent, conversation: String? = nil) {
        switch event {
        case .chunk:
            self.init(name: "chunk", data: RoundEventCodec.encode(event))
        case .outcome(let outcome):
            self.init(name: outcome.isSuccess ? "message" : "error", data: RoundEventCodec.encode(event))
        case .finished(let summary):
            self.init(
                name: "complete",
                data: RoundEventCodec.encode(.finished(summary), via: "gateway", conversation: conversation))
        }
    }
}
