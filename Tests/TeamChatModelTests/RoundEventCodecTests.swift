import TeamChatModel
import Testing

@Suite("Round event codec")
struct RoundEventCodecTests {
    @Test("every event encodes to one NDJSON object that decodes back to it")
    func roundTrip() throws {
        var summary = RoundSummary(addressed: 3, quorum: 2)
        summary.replied = 2
        summary.failed = 1
        summary.failures = [.timeout: 1]
        summary.slowest = .milliseconds(12)
        summary.elapsed = .milliseconds(2_000)
        let events: [RoundEvent] = [
            .chunk(specialistID: "s-ai", StreamChunk(index: 3, content: "pa\"rt\n")),
            .outcome(
                SpecialistOutcome(
                    index: -1, specialistID: "a-ai", result: .success(.answer(ChatAnswer(content: "hi", model: "m"))),
                    elapsed: .milliseconds(112), connect: .microseconds(310), firstByte: .milliseconds(1), reused: true)),
            .outcome(
                SpecialistOutcome(
                    index: -1, specialistID: "b-ai", result: .failure(ExchangeError(.httpStatus, "HTTP 503", status: 503)),
                    elapsed: .milliseconds(9), attempts: 2)),
            .outcome(SpecialistOutcome(index: -1, specialistID: "c-ai", result: .success(.alive), elapsed: .milliseconds(1))),
            .finished(summary),
        ]
        for event in events {
            let line = RoundEventCodec.encode(event, round: 4).string
            #expect(line.hasPrefix(#"{"type":""#))
            #expect(!line.contains("\n"))
            let decoded = try RoundEventCodec.decode(line)
            #expect(decoded.event == event)
            #expect(decoded.round == 4)
        }
    }

    @Test("the gateway's summary says who ran the round and whether it was interrupted")
    func via() throws {
        let line = RoundEventCodec.summary(RoundSummary(addressed: 1, quorum: 1), round: 1, interrupted: true, via: "gateway")
        let decoded = try RoundEventCodec.decode(line.string)
        #expect(decoded.via == "gateway")
        #expect(decoded.interrupted)
    }

    @Test("what is not an event is refused with a reason", arguments: [
        "", "[]", "{}", #"{"type":"reply"}"#, #"{"type":"mystery"}"#, #"{"type":"reply","specialist_id":"a","success":false,"error":"x","error_kind":"nonsense"}"#,
        #"{"type":"chunk","specialist_id":"a","index":-1,"content":"x"}"#,
    ])
    func refused(_ line: String) {
        #expect(throws: RoundEventCodec.DecodeError.self) { try RoundEventCodec.decode(line) }
    }

    @Test("tokens per second: reported completion tokens over the writing time; none without a count or a millisecond")
    func tokensPerSecond() {
        let answer = ChatAnswer(content: "x", usage: TokenUsage(promptTokens: 9, completionTokens: 50))
        let outcome = SpecialistOutcome(
            index: 0, specialistID: "m", result: .success(.answer(answer)), elapsed: .milliseconds(1_100),
            firstByte: .milliseconds(100))
        #expect(RoundEventCodec.tokensPerSecond(outcome) == 50)
        #expect(RoundEventCodec.reply(outcome, round: nil).string.contains(#""tokens_per_second":50"#))
        var instant = outcome
        instant.elapsed = .microseconds(100_500)
        #expect(RoundEventCodec.tokensPerSecond(instant) == nil)
        var unreported = outcome
        unreported.result = .success(.answer(ChatAnswer(content: "x")))
        #expect(RoundEventCodec.tokensPerSecond(unreported) == nil)
    }
}
