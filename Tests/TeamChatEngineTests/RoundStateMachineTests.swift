import TeamChatEngine
import TeamChatModel
import TeamChatTestSupport
import Testing

@Suite("Round state machine")
struct RoundStateMachineTests {
    typealias Machine = RoundStateMachine<MockClock.Instant, MockLease>
    typealias Action = Machine.Action

    let clock = MockClock()
    let ids = ["a", "b", "c"]
    let round: UInt64 = 7

    func machine(
        _ options: RoundOptions = RoundOptions(timeout: .seconds(2), connectTimeout: .milliseconds(500)),
        streaming: Bool = false,
        count: Int? = nil
    ) -> Machine {
        Machine(specialists: Array(ids.prefix(count ?? ids.count)), options: options, round: round, streaming: streaming)
    }

    func token(_ index: Int, _ attempt: Int = 1) -> ExchangeToken {
        ExchangeToken(round: round, index: index, attempt: attempt)
    }

    var now: MockClock.Instant { clock.now }

    /// The round's deadline for the default options: timeout + connect timeout after the start.
    var roundDeadline: MockClock.Instant { MockClock.Instant(offset: .milliseconds(2_500)) }

    func leaseAction(_ index: Int, attempt: Int = 1, connectTimeout: Duration = .milliseconds(500)) -> Action {
        .lease(index: index, token: token(index, attempt), connectTimeout: connectTimeout, deadline: roundDeadline)
    }

    func started(_ round: inout Machine, admissions: [Admission]? = nil) -> [Action] {
        round.start(now: now, admissions: admissions ?? Array(repeating: .allow, count: round.specialists.count))
    }

    func answer(_ text: String) -> ExchangeResult {
        .reply(.answer(ChatAnswer(content: text)), firstByte: .milliseconds(1))
    }

    func outcomes(_ actions: [Action]) -> [SpecialistOutcome] {
        actions.compactMap { if case .emit(.outcome(let outcome)) = $0 { outcome } else { nil } }
    }

    func summary(_ actions: [Action]) -> RoundSummary? {
        actions.lazy.compactMap { if case .emit(.finished(let summary)) = $0 { summary } else { nil } }.first
    }

    @Test("the start asks a lease for every specialist and arms the round deadline")
    func start() {
        var round = machine()
        #expect(
            started(&round) == [leaseAction(0), leaseAction(1), leaseAction(2), .scheduleTimer(roundDeadline)])
    }

    @Test("a skipped specialist is reported at once and never leased; skipping all ends the round")
    func skips() {
        var round = machine()
        let actions = started(&round, admissions: [.allow, .skip(remaining: .seconds(4)), .allow])
        #expect(actions.count == 4)
        #expect(actions[0] == leaseAction(0))
        #expect(outcomes(actions).map(\.error?.message) == ["skipped: circuit open for 4.0s more"])
        #expect(outcomes(actions).map(\.error?.kind) == [.breakerOpen])
        #expect(actions[2] == leaseAction(2))

        var all = machine(count: 1)
        let ended = all.start(now: now, admissions: [.skip(remaining: .seconds(1))])
        #expect(summary(ended)?.skipped == 1)
        #expect(ended.last == .finish)
        #expect(all.isFinished)
    }

    @Test("a granted lease starts the exchange, due within the timeout of its own send")
    func exchange() {
        var round = machine()
        _ = started(&round)
        clock.advance(by: .milliseconds(10))
        let lease = MockLease("a")
        #expect(
            round.leaseSucceeded(token(0), lease: lease, info: lease.info, now: now)
                == [.exchange(index: 0, token: token(0), lease: lease), .scheduleTimer(now.advanced(by: .seconds(2)))])
        // A later exchange due within the timer's slack needs no timer of its own.
        let other = MockLease("b")
        clock.advance(by: .microseconds(200))
        #expect(
            round.leaseSucceeded(token(1), lease: other, info: other.info, now: now)
                == [.exchange(index: 1, token: token(1), lease: other)])
    }

    @Test("a member with a timeout of its own is given up at it; the others at the round's; the deadline covers the longest")
    func memberTimeouts() {
        var options = RoundOptions(timeout: .seconds(2), connectTimeout: .milliseconds(500))
        options.memberTimeouts = [1: .seconds(5)]
        #expect(options.effectiveDeadline == .milliseconds(5_500))
        var round = machine(options, count: 2)
        _ = started(&round)
        let (a, b) = (MockLease("a"), MockLease("b"))
        _ = round.leaseSucceeded(token(0), lease: a, info: a.info, now: now)
        _ = round.leaseSucceeded(token(1), lease: b, info: b.info, now: now)
        clock.advance(by: .seconds(2))
        let first = round.timerFired(now: now)
        #expect(outcomes(first).map(\.specialistID) == ["a"])
        #expect(outcomes(first).first?.error == .timeout(after: .seconds(2)))
        clock.advance(by: .seconds(3))
        let second = round.timerFired(now: now)
        #expect(outcomes(second).map(\.specialistID) == ["b"])
        #expect(outcomes(second).first?.error == .timeout(after: .seconds(5)))
        #expect(summary(second)?.failures[.timeout] == 2)
    }

    @Test("leases granted together start their exchanges in one list, with one timer; a stale grant is released")
    func grantsTogether() {
        var round = machine()
        _ = started(&round)
        clock.advance(by: .milliseconds(10))
        let leases = [MockLease("a"), MockLease("b"), MockLease("c")]
        let grants = [
            (token: token(0), lease: leases[0], info: leases[0].info),
            (token: token(2, 2), lease: leases[2], info: leases[2].info),  // an attempt this round never made
            (token: token(1), lease: leases[1], info: leases[1].info),
        ]
        #expect(
            round.leasesSucceeded(grants, now: now) == [
                .exchange(index: 0, token: token(0), lease: leases[0]), .scheduleTimer(now.advanced(by: .seconds(2))),
                .release(leases[2], reusable: true), .exchange(index: 1, token: token(1), lease: leases[1]),
            ])
        // The same as one by one: c is still waiting for its lease.
        #expect(
            round.leaseSucceeded(token(2), lease: leases[2], info: leases[2].info, now: now)
                == [.exchange(index: 2, token: token(2), lease: leases[2])])
    }

    @Test("each reply releases its connection and is delivered; the last one ends the round with the summary")
    func replies() {
        var round = machine(count: 2)
        _ = started(&round)
        let leases = [MockLease("a"), MockLease("b", reused: true)]
        for index in 0..<2 { _ = round.leaseSucceeded(token(index), lease: leases[index], info: leases[index].info, now: now) }
        clock.advance(by: .milliseconds(5))
        let first = round.exchangeCompleted(token(1), result: answer("B"), now: now)
        #expect(first.first == .release(leases[1], reusable: true))
        let outcome = try! #require(outcomes(first).first)
        #expect(outcome.specialistID == "b")
        #expect(outcome.answer?.content == "B")
        #expect(outcome.reused)
        #expect(outcome.connect == nil)
        #expect(outcome.elapsed == .milliseconds(5))
        #expect(first.count == 2)

        clock.advance(by: .milliseconds(5))
        let last = round.exchangeCompleted(token(0), result: answer("A"), now: now)
        #expect(outcomes(last).first?.connect == .milliseconds(1))
        #expect(summary(last)?.replied == 2)
        #expect(summary(last)?.elapsed == .milliseconds(10))
        #expect(last.last == .finish)
        #expect(round.isFinished)
    }

    @Test("a completion into a kept buffer appends the same actions as the returning form, after what it holds")
    func completionIntoBuffer() {
        let leases = [MockLease("a"), MockLease("b")]
        func leased() -> Machine {
            var round = machine(count: 2)
            _ = started(&round)
            for index in 0..<2 { _ = round.leaseSucceeded(token(index), lease: leases[index], info: leases[index].info, now: now) }
            return round
        }
        var returning = leased()
        var appending = leased()
        var buffer: [Action] = [.finish]
        for index in [1, 0] {
            let expected = returning.exchangeCompleted(token(index), result: answer("\(index)"), now: now)
            buffer.removeAll(keepingCapacity: true)
            buffer.append(.finish)
            appending.exchangeCompleted(token(index), result: answer("\(index)"), now: now, into: &buffer)
            #expect(buffer == [.finish] + expected)
        }
        #expect(appending.isFinished)
    }

    @Test("a lease granted after its specialist is done is released at once as reusable (nothing was written)")
    func leaseAfterTheEnd() {
        var options = RoundOptions(quorum: 1)
        options.connectTimeout = .milliseconds(500)
        var round = machine(options)
        _ = started(&round)
        let a = MockLease("a")
        _ = round.leaseSucceeded(token(0), lease: a, info: a.info, now: now)
        let ended = round.exchangeCompleted(token(0), result: answer("A"), now: now)
        #expect(ended.contains(.cancelLease(index: 1, token: token(1))))
        #expect(ended.contains(.cancelLease(index: 2, token: token(2))))
        #expect(outcomes(ended).dropFirst().map(\.error) == [.notNeeded, .notNeeded])
        // The pool granted b's lease before the cancel reached it.
        let b = MockLease("b")
        #expect(round.leaseSucceeded(token(1), lease: b, info: b.info, now: now) == [.release(b, reusable: true)])
        #expect(round.leaseFailed(token(2), error: .cancelled(), now: now) == [])
    }

    @Test("an exchange past its own deadline is abandoned by token and its connection released when it reports back")
    func timeout() {
        var round = machine(count: 2)
        _ = started(&round)
        let a = MockLease("a")
        let b = MockLease("b")
        _ = round.leaseSucceeded(token(0), lease: a, info: a.info, now: now)
        _ = round.leaseSucceeded(token(1), lease: b, info: b.info, now: now)
        _ = round.exchangeCompleted(token(1), result: answer("B"), now: now)
        clock.advance(by: .seconds(2))
        let fired = round.timerFired(now: now)
        #expect(fired.first == .cancelExchange(token: token(0), lease: a))
        #expect(outcomes(fired).map(\.error?.message) == ["timeout after 2.0s"])
        #expect(fired.last == .finish)
        #expect(round.abandonedCount == 1)
        // The late reply: a reusable connection goes back as such, and a chunk or a second report is ignored.
        #expect(round.chunkReceived(token(0), chunk: StreamChunk(index: 0, content: "x"), now: now) == [])
        #expect(round.exchangeCompleted(token(0), result: .failure(.cancelled()), now: now) == [.release(a, reusable: false)])
        #expect(round.exchangeCompleted(token(0), result: answer("late"), now: now) == [])
        #expect(round.abandonedCount == 0)
    }

    @Test("the round's deadline ends everything: leases withdrawn, exchanges abandoned, all reported as timeouts")
    func roundDeadlineReached() {
        var round = machine(RoundOptions(timeout: .seconds(2), connectTimeout: .milliseconds(500), deadline: .seconds(1)))
        #expect(started(&round).last == .scheduleTimer(now.advanced(by: .seconds(1))))
        let a = MockLease("a")
        _ = round.leaseSucceeded(token(0), lease: a, info: a.info, now: now)
        clock.advance(by: .seconds(1))
        let fired = round.timerFired(now: now)
        #expect(fired.contains(.cancelExchange(token: token(0), lease: a)))
        #expect(fired.contains(.cancelLease(index: 1, token: token(1))))
        #expect(fired.contains(.cancelLease(index: 2, token: token(2))))
        #expect(Set(outcomes(fired).map(\.error?.message)) == ["timeout: round deadline of 1.0s reached"])
        #expect(summary(fired)?.failures[.timeout] == 3)
        #expect(fired.last == .finish)
    }

    @Test("an exchange whose own timeout lies past the round's deadline is due at the round's deadline")
    func ownDeadlineCappedByTheRound() {
        var round = machine(RoundOptions(timeout: .seconds(2), connectTimeout: .milliseconds(500)), count: 1)
        _ = started(&round)
        clock.advance(by: .seconds(1))
        let a = MockLease("a")
        #expect(
            round.leaseSucceeded(token(0), lease: a, info: a.info, now: now)
                == [.exchange(index: 0, token: token(0), lease: a)])  // the round's timer already covers it
        clock.advance(by: .milliseconds(1_500))
        #expect(outcomes(round.timerFired(now: now)).first?.error?.message == "timeout: round deadline of 2.5s reached")
    }

    @Test("a reused connection that failed before any reply byte is retried once, at once, on a new one")
    func staleRetry() {
        var round = machine(count: 1)
        _ = started(&round)
        let stale = MockLease("stale", reused: true)
        _ = round.leaseSucceeded(token(0), lease: stale, info: stale.info, now: now)
        let failed = ExchangeResult.failure(ExchangeError(.closed, "closed"), nothingReceived: true)
        #expect(round.exchangeCompleted(token(0), result: failed, now: now) == [.release(stale, reusable: false), leaseAction(0, attempt: 2)])
        // Once only: a second stale connection is reported.
        let again = MockLease("again", reused: true)
        _ = round.leaseSucceeded(token(0, 2), lease: again, info: again.info, now: now)
        let reported = round.exchangeCompleted(token(0, 2), result: failed, now: now)
        #expect(reported.first == .release(again, reusable: false))
        #expect(outcomes(reported).first?.error?.kind == .closed)
        #expect(outcomes(reported).first?.attempts == 1)
    }

    @Test("a new connection that failed, or one that received something, is not retried")
    func noStaleRetry() {
        var round = machine(count: 2)
        _ = started(&round)
        let fresh = MockLease("fresh")
        let reused = MockLease("reused", reused: true)
        _ = round.leaseSucceeded(token(0), lease: fresh, info: fresh.info, now: now)
        _ = round.leaseSucceeded(token(1), lease: reused, info: reused.info, now: now)
        let nothing = ExchangeResult.failure(ExchangeError(.closed, "closed"), nothingReceived: true)
        let something = ExchangeResult.failure(ExchangeError(.reset, "reset"), nothingReceived: false)
        #expect(outcomes(round.exchangeCompleted(token(0), result: nothing, now: now)).count == 1)
        #expect(outcomes(round.exchangeCompleted(token(1), result: something, now: now)).count == 1)
    }

    @Test("--retries retries connect failures only, while attempts and time are left")
    func retries() {
        var round = machine(RoundOptions(retries: 2), count: 2)
        _ = started(&round)
        let refused = ExchangeError(.refused, "connection refused")
        #expect(round.leaseFailed(token(0), error: refused, now: now) == [leaseAction(0, attempt: 2)])
        #expect(round.leaseFailed(token(0, 2), error: refused, now: now) == [leaseAction(0, attempt: 3)])
        let third = round.leaseFailed(token(0, 3), error: refused, now: now)
        #expect(outcomes(third).first?.attempts == 3)
        #expect(outcomes(third).first?.error?.kind == .refused)
        // Not a connect failure: reported at once.
        #expect(outcomes(round.leaseFailed(token(1), error: ExchangeError(.localResource, "EMFILE"), now: now)).count == 1)
    }

    @Test("a streamed answer may run past its reply timeout once it has started, until the round's deadline")
    func streaming() {
        var round = machine(count: 1)
        _ = started(&round)
        let a = MockLease("a")
        _ = round.leaseSucceeded(token(0), lease: a, info: a.info, now: now)
        clock.advance(by: .seconds(1))
        let chunk = StreamChunk(index: 0, content: "hel")
        #expect(round.chunkReceived(token(0), chunk: chunk, now: now) == [.emit(.chunk(specialistID: "a", chunk))])
        clock.advance(by: .seconds(1))  // past the 2 s reply timeout
        #expect(round.timerFired(now: now) == [.scheduleTimer(roundDeadline)])
        clock.advance(by: .milliseconds(500))
        let fired = round.timerFired(now: now)
        #expect(outcomes(fired).first?.error?.message == "timeout: round deadline of 2.5s reached")
    }

    @Test("cancelling abandons everything still running, reported as cancelled")
    func cancel() {
        var round = machine(count: 2)
        _ = started(&round)
        let a = MockLease("a")
        _ = round.leaseSucceeded(token(0), lease: a, info: a.info, now: now)
        let cancelled = round.cancel(now: now)
        #expect(cancelled.contains(.cancelExchange(token: token(0), lease: a)))
        #expect(cancelled.contains(.cancelLease(index: 1, token: token(1))))
        #expect(summary(cancelled)?.cancelled == 2)
        #expect(round.cancel(now: now) == [])
        #expect(round.timerFired(now: now) == [])
    }

    @Test("an error answer is a failure that keeps its connection")
    func specialistError() {
        var round = machine(count: 1)
        _ = started(&round)
        let a = MockLease("a")
        _ = round.leaseSucceeded(token(0), lease: a, info: a.info, now: now)
        let result = ExchangeResult(outcome: .failure(ExchangeError(.specialistError, "no")), reusable: true)
        let actions = round.exchangeCompleted(token(0), result: result, now: now)
        #expect(actions.first == .release(a, reusable: true))
        #expect(summary(actions)?.failed == 1)
    }

    @Test("events for tokens of another round or a superseded attempt are ignored")
    func foreignTokens() {
        var round = machine(count: 1)
        _ = started(&round)
        let stranger = MockLease("stranger")
        let foreign = ExchangeToken(round: 8, index: 0, attempt: 1)
        #expect(round.leaseSucceeded(foreign, lease: stranger, info: stranger.info, now: now) == [.release(stranger, reusable: true)])
        #expect(round.leaseFailed(token(0, 5), error: .cancelled(), now: now) == [])
        #expect(round.exchangeCompleted(token(0), result: answer("?"), now: now) == [])
    }

    @Test("hung specialists asked together time out in one wake-up")
    func coalescedTimeouts() {
        var round = machine(count: 3)
        _ = started(&round)
        var leases: [MockLease] = []
        for index in 0..<3 {
            let lease = MockLease("\(index)")
            leases.append(lease)
            _ = round.leaseSucceeded(token(index), lease: lease, info: lease.info, now: now)
            clock.advance(by: .microseconds(100))
        }
        // The first deadline wakes the timer; the next one serves both others (100 µs apart, within the slack).
        let first = round.timerFired(now: MockClock.Instant(offset: .seconds(2)))
        #expect(outcomes(first).count == 1)
        #expect(first.last == .scheduleTimer(MockClock.Instant(offset: .seconds(2) + .microseconds(200))))
        let rest = round.timerFired(now: MockClock.Instant(offset: .seconds(2) + .microseconds(200)))
        #expect(outcomes(rest).count == 2)
        #expect(rest.last == .finish)
    }
}
