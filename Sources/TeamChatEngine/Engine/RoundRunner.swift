import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatModel

/// The I/O shell of one round: holds a ``RoundStateMachine`` in a lock, feeds it what transports report and what
/// the timer says, and performs the actions it returns. It decides nothing itself.
///
/// Events for the consumer are queued in the same critical section as the transition that produced them, so they
/// reach the stream in the machine's order, and handed over in batches, one per event-loop tick: a round of 18
/// answers that land together wakes the consuming task once or twice instead of 18 times. A consumer that wants the
/// round only when it is over gets one batch, with the summary (``RoundOutput/asTheyCome``).
final class RoundRunner: ExchangeObserver, Sendable {
    typealias Machine = RoundStateMachine<UptimeClock.Instant, any ExchangeLease>

    private struct State {
        var machine: Machine
        var timer: NIOScheduledCallback?
        /// Events not yet handed to the consumer.
        var pending: [RoundEvent] = []
        var flushScheduled = false
        /// Handlers that left the lock with actions still to perform.
        var performing = 0
        /// The round's last events (its summary last), held until no handler is still performing actions.
        var last: [RoundEvent]?
        /// An empty buffer with room, left by the last handler for the next: a completion, which every specialist
        /// makes every round, then allocates nothing for its actions.
        var spareActions: [Machine.Action] = []
    }

    private let specialists: [Specialist]
    private let transports: [(any SpecialistTransport)?]
    private let request: ExchangeRequest
    private let admissions: [Admission]
    private let health: HealthBook?
    private let movesBreaker: Bool
    /// Failures of these kinds are the requester's own doing (``RoundOptions/requestersLimits``): not recorded.
    private let unrecorded: Set<ExchangeError.Kind>
    private let output: RoundOutput
    /// Where the round starts and "now" comes from; the timer runs on whichever loop arms it (so that arming it never
    /// wakes another thread), on this one when it is armed off any loop. The timer is armed whatever the transports
    /// do: the round ends by its deadline even when no transport ever reports (a stalled bus, a stopped server).
    private let eventLoop: any EventLoop
    private let state: NIOLockedValueBox<State>

    /// - Parameters:
    ///   - transports: by position, the transport that reaches each specialist (`nil`: none configured).
    ///   - admissions: by position, what each specialist's breaker decided.
    ///   - health: where outcomes are recorded, if anywhere.
    ///   - movesBreaker: whether outcomes move breakers (chat rounds) or only count (probes).
    init(
        specialists: [Specialist],
        transports: [(any SpecialistTransport)?],
        request: TeamRequest,
        options: RoundOptions,
        admissions: [Admission],
        health: HealthBook?,
        movesBreaker: Bool,
        eventLoop: any EventLoop,
        output: RoundOutput
    ) {
        self.specialists = specialists
        self.transports = transports
        self.request = ExchangeRequest(request, limits: ExchangeLimits(maximumReplyBytes: options.maximumReplyBytes, timeout: options.timeout))
        self.admissions = admissions
        self.health = health
        self.movesBreaker = movesBreaker
        self.unrecorded = options.requestersLimits
        self.eventLoop = eventLoop
        self.output = output
        let machine = Machine(
            specialists: specialists.map(\.id), options: options, round: ExchangeToken.nextRound(),
            streaming: request.isStreaming)
        var state = State(machine: machine)
        // An outcome per specialist and the summary: one allocation instead of one per doubling, every round.
        state.pending.reserveCapacity(specialists.count + 1)
        self.state = NIOLockedValueBox(state)
    }

    // MARK: Driving the machine

    func start() {
        handle { machine, now, actions in actions = machine.start(now: now, admissions: self.admissions) }
    }

    /// Abandons everything still pending (the consumer stopped listening, or Ctrl-C).
    func cancel() {
        handle { machine, now, actions in actions = machine.cancel(now: now) }
    }

    /// ``cancel()`` from a stream's termination handler or a task's cancellation handler: on the round's event loop,
    /// a moment later, never in the handler itself. When the consuming task is cancelled, Swift runs that handler
    /// holding the task's status lock, while a flush holds this round's lock and resumes that same task (which takes
    /// the status lock): cancelling in the handler would take the two locks in the other order, and the two threads
    /// would wait for each other for good (it hung a Ctrl-C'd `send` in the suite). Cancelling a round that has ended
    /// does nothing.
    func cancelFromTermination() {
        eventLoop.execute { self.cancel() }
    }

    func leaseSucceeded(_ token: ExchangeToken, lease: any ExchangeLease) {
        let info = lease.info
        handle { machine, now, actions in actions = machine.leaseSucceeded(token, lease: lease, info: info, now: now) }
    }

    /// One transition, one lock and one pass of actions for a loop's worth of warm leases.
    func leasesSucceeded(_ grants: [LeaseGrant]) {
        let reported = grants.map { (token: $0.token, lease: $0.lease, info: $0.lease.info) }
        handle { machine, now, actions in actions = machine.leasesSucceeded(reported, now: now) }
    }

    func leaseFailed(_ token: ExchangeToken, error: ExchangeError) {
        handle { machine, now, actions in actions = machine.leaseFailed(token, error: error, now: now) }
    }

    func exchangeReceived(_ token: ExchangeToken, chunk: StreamChunk) {
        handle { machine, now, actions in actions = machine.chunkReceived(token, chunk: chunk, now: now) }
    }

    func exchangeCompleted(_ token: ExchangeToken, result: ExchangeResult) {
        if let retryAfter = result.retryAfter, specialists.indices.contains(token.index) {
            health?.hold(specialists[token.index].id, for: retryAfter)
        }
        handle { machine, now, actions in machine.exchangeCompleted(token, result: result, now: now, into: &actions) }
    }

    private func timerFired() {
        handle { machine, now, actions in actions = machine.timerFired(now: now) }
    }

    /// Feeds one event to the machine; queues its events and arms its timer under the lock (so that both keep the
    /// machine's order), then performs the rest outside it. `event` appends its actions to the buffer it is given
    /// (or replaces it).
    private func handle(_ event: (inout Machine, UptimeClock.Instant, inout [Machine.Action]) -> Void) {
        let now = UptimeClock.Instant(eventLoop.now)
        let timerLoop = eventLoop.inEventLoop ? eventLoop : MultiThreadedEventLoopGroup.currentEventLoop ?? eventLoop
        var (actions, flush) = state.withLockedValue { state -> ([Machine.Action], Bool) in
            // The buffer the last handler left, taken out of the state so that it is this handler's alone (one that
            // runs meanwhile, nested in `perform` or on another thread, finds none and makes its own).
            var actions = state.spareActions
            state.spareActions = []
            event(&state.machine, now, &actions)
            var finished = false
            // By position, so that each action is looked at where it lies rather than copied out (they are large).
            for position in actions.indices {
                switch actions[position] {
                case .emit(let event):
                    // Recorded before anyone can see it: a consumer that reads the summary and persists health
                    // finds every outcome of the round already counted.
                    if let health, case .outcome(let outcome) = event { record(outcome, in: health) }
                    state.pending.append(event)
                case .scheduleTimer(let at):
                    // Cancelling a callback never wakes its loop; arming one on the current loop never does either
                    // (off any loop, arming it wakes the round's loop once).
                    state.timer?.cancel()
                    state.timer = try? timerLoop.scheduleCallback(at: at.deadline, handler: self)
                case .finish:
                    finished = true
                default:
                    break  // performed outside the lock
                }
            }
            state.performing += 1
            if finished {
                state.timer?.cancel()
                state.timer = nil
                // Taken out of `pending` under the lock, so a flush still scheduled finds nothing to overtake it.
                state.last = state.pending
                state.pending.removeAll()
                return (actions, false)
            }
            guard output.asTheyCome, !state.pending.isEmpty, !state.flushScheduled else { return (actions, false) }
            state.flushScheduled = true
            return (actions, true)
        }
        perform(actions)
        // The summary goes out only once every handler has performed its actions (releases above all): a consumer
        // that starts its next round the moment it reads the summary must find this round's connections back in
        // their pools, not open new ones beside them.
        actions.removeAll(keepingCapacity: true)
        let last = state.withLockedValue { state -> [RoundEvent]? in
            if state.spareActions.capacity < actions.capacity { swap(&state.spareActions, &actions) }
            state.performing -= 1
            guard state.performing == 0, let last = state.last else { return nil }
            state.last = nil
            return last
        }
        if let last {
            output.deliver(last)
            // Finishing may run a stream's termination handler, which cancels the (finished) round: not under the lock.
            output.finish()
        }
        if flush { scheduleFlush() }
    }

    private func record(_ outcome: SpecialistOutcome, in health: HealthBook) {
        if let kind = outcome.error?.kind, unrecorded.contains(kind) { return }
        let trial = admissions.indices.contains(outcome.index) && admissions[outcome.index] == .trial
        health.record(outcome, trial: trial, movesBreaker: movesBreaker)
    }

    private func perform(_ actions: [Machine.Action]) {
        var leases: [(transport: any SpecialistTransport, requests: [LeaseRequest])] = []
        for position in actions.indices {
            switch actions[position] {
            case .lease(let index, let token, let connectTimeout, let deadline):
                guard let transport = transports[index] else {
                    let kind = specialists[index].address.transport
                    leaseFailed(token, error: ExchangeError(.localResource, "no \(kind) transport in this session"))
                    continue
                }
                let request = LeaseRequest(
                    token: token, specialist: specialists[index], connectTimeout: connectTimeout,
                    deadline: deadline.deadline)
                // Batched per transport, so that a transport can start a loop's worth of exchanges in one hop.
                if let group = leases.firstIndex(where: { $0.transport.kind == transport.kind }) {
                    leases[group].requests.append(request)
                } else {
                    var requests: [LeaseRequest] = []
                    requests.reserveCapacity(actions.count - position)  // at most one per action left
                    requests.append(request)
                    leases.append((transport, requests))
                }
            case .exchange(let index, let token, let lease):
                lease.start(request, for: specialists[index], token: token, observer: self)
            case .release(let lease, let reusable):
                lease.release(reusable: reusable)
            case .cancelLease(let index, let token):
                transports[index]?.cancelLease(token, for: specialists[index])
            case .cancelExchange(let token, let lease):
                lease.cancel(token)
            case .emit, .scheduleTimer, .finish:
                break  // done under the lock, in `handle`
            }
        }
        for (transport, requests) in leases {
            transport.lease(requests, observer: self)
        }
    }

    /// Hands the queued events to the consumer at the end of the current event-loop tick (at once off a loop).
    private func scheduleFlush() {
        if let loop = MultiThreadedEventLoopGroup.currentEventLoop {
            loop.execute { self.flush() }
        } else {
            flush()
        }
    }

    private func flush() {
        state.withLockedValue { state in
            state.flushScheduled = false
            guard !state.pending.isEmpty else { return }
            output.deliver(state.pending)  // under the lock, so batches keep their order
            state.pending.removeAll(keepingCapacity: true)
        }
    }
}

extension RoundRunner: NIOScheduledCallbackHandler {
    /// The timer fired. A callback that was replaced just as it fired only makes the machine look at the time once
    /// more, which is harmless.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        timerFired()
    }
}
