import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The I/O shell of one round: starts every exchange at once, feeds outcomes to ``RoundStateMachine`` under a
/// lock, yields events in the order the machine accepts them, and abandons what is still running when the round
/// ends (deadline, quorum, cancellation).
final class RoundRun: Sendable {
    /// What a pending specialist is doing, so that it can be abandoned.
    private enum InFlight {
        case leasing(EndpointPool, requestID: Int)
        case exchanging(PooledConnection)
    }

    private struct State {
        var machine: RoundStateMachine
        var summary: RoundSummary
        var inFlight: [Int: InFlight] = [:]
        var deadlineTimer: Scheduled<Void>?
        /// Events not yet handed to the consumer; flushed at the end of the current event-loop tick.
        var pending: [RoundEvent] = []
        var flushScheduled = false

        /// Queues an event; returns true when a flush must be scheduled.
        mutating func emit(_ event: RoundEvent) -> Bool {
            pending.append(event)
            defer { flushScheduled = true }
            return !flushScheduled
        }
    }

    private let client: TeamClient
    private let specialists: [Specialist]
    private let request: ByteBuffer
    private let expectation: ReplyExpectation
    private let options: RoundOptions
    private let continuation: AsyncStream<[RoundEvent]>.Continuation
    private let startedAt: NIODeadline
    private let deadline: NIODeadline
    private let state: NIOLockedValueBox<State>

    init(
        client: TeamClient,
        specialists: [Specialist],
        request: ByteBuffer,
        expectation: ReplyExpectation,
        options: RoundOptions,
        continuation: AsyncStream<[RoundEvent]>.Continuation
    ) {
        self.client = client
        self.specialists = specialists
        self.request = request
        self.expectation = expectation
        self.options = options
        self.continuation = continuation
        self.startedAt = .now()
        self.deadline = startedAt + TimeAmount(options.effectiveDeadline)
        let quorum = min(options.quorum ?? specialists.count, specialists.count)
        var state = State(
            machine: RoundStateMachine(
                addressed: specialists.count,
                quorum: quorum,
                finishAtQuorum: options.finishAtQuorum
            ),
            summary: RoundSummary(addressed: specialists.count, quorum: quorum)
        )
        state.inFlight.reserveCapacity(specialists.count)
        self.state = NIOLockedValueBox(state)
    }

    func start(skip: [Int: ExchangeError]) {
        if specialists.isEmpty {
            finish(abandon: [])
            return
        }
        let timer = client.group.next().scheduleTask(deadline: deadline) {
            self.stop(ExchangeError(.timeout, "timeout: round deadline of \(self.roundBudget) reached"))
        }
        state.withLockedValue { $0.deadlineTimer = timer }
        var byLoop: [ObjectIdentifier: (eventLoop: any EventLoop, work: [(index: Int, pool: EndpointPool)])] = [:]
        for index in specialists.indices {
            if let error = skip[index] {
                record(
                    SpecialistOutcome(
                        index: index, specialist: specialists[index], result: .failure(error), elapsed: .zero))
                continue
            }
            let pool = client.pool(for: specialists[index].endpoint)
            byLoop[ObjectIdentifier(pool.eventLoop), default: (pool.eventLoop, [])].work.append((index, pool))
        }
        // One task per event loop starts all of its exchanges: one thread hop per loop instead of one per specialist.
        for (eventLoop, work) in byLoop.values {
            eventLoop.execute {
                for (index, pool) in work { self.attempt(index, on: pool, number: 1) }
            }
        }
    }

    /// Abandons everything still pending (the consumer stopped listening, or Ctrl-C).
    func cancel() {
        stop(ExchangeError(.cancelled, "cancelled"))
    }

    private var roundBudget: String { options.effectiveDeadline.secondsText }

    // MARK: One specialist

    /// Leases a connection for specialist `index` and runs its exchange.
    ///
    /// - Parameter staleRetried: whether this specialist's exchange already failed once on a pooled connection that
    ///   its peer had closed while idle. Such a failure is retried once on a new connection: the request reached a
    ///   socket nobody reads (the specialist restarted or dropped the idle connection), so no answer is lost or
    ///   duplicated. A second such failure is reported.
    private func attempt(_ index: Int, on pool: EndpointPool, number: Int, staleRetried: Bool = false) {
        let remaining = Duration(deadline - .now())
        let (requestID, leased) = pool.lease(
            deadline: deadline,
            connectTimeout: min(options.connectTimeout, remaining),
            timeoutError: ExchangeError(
                .timeout, "timeout: round deadline of \(roundBudget) reached before a connection was free")
        )
        guard track(index, .leasing(pool, requestID: requestID)) else {
            pool.cancelLease(requestID)
            return
        }
        // Plain callbacks rather than a chain of future combinators: this runs once per specialist per round, and
        // every combinator allocates.
        leased.whenComplete { result in
            switch result {
            case .success(let lease):
                self.exchange(index, on: lease, pool: pool, number: number, staleRetried: staleRetried)
            case .failure(let error):
                self.failed(index, error, on: pool, number: number, staleRetried: staleRetried)
            }
        }
    }

    private func exchange(_ index: Int, on lease: Lease, pool: EndpointPool, number: Int, staleRetried: Bool) {
        guard track(index, .exchanging(lease.connection)) else {
            pool.release(lease.connection, reusable: true)  // nothing was written on it
            return
        }
        let (replyDeadline, timeoutError) = replyDeadline()
        lease.connection.exchange(
            request: request,
            expectation: expectation,
            deadline: replyDeadline,
            timeoutError: timeoutError,
            onChunk: { chunk in self.chunk(index, chunk) }
        ).whenComplete { result in
            switch result {
            case .success(let reply):
                pool.release(lease.connection, reusable: reply.connectionReusable)
                self.record(self.outcome(index, reply: reply, lease: lease, number: number))
            case .failure(let error):
                pool.release(lease.connection, reusable: false)
                if lease.reused, !staleRetried, (error as? ExchangeError)?.beforeAnyReply == true {
                    self.attempt(index, on: pool, number: number, staleRetried: true)
                } else {
                    self.failed(index, error, on: pool, number: number, staleRetried: staleRetried)
                }
            }
        }
    }

    private func outcome(_ index: Int, reply: ExchangeReply, lease: Lease, number: Int) -> SpecialistOutcome {
        let result: Result<WireReply, ExchangeError> =
            if case .error(let message) = reply.reply {
                .failure(ExchangeError(.specialistError, message))
            } else {
                .success(reply.reply)
            }
        return SpecialistOutcome(
            index: index,
            specialist: specialists[index],
            result: result,
            elapsed: Duration(reply.completedAt - startedAt),
            connect: lease.reused ? nil : lease.connection.connectDuration,
            firstByte: Duration(reply.firstByteAt - reply.sentAt),
            reused: lease.reused,
            attempts: number
        )
    }

    /// A lease or an exchange failed: retry a connect failure when retries are left, else report.
    private func failed(_ index: Int, _ error: any Error, on pool: EndpointPool, number: Int, staleRetried: Bool) {
        let error = error as? ExchangeError ?? ExchangeError(channelError: error)
        if error.kind.isConnectFailure, number <= options.retries, NIODeadline.now() < deadline {
            attempt(index, on: pool, number: number + 1, staleRetried: staleRetried)
            return
        }
        record(
            SpecialistOutcome(
                index: index,
                specialist: specialists[index],
                result: .failure(error),
                elapsed: Duration(.now() - startedAt),
                attempts: number
            )
        )
    }

    /// Each reply has its own deadline from its own send, bounded by the round's.
    private func replyDeadline() -> (NIODeadline, ExchangeError) {
        let own = NIODeadline.now() + TimeAmount(options.timeout)
        if own <= deadline {
            return (own, .timeout(after: options.timeout))
        }
        return (deadline, ExchangeError(.timeout, "timeout: round deadline of \(roundBudget) reached"))
    }

    /// Remembers what a pending specialist is doing; false when the round no longer waits for it.
    private func track(_ index: Int, _ inFlight: InFlight) -> Bool {
        state.withLockedValue { state in
            guard state.machine.isPending(index) else { return false }
            state.inFlight[index] = inFlight
            return true
        }
    }

    // MARK: Events

    private func chunk(_ index: Int, _ chunk: StreamChunk) {
        let schedule = state.withLockedValue { state in
            guard state.machine.isPending(index) else { return false }
            return state.emit(.chunk(index: index, specialist: specialists[index], chunk: chunk))
        }
        if schedule { scheduleFlush() }
    }

    /// Hands the queued events to the consumer at the end of the current event-loop tick (at once off a loop).
    private func scheduleFlush() {
        if let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop {
            eventLoop.execute { self.flush() }
        } else {
            flush()
        }
    }

    private func flush() {
        state.withLockedValue { state in
            state.flushScheduled = false
            guard !state.pending.isEmpty else { return }
            continuation.yield(state.pending)  // under the lock, so batches keep their order
            state.pending.removeAll(keepingCapacity: true)
        }
    }

    private func record(_ outcome: SpecialistOutcome) {
        let (abandoned, schedule): ([Int]?, Bool) = state.withLockedValue { state in
            switch state.machine.record(outcome.index, success: outcome.isSuccess) {
            case .ignore:
                return (nil, false)
            case .deliver:
                state.inFlight[outcome.index] = nil
                state.summary.add(outcome)
                return (nil, state.emit(.outcome(outcome)))
            case .deliverAndFinish(let abandon):
                state.inFlight[outcome.index] = nil
                state.summary.add(outcome)
                state.pending.append(.outcome(outcome))  // `finish` hands everything over at once
                return (abandon, false)
            }
        }
        if schedule { scheduleFlush() }
        if let abandoned {
            finish(abandon: abandoned, error: ExchangeError(.cancelled, "cancelled: quorum reached"))
        }
    }

    private func stop(_ error: ExchangeError) {
        let abandoned = state.withLockedValue { state -> [Int]? in
            state.machine.isFinished ? nil : state.machine.stop()
        }
        if let abandoned {
            finish(abandon: abandoned, error: error)
        }
    }

    /// Reports the abandoned specialists with `error`, yields the summary, ends the stream, then cancels their
    /// exchanges. Called once, by whoever moved the machine to its end.
    private func finish(abandon: [Int], error: ExchangeError = ExchangeError(.cancelled, "cancelled")) {
        let (inFlight, timer) = state.withLockedValue { state -> ([InFlight], Scheduled<Void>?) in
            let now = NIODeadline.now()
            var inFlight: [InFlight] = []
            for index in abandon {
                if let running = state.inFlight.removeValue(forKey: index) { inFlight.append(running) }
                let outcome = SpecialistOutcome(
                    index: index,
                    specialist: specialists[index],
                    result: .failure(error),
                    elapsed: Duration(now - startedAt)
                )
                state.summary.add(outcome)
                state.pending.append(.outcome(outcome))
            }
            state.summary.elapsed = Duration(now - startedAt)
            state.pending.append(.finished(state.summary))
            continuation.yield(state.pending)
            state.pending.removeAll()
            defer { state.deadlineTimer = nil }
            return (inFlight, state.deadlineTimer)
        }
        timer?.cancel()
        continuation.finish()
        for running in inFlight {
            switch running {
            case .leasing(let pool, let requestID): pool.cancelLease(requestID)
            case .exchanging(let connection): connection.cancel()
            }
        }
    }
}
