import TeamChatJudge
import TeamChatModel
import TeamChatRoster

/// `--json`: one object per line (NDJSON), flushed per line, `"type"` first on every object (DESIGN §3), in the
/// shapes of ``RoundEventCodec``.
struct JSONRoundRenderer: RoundRenderer {
    private var round = 0
    /// Who ran the rounds, named in summaries (`gateway`), or `nil` for this process.
    var via: String?

    /// Prices per model (`teams.json`): with any, replies and the summary say what they cost.
    private let prices: [String: ModelPrice]
    private var cost: CostTally

    init(via: String? = nil, prices: [String: ModelPrice] = [:]) {
        self.via = via
        self.prices = prices
        self.cost = CostTally(prices: prices)
    }

    mutating func begin(round: Int, message: String?) {
        self.round = round
        cost = CostTally(prices: prices)
    }

    mutating func render(_ event: RoundEvent) {
        switch event {
        case .finished(let summary):
            var object = RoundEventCodec.summary(summary, round: round, interrupted: false, via: via)
            if !prices.isEmpty {
                object.add("cost_usd", cost.dollars)
                object.add("cost_partial", cost.dollars == nil || cost.unpriced > 0)
            }
            object.write()
        case .outcome(let outcome) where !prices.isEmpty:
            var object = RoundEventCodec.encode(event, round: round)
            object.add("cost_usd", cost.add(outcome))
            object.write()
        default:
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
