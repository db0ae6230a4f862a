import TeamChatCore

/// `--json`: one object per line (NDJSON), flushed per line, `"type"` first on every object (DESIGN §3).
struct JSONRoundRenderer: RoundRenderer {
    private var round = 0

    mutating func begin(round: Int, message: String?) {
        self.round = round
    }

    mutating func render(_ event: RoundEvent) {
        switch event {
        case .chunk(_, let specialist, let chunk):
            var line = JSONLine(type: "chunk")
            line.add("specialist_id", specialist.id)
            line.add("index", chunk.index)
            line.add("content", chunk.content)
            line.add("round", round)
            line.write()
        case .outcome(let outcome):
            Self.reply(outcome, round: round).write()
        case .finished(let summary):
            Self.summary(summary, round: round, interrupted: false).write()
        }
    }

    mutating func interrupted(_ partial: RoundSummary) {
        Self.summary(partial, round: round, interrupted: true).write()
    }

    static func reply(_ outcome: SpecialistOutcome, round: Int) -> JSONLine {
        var line = JSONLine(type: "reply")
        line.add("specialist_id", outcome.specialist.id)
        line.add("success", outcome.isSuccess)
        switch outcome.result {
        case .success(let reply):
            if case .response(let answer) = reply {
                line.add("content", answer.content)
                line.add("model", answer.model)
            } else {
                line.add("content", reply.typeName)
            }
        case .failure(let error):
            line.add("error", error.message)
            line.add("error_kind", error.kind.rawValue)
        }
        line.add("elapsed_ms", Formatting.milliseconds(outcome.elapsed))
        line.add("connect_ms", outcome.connect.map(Formatting.milliseconds))
        line.add("first_byte_ms", outcome.firstByte.map(Formatting.milliseconds))
        if outcome.isSuccess { line.add("reused", outcome.reused) }
        line.add("attempts", outcome.attempts)
        line.add("round", round)
        return line
    }

    static func summary(_ summary: RoundSummary, round: Int, interrupted: Bool) -> JSONLine {
        var line = JSONLine(type: "summary")
        line.add("replied", summary.replied)
        line.add("failed", summary.failed)
        line.add("skipped", summary.skipped)
        line.add("cancelled", summary.cancelled)
        line.add("addressed", summary.addressed)
        line.add("quorum", summary.quorum)
        line.add("quorum_met", summary.quorumMet)
        line.add("slowest_ms", summary.slowest.map(Formatting.milliseconds))
        line.add("elapsed_ms", Formatting.milliseconds(summary.elapsed))
        line.add("failures", counts: Dictionary(uniqueKeysWithValues: summary.failures.map { ($0.key.rawValue, $0.value) }))
        line.add("interrupted", interrupted)
        line.add("round", round)
        return line
    }
}
