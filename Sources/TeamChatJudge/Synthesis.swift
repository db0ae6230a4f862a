import TeamChatModel

/// Brings a round's answers together into one (DESIGN §10), through whichever way the round itself ran (this
/// process's session, a gateway): ``Ask`` runs one exchange with one specialist as a round of its own.
///
/// - **judge**: the judge is sent the question and the answers as `Response A, B, …` (``AnonymizedAnswers``) and
///   its synthesis streams as it writes (``SynthesisEvent/chunk(judge:index:content:)``). A judge that fails before
///   its first byte gives way to the next in ``judges``; one cut short after it began is the verdict, `truncated`.
/// - **council**: first every member that answered ranks the others' answers (never its own) with its own deadline;
///   the ballots are counted (``Ranking``, Borda); then the judge — or, with none named, the top-ranked member —
///   writes the synthesis with the ranking.
public struct Synthesis: Sendable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Every answer, no synthesis.
        case panel
        case judge
        case council
    }

    public typealias Ask = @Sendable (_ request: TeamRequest, _ to: Specialist, _ options: RoundOptions) async -> RoundEvents?

    public var mode: Mode
    /// Who writes the synthesis, in the order they are tried. Empty with a council: the top-ranked member does.
    public var judges: [Specialist]
    public var prompt: JudgePrompt
    public var rankingPrompt: JudgePrompt
    /// Each stage's budgets: the ranking and the synthesis each get these afresh.
    public var options: RoundOptions

    public init(
        mode: Mode, judges: [Specialist], prompt: JudgePrompt = .judge, rankingPrompt: JudgePrompt = .ranking,
        options: RoundOptions
    ) {
        self.mode = mode
        self.judges = judges
        self.prompt = prompt
        self.rankingPrompt = rankingPrompt
        var options = options
        options.quorum = nil
        options.retries = 0
        options.deadline = nil
        self.options = options
    }

    /// The members' answers as the judge will see them, shuffled by `generator`.
    public static func answers(
        _ outcomes: [SpecialistOutcome], shuffledBy generator: inout some RandomNumberGenerator
    ) -> AnonymizedAnswers {
        let answered = outcomes.sorted { $0.index < $1.index }.compactMap { outcome -> (String, String)? in
            guard let answer = outcome.answer else { return nil }
            return (outcome.specialistID, answer.content)
        }
        return AnonymizedAnswers(answered, shuffledBy: &generator)
    }

    /// Runs the stages after a round whose members are `team` and whose outcomes are `outcomes`; `answers` are the
    /// answers among them as labelled (``answers(_:shuffledBy:)``). Every event goes to `emit`, in order, from this
    /// task. Returns the verdict (also emitted last).
    public func run(
        question: String,
        team: [Specialist],
        outcomes: [SpecialistOutcome],
        answers: AnonymizedAnswers,
        ask: @escaping Ask,
        emit: (SynthesisEvent) -> Void
    ) async -> JudgeVerdict {
        let started = ContinuousClock.now
        let missing = outcomes.sorted { $0.index < $1.index }.compactMap { outcome -> JudgeVerdict.Missing? in
            guard case .failure(let error) = outcome.result else { return nil }
            return JudgeVerdict.Missing(specialist: outcome.specialistID, kind: error.kind, words: error.message)
        }
        var verdict = JudgeVerdict(
            judge: nil, content: "", success: false, truncated: false, basedOn: answers.entries.map(\.specialist),
            missing: missing, labels: answers.entries.map { .init(label: $0.label, specialist: $0.specialist, content: "") },
            attempts: [], error: nil, elapsed: .zero, firstByte: nil, firstToken: nil, ranked: false)
        guard !answers.entries.isEmpty else {
            verdict.error = ExchangeError(.cancelled, "no answer to judge: every specialist failed")
            emit(.verdict(verdict))
            return verdict
        }

        var ranking: Ranking?
        if mode == .council, answers.entries.count >= 2 {
            let counted = Ranking(ballots: await ballots(question: question, team: team, answers: answers, ask: ask, emit: emit), answers: answers)
            emit(.ranking(counted))
            ranking = counted
        }
        let order = ranking.flatMap { $0.isEmpty ? nil : $0.order }
        verdict.ranked = order != nil

        var candidates = judges
        if candidates.isEmpty {
            // A council with no judge named: its top-ranked member (or, with no ranking, the first that answered).
            let top = ranking.flatMap { $0.isEmpty ? nil : $0.totals.first?.specialist } ?? answers.entries[0].specialist
            candidates = team.filter { $0.id == top }
        }
        let message = prompt.render(question: question, responses: answers.entries, missing: missing.count, ranking: order)
        for judge in candidates {
            var streamed = ""
            let events = await ask(.chat(ChatRequest(message: message, stream: true)), judge, options)
            let outcome = await Self.outcome(of: events) { chunk in
                if verdict.firstToken == nil { verdict.firstToken = started.duration(to: .now) }
                streamed += chunk.content
                emit(.chunk(judge: judge.id, index: chunk.index, content: chunk.content))
            }
            guard let outcome else {
                verdict.attempts.append(.init(judge: judge.id, kind: .cancelled, words: "its request was refused"))
                continue
            }
            switch outcome.result {
            case .success(let reply):
                verdict.judge = judge.id
                verdict.success = true
                verdict.content = reply.answer?.content ?? streamed
                verdict.usage = reply.answer?.usage
                verdict.error = nil
            case .failure(let error) where streamed.isEmpty && (error.partialContent ?? "").isEmpty:
                // Nothing said yet: the next judge is asked.
                verdict.attempts.append(.init(judge: judge.id, kind: error.kind, words: error.message))
                verdict.error = error
                continue
            case .failure(let error):
                verdict.judge = judge.id
                verdict.truncated = true
                verdict.content = streamed.isEmpty ? error.partialContent ?? "" : streamed
                verdict.error = error
            }
            verdict.firstByte = outcome.firstByte
            break
        }
        verdict.elapsed = started.duration(to: .now)
        emit(.verdict(verdict))
        return verdict
    }

    /// Stage 2: every member that answered ranks the others' answers, all at once; each ballot is emitted as it
    /// arrives and the ballots are returned in the team's order.
    private func ballots(
        question: String, team: [Specialist], answers: AnonymizedAnswers, ask: @escaping Ask, emit: (SynthesisEvent) -> Void
    ) async -> [Ranking.Ballot] {
        let rankers = team.filter { member in answers.entries.contains { $0.specialist == member.id } }
        let (prompt, options) = (rankingPrompt, self.options)
        var ballots: [Ranking.Ballot] = []
        await withTaskGroup(of: Ranking.Ballot.self) { group in
            for ranker in rankers {
                let shown = answers.excluding(ranker.id)
                let message = prompt.render(question: question, responses: shown)
                group.addTask {
                    let labels = shown.map(\.label)
                    let outcome = await Self.outcome(of: await ask(.chat(ChatRequest(message: message)), ranker, options)) { _ in }
                    switch outcome?.result {
                    case .success(let reply):
                        let order = RankingParser.parse(reply.answer?.content ?? "", shown: labels)
                        return Ranking.Ballot(ranker: ranker.id, shown: labels, order: order)
                    case .failure(let error):
                        return Ranking.Ballot(ranker: ranker.id, shown: labels, order: nil, failure: error.message)
                    case nil:
                        return Ranking.Ballot(ranker: ranker.id, shown: labels, order: nil, failure: "its request was refused")
                    }
                }
            }
            for await ballot in group {
                emit(.ballot(ballot))
                ballots.append(ballot)
            }
        }
        let position = Dictionary(uniqueKeysWithValues: rankers.enumerated().map { ($1.id, $0) })
        return ballots.sorted { position[$0.ranker, default: 0] < position[$1.ranker, default: 0] }
    }

    /// The one outcome of a one-specialist round, its chunks handed to `chunk` as they arrive.
    private static func outcome(of events: RoundEvents?, chunk: (StreamChunk) -> Void) async -> SpecialistOutcome? {
        guard let events else { return nil }
        var outcome: SpecialistOutcome?
        for await event in events {
            switch event {
            case .chunk(_, let piece): chunk(piece)
            case .outcome(let result): outcome = result
            case .finished: return outcome
            }
        }
        return outcome
    }
}
