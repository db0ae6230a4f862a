import NIOCore
import TeamChatFleet
import TeamChatModel
import Testing

@Suite("Fan-out against a simulated fleet", .timeLimit(.minutes(1)))
struct FanOutTests {
    @Test("every healthy specialist answers, in one round, with its own answer")
    func healthyTeam() async throws {
        try await withFleet(team(18)) { fleet, engine in
            let (outcomes, summary) = await engine.collect(.chat("hello"), to: fleet.specialists)
            #expect(outcomes.count == 18)
            #expect(summary.replied == 18)
            #expect(summary.quorumMet)
            for outcome in outcomes {
                #expect(outcome.answer?.content == "\(outcome.specialistID): hello")
                #expect(outcome.reused == false)
                #expect(outcome.connect != nil)
            }
        }
    }

    @Test("a second round reuses the pooled connections")
    func warmRoundReusesConnections() async throws {
        try await withFleet(team(5)) { fleet, engine in
            _ = await engine.collect(.chat("one"), to: fleet.specialists)
            let (outcomes, summary) = await engine.collect(.chat("two"), to: fleet.specialists)
            #expect(summary.replied == 5)
            #expect(outcomes.allSatisfy { $0.reused && $0.connect == nil })
            #expect(outcomes.allSatisfy { $0.answer?.content.hasSuffix(": two") == true })
            #expect(fleet.counters.totalConnections == 5)
        }
    }

    @Test(
        "a misbehaving specialist affects only its own outcome, with the right error kind",
        arguments: [
            (Misbehaviour.hang, ExchangeError.Kind.timeout),
            (.refuse, .refused),
            (.close, .closed),
            (.reset, .reset),
            (.garbage, .protocolError),
            (.halfLine, .timeout),
            (.huge, .tooLarge),
            (.invalidUTF8, .protocolError),
            (.error, .specialistError),
            (.slam, .reset),
        ]
    )
    func misbehaviour(_ misbehaviour: Misbehaviour, expected: ExchangeError.Kind) async throws {
        try await withFleet(team(4, misbehaving: [2: misbehaviour])) { fleet, engine in
            // A shorter timeout where the timeout is the point, still with room for the healthy three on a loaded
            // machine (every suite shares two event loops; a debug build under load has stalled them for 100 ms).
            let timeout: Duration = expected == .timeout ? .seconds(1) : .seconds(3)
            let options = RoundOptions(timeout: timeout, connectTimeout: .seconds(1), maximumReplyBytes: 64 * 1024)
            let (outcomes, summary) = await engine.collect(.chat("hi"), to: fleet.specialists, options: options)
            #expect(outcomes.count == 4)
            #expect(summary.replied == 3)
            let bad = fleet.specialists[2].id
            #expect(outcomes[id: bad]?.error?.kind == expected)
            for outcome in outcomes where outcome.specialistID != bad {
                #expect(outcome.answer?.content == "\(outcome.specialistID): hi")
            }
        }
    }

    @Test("a reply sent one byte at a time is assembled")
    func oneByteAtATime() async throws {
        try await withFleet(team(2, misbehaving: [1: .oneByte])) { fleet, engine in
            let (outcomes, _) = await engine.collect(.chat("slowly"), to: fleet.specialists)
            #expect(outcomes[id: fleet.specialists[1].id]?.answer?.content == "\(fleet.specialists[1].id): slowly")
        }
    }

    @Test("after a timeout, the next round never receives the old answer")
    func lateReplyNeverLeaks() async throws {
        try await withFleet(team(2, misbehaving: [1: .late], lateDelay: .milliseconds(1_500))) { fleet, engine in
            let late = fleet.specialists[1].id
            let options = RoundOptions(timeout: .seconds(1))
            let (first, _) = await engine.collect(.chat("first"), to: fleet.specialists, options: options)
            #expect(first[id: late]?.error?.kind == .timeout)
            // Wait until the late answer to "first" has certainly been sent: the specialist answers later chats
            // promptly, so a third round that gets "third" proves ordering held across all of them.
            let (second, _) = await engine.collect(
                .chat("second"), to: fleet.specialists, options: RoundOptions(timeout: .seconds(2)))
            #expect(second[id: late]?.answer?.content == "\(late): second")
            #expect(fleet.counters.connections(late) == 2)
        }
    }

    @Test("a specialist that replies twice never leaks its second reply into the next round")
    func duplicateReplyNeverLeaks() async throws {
        try await withFleet(team(2, misbehaving: [1: .twice])) { fleet, engine in
            let twice = fleet.specialists[1].id
            for round in ["a", "b", "c"] {
                let (outcomes, _) = await engine.collect(.chat(round), to: fleet.specialists)
                #expect(outcomes[id: twice]?.answer?.content == "\(twice): \(round)")
                #expect(outcomes[id: twice]?.reused == false)
            }
            #expect(fleet.counters.connections(twice) == 3)
            #expect(fleet.counters.connections(fleet.specialists[0].id) == 1)
        }
    }

    @Test(
        "a reset right after accept is said as a reset every time, whichever the event loop meets first",
        arguments: [SimulatedProtocol.tekton, .openai]
    )
    func resetAfterAccept(_ wire: SimulatedProtocol) async throws {
        try await withFleet(team(1, wire: wire, misbehaving: [0: .slam])) { fleet, engine in
            var kinds: [ExchangeError.Kind: Int] = [:]
            for _ in 0..<100 {
                let (outcomes, _) = await engine.collect(.chat("hi"), to: fleet.specialists)
                kinds[outcomes.first?.error?.kind ?? .cancelled, default: 0] += 1
            }
            #expect(kinds == [.reset: 100])
        }
    }

    @Test("three hung specialists cost one deadline, not three")
    func hungSpecialistsCostOneDeadline() async throws {
        try await withFleet(team(6, misbehaving: [1: .hang, 3: .hang, 5: .hang])) { fleet, engine in
            let options = RoundOptions(timeout: .seconds(1))
            let (outcomes, summary) = await engine.collect(.chat("x"), to: fleet.specialists, options: options)
            #expect(summary.replied == 3)
            #expect(summary.failures[.timeout] == 3)
            // Each hung specialist fails at its own deadline; none waits for another's.
            for outcome in outcomes where outcome.error?.kind == .timeout {
                #expect(outcome.elapsed < .seconds(2))
            }
            #expect(summary.elapsed < .seconds(2))
            // Healthy answers arrive before any timeout.
            let firstTimeout = try #require(outcomes.firstIndex { $0.error != nil })
            #expect(outcomes[..<firstTimeout].count == 3)
        }
    }

    @Test("a restarted specialist is reached again on the next round without error")
    func restartedSpecialist() async throws {
        try await withFleet(team(3)) { fleet, engine in
            let restarted = fleet.specialists[1].id
            _ = await engine.collect(.chat("before"), to: fleet.specialists)
            try await fleet.restart(restarted)
            let (outcomes, summary) = await engine.collect(.chat("after"), to: fleet.specialists)
            #expect(summary.replied == 3)
            #expect(outcomes[id: restarted]?.answer?.content == "\(restarted): after")
            #expect(outcomes[id: restarted]?.reused == false)
        }
    }

    @Test("the round stops at the quorum and cancels the rest")
    func quorum() async throws {
        try await withFleet(team(4, misbehaving: [3: .hang])) { fleet, engine in
            let options = RoundOptions(timeout: .seconds(5), quorum: 3)
            let (outcomes, summary) = await engine.collect(.chat("q"), to: fleet.specialists, options: options)
            #expect(summary.replied == 3)
            #expect(summary.cancelled == 1)
            #expect(summary.quorumMet)
            #expect(outcomes[id: fleet.specialists[3].id]?.error?.kind == .cancelled)
            #expect(summary.elapsed < .seconds(5))
        }
    }

    @Test("streamed chunks arrive before the outcome and add up to the answer")
    func streaming() async throws {
        try await withFleet(team(2)) { fleet, engine in
            var chunks: [String: String] = [:]
            var answers: [String: String] = [:]
            for await event in engine.round(
                .chat(ChatRequest(message: "one two three", stream: true, requestID: "r1")), to: fleet.specialists) {
                switch event {
                case .chunk(let id, let chunk): chunks[id, default: ""] += chunk.content
                case .outcome(let outcome): answers[outcome.specialistID] = outcome.answer?.content
                case .finished: break
                }
            }
            for specialist in fleet.specialists {
                #expect(answers[specialist.id] == "\(specialist.id): one two three")
                #expect(chunks[specialist.id] == answers[specialist.id])
            }
        }
    }

    @Test("retries reach a specialist whose first connect failed, and only connect failures are retried")
    func retries() async throws {
        try await withFleet(team(2, misbehaving: [1: .refuse])) { fleet, engine in
            let options = RoundOptions(retries: 2)
            let (outcomes, _) = await engine.collect(.chat("r"), to: fleet.specialists, options: options)
            #expect(outcomes[id: fleet.specialists[1].id]?.attempts == 3)
            #expect(outcomes[id: fleet.specialists[1].id]?.error?.kind == .refused)
            #expect(outcomes[id: fleet.specialists[0].id]?.attempts == 1)
        }
    }

    @Test("a request over the specialists' 64 KiB line limit is refused before sending")
    func oversizedRequest() async throws {
        try await withFleet(team(1)) { fleet, engine in
            let (outcomes, summary) = await engine.collect(
                .chat(String(repeating: "a", count: 70_000)), to: fleet.specialists)
            #expect(outcomes.first?.error?.kind == .tooLarge)
            #expect(summary.replied == 0)
            #expect(fleet.counters.totalRequests(type: "chat") == 0)
        }
    }
}
