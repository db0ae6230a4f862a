import TeamChatModel
/// The policy of one team-chat round, as a pure state machine: which specialists are asked (breaker admission),
/// leasing a connection for each, running its exchange, the stale-connection retry and `--retries`, each
/// specialist's reply deadline and the round's, the quorum, and cancellation.
///
/// Every event is a `mutating func` that takes the time and returns the ``Action``s the shell must perform: start a
/// lease or an exchange, release or abandon one, schedule the timer, hand events to the consumer, finish. No
/// sockets, no locks, no clock reads: time comes in with each event, so tests drive it exactly.
///
/// Rules it keeps:
/// - every lease it asked for is released on every path: a lease granted after its specialist is done (quorum,
///   deadline, cancellation) is released at once as reusable (nothing was written on it); an exchange abandoned
///   mid-flight is cancelled by its token and its connection released when the transport reports back;
/// - each specialist gets exactly one outcome, and the summary is the last event;
/// - a reply must arrive within `timeout` of its own send (for a streamed answer, its first byte; the stream may
///   then run until the round's deadline), and never after the round's deadline.
public struct RoundStateMachine<Instant: InstantProtocol, Lease: Sendable>: Sendable
where Instant.Duration == Duration {
    /// What the shell must do, in order.
    public enum Action: Sendable {
        /// Lease a connection to specialist `index` for the attempt `token`, opening one within `connectTimeout`
        /// if needed, and give up waiting at `deadline`.
        case lease(index: Int, token: ExchangeToken, connectTimeout: Duration, deadline: Instant)
        /// Run the round's request on `lease` for the attempt `token`.
        case exchange(index: Int, token: ExchangeToken, lease: Lease)
        /// Give a leased connection back; one that is not `reusable` is closed.
        case release(Lease, reusable: Bool)
        /// Withdraw the lease request `token` of specialist `index`.
        case cancelLease(index: Int, token: ExchangeToken)
        /// Abandon the exchange `token` on `lease` (its connection is closed; its completion still comes back).
        case cancelExchange(token: ExchangeToken, lease: Lease)
        /// Hand an event to the consumer.
        case emit(RoundEvent)
        /// Call ``timerFired(now:)`` at this instant (replacing any timer scheduled before).
        case scheduleTimer(Instant)
        /// The round is over: no timer is needed, and the event stream ends after the events emitted so far.
        case finish
    }

    /// One specialist's part in the round.
    enum Slot: Sendable {
        /// Not asked yet. Moves to `leasing` (or to `done` when its breaker skips it).
        case waiting
        /// A connection is being leased for `attempt`. Moves to `exchanging`, to `leasing` again (a retried
        /// connect failure), or to `done`.
        case leasing(Attempt)
        /// The request went out on `lease`; its reply is due by `deadline`. Moves to `leasing` (the stale-connection
        /// retry) or to `done`.
        case exchanging(Attempt, Exchange)
        /// Its outcome was emitted. Terminal.
        case done
    }

    struct Attempt: Sendable {
        var token: ExchangeToken
        /// Connection attempts so far, this one included (what `--retries` counts).
        var connects: Int
        /// Whether the one retry after a stale pooled connection was used.
        var staleRetried: Bool
    }

    struct Exchange: Sendable {
        var lease: Lease
        var info: LeaseInfo
        var sentAt: Instant
        var deadline: Instant
        /// Whether `deadline` is the specialist's own reply timeout (else the round's deadline).
        var ownDeadline: Bool
        /// Whether a first chunk of a streamed answer arrived.
        var heard: Bool
    }

    private enum Phase: Sendable {
        /// Before ``start(now:admissions:)``. Moves to `running`.
        case idle
        /// Outcomes are awaited. Moves to `finished`.
        case running
        /// The summary was emitted. Terminal: only releases happen now.
        case finished
    }

    public let options: RoundOptions
    public let quorum: Int
    /// The specialists' ids, by position.
    public let specialists: [String]
    private let round: UInt64
    private let streaming: Bool
    private var phase: Phase = .idle
    private var slots: [Slot]
    private var outstanding: Int
    private var summary: RoundSummary
    private var startedAt: Instant?
    private var roundDeadline: Instant?
    private var timerAt: Instant?
    /// Exchanges abandoned in flight, whose connections are released when their completion comes back.
    private var abandoned: [ExchangeToken: Lease] = [:]

    /// Timers are coalesced: one wake-up serves every deadline within this much after the earliest (a timeout fires
    /// at most this late, never early).
    public static var timerSlack: Duration { .milliseconds(1) }

    /// - Parameters:
    ///   - specialists: the ids of the specialists asked, by position.
    ///   - round: this round's number (``ExchangeToken/nextRound()``), so that tokens never repeat.
    ///   - streaming: whether the request asks for a streamed answer.
    public init(specialists: [String], options: RoundOptions, round: UInt64, streaming: Bool) {
        self.specialists = specialists
        self.options = options
        self.round = round
        self.streaming = streaming
        self.quorum = min(options.quorum ?? specialists.count, specialists.count)
        self.slots = Array(repeating: .waiting, count: specialists.count)
        self.outstanding = specialists.count
        self.summary = RoundSummary(addressed: specialists.count, quorum: quorum)
    }

    public var isFinished: Bool {
        if case .finished = phase { true } else { false }
    }

    /// Exchanges abandoned in flight whose connections are not released yet (for tests and leak checks).
    public var abandonedCount: Int { abandoned.count }

    // MARK: Events

    /// The round starts. `admissions` says, by position, what each specialist's breaker decided.
    public mutating func start(now: Instant, admissions: [Admission]) -> [Action] {
        guard case .idle = phase else { return [] }
        precondition(admissions.count == slots.count, "one admission per specialist")
        phase = .running
        startedAt = now
        let deadline = now.advanced(by: options.effectiveDeadline)
        roundDeadline = deadline
        var actions: [Action] = []
        actions.reserveCapacity(slots.count + 2)
        for index in slots.indices {
            if case .skip(let remaining) = admissions[index] {
                let error = ExchangeError(.breakerOpen, "skipped: circuit open for \(remaining.secondsText) more")
                deliver(failure(index, error, attempts: 0, now: now), now: now, into: &actions)
                continue
            }
            let attempt = Attempt(token: token(index, 1), connects: 1, staleRetried: false)
            slots[index] = .leasing(attempt)
            actions.append(leaseAction(index, attempt, now: now))
        }
        if outstanding == 0 {
            finish(now: now, abandoning: .cancelled(), into: &actions)
        } else {
            schedule(deadline, into: &actions)
        }
        return actions
    }

    /// The transport leased a connection for `token`.
    public mutating func leaseSucceeded(_ token: ExchangeToken, lease: Lease, info: LeaseInfo, now: Instant) -> [Action] {
        var actions: [Action] = []
        actions.reserveCapacity(2)  // this path runs once per specialist per round: one allocation, no growth
        leaseSucceeded(token, lease: lease, info: info, now: now, into: &actions)
        return actions
    }

    /// The transport leased several connections at once: the same as reporting each with
    /// ``leaseSucceeded(_:lease:info:now:)``, in one list of actions.
    public mutating func leasesSucceeded(
        _ grants: some Collection<(token: ExchangeToken, lease: Lease, info: LeaseInfo)>, now: Instant
    ) -> [Action] {
        var actions: [Action] = []
        actions.reserveCapacity(grants.count + 1)  // an exchange each, and at most one timer: they share `now`
        for grant in grants {
            leaseSucceeded(grant.token, lease: grant.lease, info: grant.info, now: now, into: &actions)
        }
        return actions
    }

    private mutating func leaseSucceeded(
        _ token: ExchangeToken, lease: Lease, info: LeaseInfo, now: Instant, into actions: inout [Action]
    ) {
        guard case .running = phase, case .leasing(let attempt) = slot(token), attempt.token == token,
            let roundDeadline
        else {
            actions.append(.release(lease, reusable: true))  // its specialist is done: nothing was written on it
            return
        }
        let own = now.advanced(by: options.timeout(for: token.index))
        let exchange = Exchange(
            lease: lease, info: info, sentAt: now, deadline: min(own, roundDeadline), ownDeadline: own <= roundDeadline,
            heard: false)
        slots[token.index] = .exchanging(attempt, exchange)
        actions.append(.exchange(index: token.index, token: token, lease: lease))
        schedule(exchange.deadline, into: &actions)
    }

    /// The transport could not lease a connection for `token` (connect failure, pool deadline, shutdown).
    public mutating func leaseFailed(_ token: ExchangeToken, error: ExchangeError, now: Instant) -> [Action] {
        guard case .running = phase, case .leasing(let attempt) = slot(token), attempt.token == token else {
            return []
        }
        var actions: [Action] = []
        if error.kind.isRetryableConnectFailure, attempt.connects <= options.retries, let roundDeadline,
            now < roundDeadline
        {
            let retry = Attempt(
                token: self.token(token.index, token.attempt + 1), connects: attempt.connects + 1,
                staleRetried: attempt.staleRetried)
            slots[token.index] = .leasing(retry)
            actions.append(leaseAction(token.index, retry, now: now))
            return actions
        }
        deliver(failure(token.index, error, attempts: attempt.connects, now: now), now: now, into: &actions)
        return actions
    }

    /// A chunk of a streamed answer arrived for `token`.
    public mutating func chunkReceived(_ token: ExchangeToken, chunk: StreamChunk, now: Instant) -> [Action] {
        guard case .running = phase, case .exchanging(let attempt, var exchange) = slot(token), attempt.token == token
        else { return [] }
        if !exchange.heard, let roundDeadline {
            // The answer has started: it may now run until the round's deadline.
            exchange.heard = true
            exchange.deadline = roundDeadline
            exchange.ownDeadline = false
            slots[token.index] = .exchanging(attempt, exchange)
        }
        return [.emit(.chunk(specialistID: specialists[token.index], chunk))]
    }

    /// The exchange `token` ended.
    public mutating func exchangeCompleted(_ token: ExchangeToken, result: ExchangeResult, now: Instant) -> [Action] {
        var actions: [Action] = []
        exchangeCompleted(token, result: result, now: now, into: &actions)
        return actions
    }

    /// ``exchangeCompleted(_:result:now:)``, its actions appended to `actions`: the I/O shell hands in a buffer it
    /// keeps, so that the transition every specialist makes every round allocates nothing.
    public mutating func exchangeCompleted(
        _ token: ExchangeToken, result: ExchangeResult, now: Instant, into actions: inout [Action]
    ) {
        guard case .running = phase, case .exchanging(let attempt, let exchange) = slot(token), attempt.token == token
        else {
            guard let lease = abandoned.removeValue(forKey: token) else { return }
            actions.append(.release(lease, reusable: result.reusable))
            return
        }
        actions.reserveCapacity(actions.count + 4)  // release, outcome, and for the last one summary and finish
        actions.append(.release(exchange.lease, reusable: result.reusable))
        if case .failure = result.outcome, result.nothingReceived, exchange.info.reused, !attempt.staleRetried {
            // The pooled connection had been closed by its peer while idle: the request reached nobody. Once, at
            // once, on a new connection.
            let retry = Attempt(
                token: self.token(token.index, token.attempt + 1), connects: attempt.connects, staleRetried: true)
            slots[token.index] = .leasing(retry)
            actions.append(leaseAction(token.index, retry, now: now))
            return
        }
        let outcome = SpecialistOutcome(
            index: token.index,
            specialistID: specialists[token.index],
            result: result.outcome,
            elapsed: elapsed(now),
            connect: exchange.info.connectDuration,
            firstByte: result.firstByte,
            reused: exchange.info.reused,
            attempts: attempt.connects
        )
        deliver(outcome, now: now, into: &actions)
    }

    /// The timer scheduled with ``Action/scheduleTimer(_:)`` fired.
    public mutating func timerFired(now: Instant) -> [Action] {
        guard case .running = phase, let roundDeadline else { return [] }
        timerAt = nil
        var actions: [Action] = []
        if now >= roundDeadline {
            let error = ExchangeError(.timeout, "timeout: round deadline of \(budget) reached")
            finish(now: now, abandoning: error, into: &actions)
            return actions
        }
        for index in slots.indices {
            guard case .exchanging(let attempt, let exchange) = slots[index], exchange.deadline <= now else { continue }
            abandon(attempt.token, exchange, into: &actions)
            let error =
                exchange.ownDeadline
                ? ExchangeError.timeout(after: options.timeout(for: index))
                : ExchangeError(.timeout, "timeout: round deadline of \(budget) reached")
            deliver(failure(index, error, attempts: attempt.connects, now: now), now: now, into: &actions)
            if case .finished = phase { return actions }
        }
        schedule(nextWakeUp(after: now, roundDeadline: roundDeadline), into: &actions)
        return actions
    }

    /// The consumer went away or the user pressed Ctrl-C: abandon everything still running.
    public mutating func cancel(now: Instant) -> [Action] {
        guard case .running = phase else { return [] }
        var actions: [Action] = []
        finish(now: now, abandoning: .cancelled(), into: &actions)
        return actions
    }

    // MARK: Helpers

    private var budget: String { options.effectiveDeadline.secondsText }

    private func token(_ index: Int, _ attempt: Int) -> ExchangeToken {
        ExchangeToken(round: round, index: index, attempt: attempt)
    }

    private func slot(_ token: ExchangeToken) -> Slot? {
        guard token.round == round, slots.indices.contains(token.index) else { return nil }
        return slots[token.index]
    }

    private func elapsed(_ now: Instant) -> Duration {
        startedAt.map { $0.duration(to: now) } ?? .zero
    }

    private func leaseAction(_ index: Int, _ attempt: Attempt, now: Instant) -> Action {
        let deadline = roundDeadline ?? now
        return .lease(
            index: index, token: attempt.token, connectTimeout: min(options.connectTimeout, now.duration(to: deadline)),
            deadline: deadline)
    }

    private func failure(_ index: Int, _ error: ExchangeError, attempts: Int, now: Instant) -> SpecialistOutcome {
        SpecialistOutcome(
            index: index, specialistID: specialists[index], result: .failure(error), elapsed: elapsed(now),
            attempts: attempts)
    }

    /// Emits an outcome, and ends the round when it was the last one or met the quorum.
    private mutating func deliver(_ outcome: SpecialistOutcome, now: Instant, into actions: inout [Action]) {
        slots[outcome.index] = .done
        outstanding -= 1
        summary.add(outcome)
        actions.append(.emit(.outcome(outcome)))
        guard case .running = phase else { return }
        if outstanding == 0 {
            finish(now: now, abandoning: .cancelled(), into: &actions)
        } else if options.finishAtQuorum, outcome.isSuccess, summary.replied >= quorum {
            finish(now: now, abandoning: .notNeeded, into: &actions)
        }
    }

    private mutating func abandon(_ token: ExchangeToken, _ exchange: Exchange, into actions: inout [Action]) {
        abandoned[token] = exchange.lease
        actions.append(.cancelExchange(token: token, lease: exchange.lease))
    }

    /// Reports every specialist still pending with `error`, abandons what it is doing, and emits the summary.
    private mutating func finish(now: Instant, abandoning error: ExchangeError, into actions: inout [Action]) {
        phase = .finished
        for index in slots.indices {
            let attempts: Int
            switch slots[index] {
            case .done:
                continue
            case .waiting:
                attempts = 0
            case .leasing(let attempt):
                actions.append(.cancelLease(index: index, token: attempt.token))
                attempts = attempt.connects
            case .exchanging(let attempt, let exchange):
                abandon(attempt.token, exchange, into: &actions)
                attempts = attempt.connects
            }
            slots[index] = .done
            outstanding -= 1
            let outcome = SpecialistOutcome(
                index: index, specialistID: specialists[index], result: .failure(error),
                elapsed: elapsed(now), attempts: attempts)
            summary.add(outcome)
            actions.append(.emit(.outcome(outcome)))
        }
        summary.elapsed = elapsed(now)
        timerAt = nil
        actions.append(.emit(.finished(summary)))
        actions.append(.finish)
    }

    /// When the timer must fire next: at the earliest deadline still ahead, moved to the latest deadline within
    /// ``timerSlack`` of it, so that one wake-up serves a bunch of specialists that were asked together.
    private func nextWakeUp(after now: Instant, roundDeadline: Instant) -> Instant {
        var earliest = roundDeadline
        for case .exchanging(_, let exchange) in slots where exchange.deadline < earliest {
            earliest = exchange.deadline
        }
        let limit = earliest.advanced(by: Self.timerSlack)
        var wakeUp = earliest
        if roundDeadline <= limit { wakeUp = roundDeadline }
        for case .exchanging(_, let exchange) in slots where exchange.deadline > wakeUp && exchange.deadline <= limit {
            wakeUp = exchange.deadline
        }
        return wakeUp
    }

    /// Makes sure the timer fires by `deadline`; a timer already due no later than ``timerSlack`` after it serves.
    private mutating func schedule(_ deadline: Instant, into actions: inout [Action]) {
        if let timerAt, timerAt <= deadline.advanced(by: Self.timerSlack) { return }
        timerAt = deadline
        actions.append(.scheduleTimer(deadline))
    }
}

extension RoundStateMachine.Action: Equatable where Lease: Equatable {}
