import NIOConcurrencyHelpers
import TeamChatJudge
import TeamChatModel
import TeamChatTestSupport
import Testing

/// The stages run against scripted specialists: each exchange is answered by a script, as a round of one.
@Suite("Synthesis: the stages, fallback and truncation against scripted exchanges")
struct SynthesisTests {
    enum Script: Sendable {
        case answer(chunks: [String])
        case failBeforeFirstByte(ExchangeError)
        case cutShort(chunks: [String], ExchangeError)
        case refused
    }

    /// Answers each exchange by `script(specialist id, message)`; records what each specialist was sent.
    final class ScriptedTeam: Sendable {
        let script: @Sendable (String, String) -> Script
        let sent = NIOLockedValueBox<[(String, String)]>([])

        init(_ script: @escaping @Sendable (String, String) -> Script) {
            self.script = script
        }

        var ask: Synthesis.Ask {
            { [self] request, specialist, _ in
                guard case .chat(let chat) = request else { return nil }
                sent.withLockedValue { $0.append((specialist.id, chat.message)) }
                let outcome: SpecialistOutcome
                var events: [RoundEvent] = []
                switch script(specialist.id, chat.message) {
                case .refused:
                    return nil
                case .answer(let chunks):
                    events = chunks.enumerated().map { .chunk(specialistID: specialist.id, StreamChunk(index: $0.offset, content: $0.element)) }
                    outcome = SpecialistOutcome(
                        index: 0, specialistID: specialist.id, result: .success(.answer(ChatAnswer(content: chunks.joined()))),
                        elapsed: .milliseconds(5), firstByte: .milliseconds(1))
                case .failBeforeFirstByte(let error):
                    outcome = SpecialistOutcome(index: 0, specialistID: specialist.id, result: .failure(error), elapsed: .milliseconds(1))
                case .cutShort(let chunks, let error):
                    events = chunks.enumerated().map { .chunk(specialistID: specialist.id, StreamChunk(index: $0.offset, content: $0.element)) }
                    outcome = SpecialistOutcome(
                        index: 0, specialistID: specialist.id, result: .failure(error), elapsed: .milliseconds(9),
                        firstByte: .milliseconds(1))
                }
                var summary = RoundSummary(addressed: 1, quorum: 1)
                summary.add(outcome)
                events += [.outcome(outcome), .finished(summary)]
                let (stream, continuation) = AsyncStream.makeStream(of: [RoundEvent].self)
                continuation.yield(events)
                continuation.finish()
                return RoundEvents(batches: stream)
            }
        }
    }

    private static func specialist(_ id: String) -> Specialist {
        .tekton(id: id, host: "127.0.0.1", port: 1)
    }

    private static let team = ["apollo", "athena", "hermes", "ergon"].map(specialist)

    /// apollo, athena and hermes answered; ergon timed out.
    private static var outcomes: [SpecialistOutcome] {
        ["apollo", "athena", "hermes"].enumerated().map { index, id in
            SpecialistOutcome(index: index, specialistID: id, result: .success(.answer(ChatAnswer(content: "answer of \(id)"))), elapsed: .milliseconds(3))
        } + [SpecialistOutcome(index: 3, specialistID: "ergon", result: .failure(.timeout(after: .seconds(2))), elapsed: .seconds(2))]
    }

    private static func answers(seed: UInt64 = 7) -> AnonymizedAnswers {
        var generator = SplitMix64(seed: seed)
        return Synthesis.answers(outcomes, shuffledBy: &generator)
    }

    @Test("a judge that fails before its first byte gives way to the next; the synthesis streams; the verdict says on what it was based")
    func fallback() async {
        let scripted = ScriptedTeam { id, _ in
            id == "zeus" ? .failBeforeFirstByte(ExchangeError(.httpStatus, "HTTP 404: model not found", status: 404))
                : .answer(chunks: ["One ", "best ", "answer."])
        }
        let synthesis = Synthesis(mode: .judge, judges: [Self.specialist("zeus"), Self.specialist("athena")], options: RoundOptions())
        var events: [SynthesisEvent] = []
        let answers = Self.answers()
        let verdict = await synthesis.run(
            question: "How?", team: Self.team, outcomes: Self.outcomes, answers: answers, ask: scripted.ask) { events.append($0) }
        #expect(verdict.judge == "athena")
        #expect(verdict.success && !verdict.truncated)
        #expect(verdict.content == "One best answer.")
        #expect(verdict.attempts.map(\.judge) == ["zeus"])
        #expect(verdict.attempts.first?.kind == .httpStatus)
        #expect(verdict.basedOn == answers.entries.map(\.specialist))
        #expect(verdict.missing.map(\.specialist) == ["ergon"])
        #expect(verdict.missing.first?.kind == .timeout)
        #expect(verdict.labels.map(\.label) == ["A", "B", "C"])
        #expect(events.count == 4)  // three chunks, then the verdict
        #expect(events.last == .verdict(verdict))
        // Both judges were sent the same prompt: labelled answers, no ids, the missing one counted.
        let sent = scripted.sent.withLockedValue { $0 }
        #expect(sent.map(\.0) == ["zeus", "athena"])
        #expect(sent[0].1 == sent[1].1)
        let prompt = sent[0].1
        for entry in answers.entries { #expect(prompt.contains("Response \(entry.label):\n\(entry.content)\n")) }
        #expect(prompt.contains("(1 more specialist was asked and did not answer.)"))
        // The answers' texts hold their ids ("answer of apollo"): the prompt names nobody anywhere else.
        #expect(prompt.replacingAnswers(answers).contains("apollo") == false)
    }

    @Test("a judge cut short after it began is the verdict, truncated, with what it had said")
    func truncated() async {
        let scripted = ScriptedTeam { _, _ in .cutShort(chunks: ["Half ", "an "], .timeout(after: .seconds(1))) }
        let synthesis = Synthesis(mode: .judge, judges: [Self.specialist("zeus"), Self.specialist("athena")], options: RoundOptions())
        let verdict = await synthesis.run(
            question: "How?", team: Self.team, outcomes: Self.outcomes, answers: Self.answers(), ask: scripted.ask) { _ in }
        #expect(verdict.judge == "zeus")
        #expect(verdict.truncated && !verdict.success)
        #expect(verdict.content == "Half an ")
        #expect(verdict.error?.kind == .timeout)
        #expect(scripted.sent.withLockedValue { $0.count } == 1)  // no fallback once it had begun
    }

    @Test("every judge failing: no synthesis, every attempt said; nobody answered: nothing to judge")
    func noJudge() async {
        let scripted = ScriptedTeam { id, _ in id == "zeus" ? .refused : .failBeforeFirstByte(ExchangeError(.refused, "connection refused")) }
        let synthesis = Synthesis(mode: .judge, judges: [Self.specialist("zeus"), Self.specialist("athena")], options: RoundOptions())
        let verdict = await synthesis.run(
            question: "How?", team: Self.team, outcomes: Self.outcomes, answers: Self.answers(), ask: scripted.ask) { _ in }
        #expect(verdict.judge == nil && !verdict.success)
        #expect(verdict.attempts.map(\.judge) == ["zeus", "athena"])
        #expect(verdict.error?.kind == .refused)
        let none = await synthesis.run(
            question: "How?", team: Self.team, outcomes: [], answers: AnonymizedAnswers(entries: []), ask: scripted.ask) { _ in }
        #expect(none.judge == nil && none.error?.message.contains("no answer to judge") == true)
    }

    @Test("council: each member ranks the others (never itself), ballots counted, the top-ranked member synthesizes with the order")
    func council() async {
        let answers = Self.answers()
        let byAuthor = Dictionary(uniqueKeysWithValues: answers.entries.map { ($0.specialist, $0.label) })
        let scripted = ScriptedTeam { id, message in
            guard message.contains("FINAL RANKING:") else { return .answer(chunks: ["Synthesis by \(id)."]) }
            switch id {
            case "apollo": return .answer(chunks: ["FINAL RANKING:\n1. Response \(byAuthor["hermes"]!)\n2. Response \(byAuthor["athena"]!)"])
            case "athena": return .answer(chunks: ["I cannot choose."])  // abstains
            default: return .answer(chunks: ["FINAL RANKING:\n1. Response \(byAuthor["hermes"]!)\n2. Response \(byAuthor["athena"]!)\n3. Response \(byAuthor["apollo"]!)"])
            }
        }
        let synthesis = Synthesis(mode: .council, judges: [], options: RoundOptions())
        var events: [SynthesisEvent] = []
        let verdict = await synthesis.run(
            question: "How?", team: Self.team, outcomes: Self.outcomes, answers: answers, ask: scripted.ask) { events.append($0) }
        let sent = scripted.sent.withLockedValue { $0 }
        // Rankers are shown the others' answers only: never their own.
        for (id, message) in sent where message.contains("FINAL RANKING:") {
            #expect(!message.contains("answer of \(id)"), "\(id) was shown its own answer")
            #expect(message.components(separatedBy: "\nResponse ").count == 3)
        }
        guard case .ranking(let ranking)? = events.first(where: { if case .ranking = $0 { true } else { false } }) else {
            Issue.record("no ranking event")
            return
        }
        // apollo (shown athena, hermes): hermes 1, athena 0. athena: abstained. hermes ranks a label it was not shown
        // (its own): dropped; athena then apollo: athena 1, apollo 0. Totals: hermes 1, athena 1, apollo 0.
        #expect(ranking.ballots.map(\.ranker) == ["apollo", "athena", "hermes"])
        #expect(ranking.ballots[1].abstained)
        #expect(Dictionary(uniqueKeysWithValues: ranking.totals.map { ($0.specialist, $0.points) }) == ["hermes": 1, "athena": 1, "apollo": 0])
        // With no judge named, the top-ranked member (hermes and athena tie; the earlier label wins) synthesizes.
        let top = ranking.totals[0].specialist
        #expect(verdict.judge == top)
        #expect(verdict.content == "Synthesis by \(top).")
        #expect(verdict.ranked)
        #expect(events.filter { if case .ballot = $0 { true } else { false } }.count == 3)
        #expect(sent.last?.1.contains("The team ranked the responses, best first: Response \(ranking.totals[0].label)") == true)
    }
}

extension String {
    /// The text with each answer's content blanked (to look for ids outside the answers).
    func replacingAnswers(_ answers: AnonymizedAnswers) -> String {
        var text = self
        for entry in answers.entries {
            if let range = text.range(of: entry.content) { text.replaceSubrange(range, with: "") }
        }
        return text
    }
}
