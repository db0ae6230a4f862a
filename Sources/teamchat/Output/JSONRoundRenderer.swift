import TeamChatEngine
import TeamChatJudge

/// `--json`: one object per line (NDJSON), flushed per line, `"type"` first on every object (DESIGN §3), in the
/// shapes of ``RoundEventCodec``.
struct JSONRoundRenderer: RoundRenderer {
    private var round = 0
    /// Who ran the rounds, named in summaries (`gateway`), or `nil` for this process.
    var via: String?

    init(via: String? = nil) {
        self.via = via
    }

    mutating func begin(round: Int, message: String?) {
        self.round = round
    }

    mutating func render(_ event: RoundEvent) {
        if case .finished(let summary) = event {
            RoundEventCodec.summary(summary, round: round, interrupted: false, via: via).write()
        } else {
            RoundEventCodec.encode(event, round: round).write()
        }
    }

    mutating func synthesis(_ event: SynthesisEvent, answers: AnonymizedAnswers) {
        event.json(labels: answers, round: round).write()
    }

    mutating func interrupted(_ partial: RoundSummary) {
        RoundEventCodec.summary(partial, round: round, interrupted: true, via: via).write()
    }
}
