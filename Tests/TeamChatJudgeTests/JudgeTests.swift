import TeamChatEngine
import TeamChatJudge
import TeamChatTestSupport
import Testing

@Suite("The judge and the council: prompts, labels, ballots, the count, fallback, truncation")
struct JudgeTests {
    private static let answered = [("apollo", "Use a pool."), ("athena", "Open one per request."), ("hermes", "Pool them, LRU.")]

    @Test("labels are A, B, C in an order the seed decides; every seed's order is a permutation; Z is followed by A2")
    func labels() {
        var orders: Set<[String]> = []
        for seed in 0..<40 {
            var generator = SplitMix64(seed: UInt64(seed))
            let answers = AnonymizedAnswers(Self.answered.map { (specialist: $0.0, content: $0.1) }, shuffledBy: &generator)
            #expect(answers.entries.map(\.label) == ["A", "B", "C"])
            #expect(Set(answers.entries.map(\.specialist)) == ["apollo", "athena", "hermes"])
            orders.insert(answers.entries.map(\.specialist))
        }
        #expect(orders.count == 6)  // all six orders of three occur over 40 seeds: shuffled, not fixed
        #expect(AnonymizedAnswers.label(25) == "Z")
        #expect(AnonymizedAnswers.label(26) == "A2")
        #expect(AnonymizedAnswers.label(53) == "B3")
    }

    @Test("the judge's exact prompt: the question, Response blocks in label order, no member ids, the missing count")
    func judgePrompt() {
        let entries = [
            AnonymizedAnswers.Entry(label: "A", specialist: "hermes", content: "Pool them, LRU."),
            AnonymizedAnswers.Entry(label: "B", specialist: "apollo", content: "Use a pool."),
        ]
        let prompt = JudgePrompt.judge.render(question: "How should the pool evict?", responses: entries, missing: 1)
        #expect(prompt == """
            You are the judge for a team of specialists who were each asked the same question. Their answers follow as \
            Response A, Response B and so on, in no particular order and without their authors' names. Write the single \
            best answer to the question: keep what is correct and useful, correct or leave out what is wrong, and say \
            briefly where the answers disagree when it matters. Answer the question itself; do not mention the \
            responses or their letters.

            Question:
            How should the pool evict?

            Response A:
            Pool them, LRU.

            Response B:
            Use a pool.

            (1 more specialist was asked and did not answer.)
            """)
        #expect(!prompt.contains("hermes") && !prompt.contains("apollo"))
        let ranked = JudgePrompt.judge.render(question: "q", responses: entries, ranking: ["B", "A"])
        #expect(ranked.hasSuffix("The team ranked the responses, best first: Response B, Response A."))
    }

    @Test("a replacement template: its placeholders are checked, unknown ones and a missing {{responses}} refused")
    func templates() throws {
        let custom = try JudgePrompt(template: "Q: {{question}}\n{{responses}}")
        #expect(custom.render(question: "why?", responses: [.init(label: "A", specialist: "x", content: "because")])
            == "Q: why?\nResponse A:\nbecause")
        #expect(throws: JudgePrompt.Problem.self) { try JudgePrompt(template: "{{question}} only") }
        #expect(throws: JudgePrompt.Problem.self) { try JudgePrompt(template: "{{responses}} {{answers}}") }
        #expect(throws: JudgePrompt.Problem.self) { try JudgePrompt(template: "{{responses}} {{ranking") }
    }

    @Test("long answers are cut so that the prompt fits a chat message")
    func longAnswers() {
        let long = String(repeating: "word ", count: 20_000)
        let entries = (0..<3).map { AnonymizedAnswers.Entry(label: AnonymizedAnswers.label($0), specialist: "s\($0)", content: long) }
        let prompt = JudgePrompt.judge.render(question: "q", responses: entries)
        #expect(prompt.count <= JudgePrompt.maximumCharacters + 3 * 4)
        #expect(prompt.contains("Response C:"))
        #expect(prompt.contains(" […]"))
    }

    @Test("rankings are read leniently: the last FINAL RANKING, any case, numbered lines; unshown labels and repeats dropped")
    func parsing() {
        let shown = ["A", "C", "D"]
        #expect(RankingParser.parse("C is best.\nFINAL RANKING:\n1. Response C\n2. Response A\n3. Response D", shown: shown) == ["C", "A", "D"])
        // A self-rank attempt (B, its own answer's label, was not shown to it) and a repeat are left out.
        #expect(RankingParser.parse("final ranking:\n1. Response B\n2. Response D\n3. Response D\n4. Response A", shown: shown) == ["D", "A"])
        // The instruction quoted back, then the real one: the last header counts.
        #expect(RankingParser.parse("You said FINAL RANKING: then Response A.\nFinal Ranking\n1) D\n2) C", shown: shown) == ["D", "C"])
        #expect(RankingParser.parse("No header at all: I prefer response C over response A.", shown: shown) == ["C", "A"])
        #expect(RankingParser.parse("They are all good.", shown: shown) == nil)
        #expect(RankingParser.parse("FINAL RANKING:\n1. Response <letter>", shown: shown) == nil)
        let echoed = JudgePrompt.ranking.render(question: "q", responses: [.init(label: "A", specialist: "x", content: "t")])
        #expect(RankingParser.parse(echoed, shown: ["A"]) == nil)  // an echo of the request ranks nothing
    }

    @Test("the Borda count, checked by hand: k shown, first gets k − 1; abstentions count nothing; ties share a place")
    func borda() {
        let answers = AnonymizedAnswers(entries: ["A", "B", "C", "D"].map {
            .init(label: $0, specialist: "m\($0)", content: "")
        })
        let ballots = [
            Ranking.Ballot(ranker: "mA", shown: ["B", "C", "D"], order: ["C", "B", "D"]),  // C 2, B 1, D 0
            Ranking.Ballot(ranker: "mB", shown: ["A", "C", "D"], order: ["C", "A"]),  // C 2, A 1 (D unranked: 0)
            Ranking.Ballot(ranker: "mC", shown: ["A", "B", "D"], order: nil),  // abstained
            Ranking.Ballot(ranker: "mD", shown: ["A", "B", "C"], order: ["A", "B", "C"]),  // A 2, B 1, C 0
        ]
        let ranking = Ranking(ballots: ballots, answers: answers)
        // C 4, A 3, B 2, D 0.
        #expect(ranking.totals.map(\.label) == ["C", "A", "B", "D"])
        #expect(ranking.totals.map(\.points) == [4, 3, 2, 0])
        #expect(ranking.totals.map(\.place) == [1, 2, 3, 4])
        #expect(ranking.totals.map(\.rankedBy) == [3, 2, 2, 1])
        #expect(ranking.totals.first?.specialist == "mC")
        let tied = Ranking(ballots: [.init(ranker: "mA", shown: ["B", "C"], order: ["B", "C"]),
                                     .init(ranker: "mB", shown: ["A", "C"], order: ["C", "A"])],
                           answers: AnonymizedAnswers(entries: ["A", "B", "C"].map { .init(label: $0, specialist: "m\($0)", content: "") }))
        #expect(tied.totals.map(\.label) == ["B", "C", "A"])
        #expect(tied.totals.map(\.place) == [1, 1, 3])
    }
}
