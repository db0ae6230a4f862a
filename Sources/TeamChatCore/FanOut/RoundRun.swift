import NIOConcurrencyHelpers
import NIOCore

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
    }

    private let client: TeamClient
    private let specialists: [Specialist]
    private let request: ByteBuffer
    private let expectation: ReplyExpectation
    private let options: RoundOptions
    private let continuation: AsyncStream<RoundEvent>.Continuation
    private let startedAt: NIODeadline
    private let deadline: NIODeadline
    private let state: NIOLockedValueBox<State>

    init(
        client: TeamClient,
        specialists: [Specialist],
        request: ByteBuffer,
        expectation: ReplyExpectation,
        options: RoundOptions,
        continuation: AsyncStream<RoundEvent>.Continuation
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
        self.state = NIOLockedValueBox(
            State(
                machine: RoundStateMachine(
                    addressed: specialists.count,
                    quorum: quorum,
                    finishAtQuorum: options.finishAtQuorum
                ),
                summary: RoundSummary(addressed: specialists.count, quorum: quorum)
            )
        )
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
        var byLoop: [ObjectIdentifier: (pool: EndpointPool, indices: [Int])] = [:]
        for index in specialists.indices {
            if let error = skip[index] {
                record(
                    SpecialistOutcome(
                        index: index, specialist: specialists[index], result: .failure(error), elapsed: .zero))
                continue
            }
            let pool = client.pool(for: specialists[index].endpoint)
            byLoop[ObjectIdentifier(pool.eventLoop), default: (pool, [])].indices.append(index)
        }
        // One task per event loop starts all of its exchanges: one thread hop per loop instead of one per specialist.
        for (pool, indices) in byLoop.values {
            pool.eventLoop.execute {
                for index in indices { self.attempt(index, number: 1) }
            }
        }
    }

    /// Abandons everything still pending (the consumer stopped listening, or Ctrl-C).
    func cancel() {
        stop(ExchangeError(.cancelled, "cancelled"))
    }

    private var roundBudget: String { options.effectiveDeadline.secondsText }

    // MARK: One specialist

    /// - Parameter staleRetried: whether this specialist's exchange already failed once on a pooled connection that
    ///   its peer had closed while idle. Such a failure is retried once on a new connection: the request reached a
    ///   socket nobody reads (the specialist restarted or dropped the idle connection), so no answer is lost or
    ///   duplicated. A second such failure is reported.
    private func attempt(_ index: Int, number: Int, staleRetried: Bool = false) {
        let specialist = specialists[index]
        let pool = client.pool(for: specialist.endpoint)
        let eventLoop = pool.eventLoop
        let remaining = Duration(deadline - .now())
        let (requestID, leased) = pool.lease(
            deadline: deadline,
            connectTimeout: min(options.connectTimeout, remaining),
            timeoutError: ExchangeError(.timeout, "timeout: round deadline of \(roundBudget) reached before a connection was free")
        )
        guard track(index, .leasing(pool, requestID: requestID)) else {
            pool.cancelLease(requestID)
            return
        }
        leased.flatMap { lease -> EventLoopFuture<(Lease, ExchangeReply)> in
            guard self.track(index, .exchanging(lease.connection)) else {
                pool.release(lease.connection, reusable: true)  // nothing was written on it
                return eventLoop.makeFailedFuture(ExchangeError(.cancelled, "cancelled"))
            }
            let (replyDeadline, timeoutError) = self.replyDeadline()
            return lease.connection.exchange(
                request: self.request,
                expectation: self.expectation,
                deadline: replyDeadline,
                timeoutError: timeoutError,
                onChunk: { chunk in self.chunk(index, chunk) }
            ).always { result in
                let reusable = (try? result.get())?.connectionReusable ?? false
                pool.release(lease.connection, reusable: reusable)
            }.flatMapErrorThrowing { error in
                if lease.reused, !staleRetried, let error = error as? ExchangeError, error.beforeAnyReply {
                    throw StaleConnection()
                }
                throw error
            }.map { (lease, $0) }
        }.whenComplete { result in
            switch result {
            case .success(let (lease, reply)):
                let exchangeResult: Result<WireReply, ExchangeError> =
                    if case .error(let message) = reply.reply {
                        .failure(ExchangeError(.specialistError, message))
                    } else {
                        .success(reply.reply)
                    }
                self.record(
                    SpecialistOutcome(
                        index: index,
                        specialist: specialist,
                        result: exchangeResult,
                        elapsed: Duration(reply.completedAt - self.startedAt),
                        connect: lease.reused ? nil : lease.connection.connectDuration,
                        firstByte: Duration(reply.firstByteAt - reply.sentAt),
                        reused: lease.reused,
                        attempts: number
                    )
                )
            case .failure(is StaleConnection):
                self.attempt(index, number: number, staleRetried: true)
            case .failure(let error):
                let error = error as? ExchangeError ?? ExchangeError(channelError: error)
                if error.kind.isConnectFailure, number <= self.options.retries, NIODeadline.now() < self.deadline {
                    self.attempt(index, number: number + 1, staleRetried: staleRetried)
                    return
                }
                self.record(
                    SpecialistOutcome(
                        index: index,
                        specialist: specialist,
                        result: .failure(error),
                        elapsed: Duration(.now() - self.startedAt),
                        attempts: number
                    )
                )
            }
        }
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
        state.withLockedValue { state in
            guard state.machine.isPending(index) else { return }
            continuation.yield(.chunk(index: index, specialist: specialists[index], chunk: chunk))
        }
    }

    private func record(_ outcome: SpecialistOutcome) {
        let abandoned: [Int]? = state.withLockedValue { state in
            switch state.machine.record(outcome.index, success: outcome.isSuccess) {
            case .ignore:
                return nil
            case .deliver:
                state.inFlight[outcome.index] = nil
                state.summary.add(outcome)
                continuation.yield(.outcome(outcome))
                return nil
            case .deliverAndFinish(let abandon):
                state.inFlight[outcome.index] = nil
                state.summary.add(outcome)
                continuation.yield(.outcome(outcome))
                return abandon
            }
        }
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
                continuation.yield(.outcome(outcome))
            }
            state.summary.elapsed = Duration(now - startedAt)
            continuation.yield(.finished(state.summary))
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

/// A pooled connection turned out to be closed by its peer before our request was answered.
private struct StaleConnection: Error {}
