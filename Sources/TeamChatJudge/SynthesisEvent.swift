import TeamChatJSON
import TeamChatModel

/// What bringing the answers together says as it goes (DESIGN §10), after the members' round: each council
/// member's ballot as it arrives, the count, the judge's words as it writes them, and its verdict.
public enum SynthesisEvent: Sendable, Hashable {
    case ballot(Ranking.Ballot)
    case ranking(Ranking)
    case chunk(judge: String, index: Int, content: String)
    case verdict(JudgeVerdict)
}

extension SynthesisEvent {
    /// The event as `send --json` and the gateway write it: `ballot`, `ranking`, `judge_chunk`, `judge`.
    public func json(labels: AnonymizedAnswers? = nil, round: Int? = nil) -> JSONObjectWriter {
        switch self {
        case .ballot(let ballot):
            var object = JSONObjectWriter(type: "ballot")
            object.add("specialist_id", ballot.ranker)
            object.add("shown", strings: ballot.shown)
            if let order = ballot.order {
                object.add("ranked", strings: order)
                if let labels { object.add("ranked_ids", strings: order.compactMap(labels.specialist(for:))) }
            }
            object.add("abstained", ballot.abstained)
            object.add("error", ballot.failure)
            object.add("round", round)
            return object
        case .ranking(let ranking):
            var object = JSONObjectWriter(type: "ranking")
            object.add("method", "borda")
            object.add("rankers", ranking.ballots.count)
            object.add("abstained", ranking.ballots.filter(\.abstained).count)
            object.add("totals", objects: ranking.totals.map { total in
                var entry = JSONObjectWriter()
                entry.add("place", total.place)
                entry.add("label", total.label)
                entry.add("specialist_id", total.specialist)
                entry.add("points", total.points)
                entry.add("ranked_by", total.rankedBy)
                return entry
            })
            object.add("round", round)
            return object
        case .chunk(let judge, let index, let content):
            var object = JSONObjectWriter(type: "judge_chunk")
            object.add("judge", judge)
            object.add("index", index)
            object.add("content", content)
            object.add("round", round)
            return object
        case .verdict(let verdict):
            var object = JSONObjectWriter(type: "judge")
            object.add("judge", verdict.judge)
            object.add("success", verdict.success)
            object.add("truncated", verdict.truncated)
            object.add("content", verdict.content)
            object.add("based_on", strings: verdict.basedOn)
            object.add("missing", objects: verdict.missing.map { missing in
                var entry = JSONObjectWriter()
                entry.add("specialist_id", missing.specialist)
                entry.add("error_kind", missing.kind.rawValue)
                entry.add("error", missing.words)
                return entry
            })
            var labels = JSONObjectWriter()
            for entry in verdict.labels { labels.add(entry.label, entry.specialist) }
            object.add("labels", object: labels)
            object.add("attempts", objects: verdict.attempts.map { attempt in
                var entry = JSONObjectWriter()
                entry.add("judge", attempt.judge)
                entry.add("error_kind", attempt.kind.rawValue)
                entry.add("error", attempt.words)
                return entry
            })
            if let error = verdict.error {
                object.add("error_kind", error.kind.rawValue)
                object.add("error", error.message)
            }
            object.add("ranked", verdict.ranked)
            if let usage = verdict.usage { object.add("usage", object: RoundEventCodec.json(usage)) }
            object.add("elapsed_ms", RoundEventCodec.milliseconds(verdict.elapsed))
            object.add("first_byte_ms", verdict.firstByte.map(RoundEventCodec.milliseconds))
            object.add("first_token_ms", verdict.firstToken.map(RoundEventCodec.milliseconds))
            object.add("round", round)
            return object
        }
    }
}
