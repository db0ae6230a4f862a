import TeamChatEngine
import TeamChatJudge
import TeamChatModel

/// What a round sends its client, in this order: the members' events (their summary among them), then what the
/// judge or the council says (DESIGN §10), then the end, after which the response is complete.
enum GatewayRoundOutput: Sendable {
    case events([RoundEvent])
    /// The round's last events and its end at once, with no synthesis: in one hop, so that the response ends in
    /// the same write as its summary (a client may send its next request the moment it reads the summary).
    case lastEvents([RoundEvent])
    case synthesis(SynthesisEvent, AnonymizedAnswers)
    case end(JudgeVerdict?)
}

/// What a handler keeps of a round it started, to abandon it when its client goes: the members' round, and the
/// synthesis after it.
struct GatewayRoundHandle: Sendable {
    let round: RoundHandle
    let synthesis: AsyncStream<Void>.Continuation?

    func cancel() {
        round.cancel()
        synthesis?.finish()
    }
}
