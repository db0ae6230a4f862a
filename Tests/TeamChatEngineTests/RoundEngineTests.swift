import NIOCore
import NIOEmbedded
import NIOPosix
import TeamChatEngine
import TeamChatModel
import TeamChatTestSupport
import Testing

@Suite("Round engine shell, on a mock transport and an embedded event loop")
struct RoundEngineTests {
    let specialists = [Specialist.tekton(id: "a", host: "h", port: 1), .tekton(id: "b", host: "h", port: 2)]

    /// Collects a round's events as they are handed over.
    final class Collector: @unchecked Sendable {
        // Safe: only touched on the test's own task and by the consuming task it awaits.
        var events: [RoundEvent] = []
    }

    @Test("a lease granted after the round ended is released, and the summary comes last")
    func lateLease() async throws {
        let loop = EmbeddedEventLoop()
        let transport = MockTransport()
        let engine = RoundEngine(transports: [transport], eventLoopGroup: loop)
        var iterator = engine.round(.chat("hi"), to: specialists, options: RoundOptions(quorum: 1)).makeAsyncIterator()
        let pending = transport.pending
        #expect(pending.map(\.specialist.id) == ["a", "b"])
        let a = transport.grant(pending[0].token)
        guard case .started(let token) = a.events.first else { Issue.record("not started"); return }
        a.complete(token, .reply(.answer(ChatAnswer(content: "A")), firstByte: nil))
        var events: [RoundEvent] = []
        while let event = await iterator.next() { events.append(event) }
        #expect(events.count == 3)
        guard case .finished(let summary) = events.last else { Issue.record("no summary"); return }
        #expect(summary.replied == 1)
        #expect(summary.cancelled == 1)
        #expect(transport.cancelledLeases == [pending[1].token])
        // The pool had already granted b's lease when the cancel reached it.
        let b = transport.grant(pending[1].token)
        #expect(b.releases == [true])
        #expect(a.releases == [true])
    }

    @Test("a collected round, answered or cancelled, is let go of once collect returns")
    func collectedRoundIsFreed() async throws {
        let loop = EmbeddedEventLoop()
        let transport = MockTransport()
        let engine = RoundEngine(transports: [transport], eventLoopGroup: loop)
        let answered = Task { await engine.collect(.chat("hi"), to: [specialists[0]]) }
        #expect(await eventually { transport.pending.count == 1 })
        let lease = transport.grant(transport.pending[0].token)
        guard case .started(let token) = lease.events.first else { Issue.record("not started"); return }
        lease.complete(token, .reply(.answer(ChatAnswer(content: "A")), firstByte: nil))
        let (outcomes, summary) = await answered.value
        #expect(outcomes.map(\.answer?.content) == ["A"])
        #expect(summary.replied == 1)
        #expect(transport.liveObservers == 0)

        let cancelled = Task { await engine.collect(.chat("hi"), to: [specialists[1]]) }
        #expect(await eventually { transport.pending.count == 1 })
        let request = transport.pending[0].token
        cancelled.cancel()
        loop.run()  // the cancellation reaches the round on its event loop, not in the task's handler
        let (_, cancelledSummary) = await cancelled.value
        #expect(cancelledSummary.cancelled == 1)
        #expect(transport.cancelledLeases == [request])
        // The pool answers the withdrawn request, and holds the round no longer.
        transport.fail(request, .cancelled())
        #expect(transport.liveObservers == 0)
    }

    @Test("a collected round that ends while it starts (every lease refused at once) is let go of too")
    func collectedRoundEndingAtStartIsFreed() async throws {
        let loop = EmbeddedEventLoop()
        let transport = MockTransport(refusing: ExchangeError(.localResource, "out of descriptors"))
        let engine = RoundEngine(transports: [transport], eventLoopGroup: loop)
        let (outcomes, summary) = await engine.collect(.chat("hi"), to: specialists)
        #expect(outcomes.map(\.error?.kind) == [.localResource, .localResource])
        #expect(summary.replied == 0)
        #expect(transport.liveObservers == 0)
    }

    @Test("the timer runs on the engine's event loop: a hung exchange is abandoned at its deadline")
    func deadline() async throws {
        let loop = EmbeddedEventLoop()
        let transport = MockTransport()
        let engine = RoundEngine(transports: [transport], eventLoopGroup: loop)
        let options = RoundOptions(timeout: .seconds(2), connectTimeout: .milliseconds(500))
        var iterator = engine.round(.chat("hi"), to: [specialists[0]], options: options).makeAsyncIterator()
        let lease = transport.grant(transport.pending[0].token)
        loop.advanceTime(by: .milliseconds(1_999))
        #expect(lease.events.count == 1)
        loop.advanceTime(by: .milliseconds(1))
        guard case .cancelled(let token) = lease.events.last else { Issue.record("not cancelled"); return }
        let first = await iterator.next()
        #expect(first.flatMap { if case .outcome(let outcome) = $0 { outcome.error?.message } else { nil } } == "timeout after 2.0s")
        lease.complete(token, .failure(.cancelled()))
        #expect(lease.releases == [false])
    }

    @Test(
        "a round started off any event loop ends by its deadline even when no transport ever reports",
        .timeLimit(.minutes(1))
    )
    func deadlineWithoutReports() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        // Nothing is ever granted, failed or reported: a stalled bus, a server that stopped.
        let transport = MockTransport()
        let engine = RoundEngine(transports: [transport], eventLoopGroup: group)
        let options = RoundOptions(timeout: .milliseconds(100), connectTimeout: .milliseconds(50))
        // Collected from this task, off the engine's loop: the round's timer must be armed all the same (it once
        // waited for a transport's first report on a loop, and a silent transport held the round for good).
        let (outcomes, summary) = await engine.collect(.chat("hi"), to: specialists, options: options)
        #expect(outcomes.map(\.error?.kind) == [.timeout, .timeout])
        #expect(summary.replied == 0)
        #expect(Set(transport.cancelledLeases) == Set(transport.pending.map(\.token)))
        #expect(transport.cancelledLeases.count == 2)
    }

    @Test("concurrent rounds share the breakers: exactly one half-open trial goes through")
    func oneTrial() {
        struct Fixed: WallClock { var now: WallTime }
        var breaker = CircuitBreaker(state: .open(until: WallTime(secondsSince1970: 10)), trips: 1)
        _ = breaker
        var health = SpecialistHealth()
        health.breaker = CircuitBreaker(state: .open(until: WallTime(secondsSince1970: 10)), trips: 1)
        let book = HealthBook(health: ["a": health], clock: Fixed(now: WallTime(secondsSince1970: 11)))
        let admissions = (0..<20).map { _ in book.admit(["a", "b"])[0] }
        #expect(admissions.filter { $0 == .trial }.count == 1)
        #expect(admissions.filter { if case .skip = $0 { true } else { false } }.count == 19)
        breaker = CircuitBreaker()
    }
}
