import TeamChatFleet
import TeamChatModel
import Testing

@Suite("Hostile specialists: streams, greetings", .timeLimit(.minutes(1)))
struct HostileSpecialistTests {
    @Test("a stream tagged with the specialist's own request id is heard and assembled")
    func foreignRequestID() async throws {
        try await withFleet(team(2, misbehaving: [1: .foreignID])) { fleet, engine in
            let request = TeamRequest.chat(ChatRequest(message: "one two", stream: true, requestID: "teamchat-1"))
            var chunks = 0
            var answers: [String: String] = [:]
            for await event in engine.round(request, to: fleet.specialists) {
                switch event {
                case .chunk(let id, _) where id == fleet.specialists[1].id: chunks += 1
                case .outcome(let outcome): answers[outcome.specialistID] = outcome.answer?.content
                default: break
                }
            }
            #expect(chunks == 3)  // one per word of "<id>: one two"
            #expect(answers[fleet.specialists[1].id] == "\(fleet.specialists[1].id): one two")
        }
    }

    @Test("an endless stream is cut at the reply cap, as a whole, with the chunks it sent delivered")
    func endlessStreamCap() async throws {
        try await withFleet(team(2, misbehaving: [1: .endless])) { fleet, engine in
            let options = RoundOptions(timeout: .seconds(5), maximumReplyBytes: 8 * 1024)
            let (outcomes, summary) = await engine.collect(.chat("go", stream: true), to: fleet.specialists, options: options)
            #expect(outcomes[id: fleet.specialists[1].id]?.error?.kind == .tooLarge)
            #expect(summary.replied == 1)
            #expect(summary.elapsed < .seconds(5))
        }
    }

    @Test("an endless stream is cut at the round's deadline when the cap is larger")
    func endlessStreamDeadline() async throws {
        try await withFleet(team(2, misbehaving: [1: .endless])) { fleet, engine in
            // Budgets with room for a loaded machine: every suite shares two event loops, and a debug build under
            // load has stalled them for over 100 ms; the healthy specialist's stream, and the endless one's first
            // chunk, must come within the reply timeout.
            let options = RoundOptions(timeout: .seconds(1), deadline: .milliseconds(1_500))
            let (outcomes, summary) = await engine.collect(.chat("go", stream: true), to: fleet.specialists, options: options)
            let endless = try #require(outcomes[id: fleet.specialists[1].id])
            #expect(endless.error?.message == "timeout: round deadline of 1.5s reached")
            // It ran past its 1 s reply timeout: a started stream may, up to the round's deadline.
            #expect(endless.elapsed >= .milliseconds(1_500))
            #expect(outcomes[id: fleet.specialists[0].id]?.answer != nil)
            #expect(summary.elapsed < .seconds(4))
        }
    }

    @Test("a specialist that greets before it is asked is answered as any other; its greeting is never an answer")
    func greeting() async throws {
        try await withFleet(team(3, misbehaving: [1: .greet])) { fleet, engine in
            for round in ["a", "b", "c"] {
                let (outcomes, summary) = await engine.collect(.chat(round), to: fleet.specialists)
                #expect(summary.replied == 3)
                let greeter = try #require(outcomes[id: fleet.specialists[1].id])
                #expect(greeter.answer?.content == "\(fleet.specialists[1].id): \(round)")
                #expect(outcomes.allSatisfy { $0.answer?.content.contains("welcome") != true })
            }
        }
    }

    @Test(
        "a specialist that answers the guard ping with an error, ignores it or answers it twice answers every chat",
        arguments: [Misbehaviour.pingError, .pingIgnored, .pingTwice]
    )
    func oddPings(_ misbehaviour: Misbehaviour) async throws {
        try await withFleet(team(3, misbehaving: [1: misbehaviour])) { fleet, engine in
            let odd = fleet.specialists[1].id
            // Each round on new connections (a connection's first chat is the guarded one), then on a warm one.
            for round in ["a", "b"] {
                let (outcomes, summary) = await engine.collect(.chat(round), to: fleet.specialists)
                #expect(summary.replied == 3, "\(outcomes)")
                #expect(outcomes[id: odd]?.answer?.content == "\(odd): \(round)")
            }
            let stream = await engine.collect(.chat(ChatRequest(message: "s", stream: true)), to: [fleet.specialists[1]])
            #expect(stream.outcomes.first?.answer?.content == "\(odd): s")
        }
    }
}
