import Logging
import NIOConcurrencyHelpers
import NIOCore
import TeamChatModel

/// The I/O shell around ``ConnectionPoolStateMachine`` for one endpoint: holds the machine in a lock, feeds it
/// events (leases, releases, connects, closes, timer firings) and performs the actions it returns outside the lock.
///
/// Every connection, lease timer and sweep of the pool lives on ``eventLoop``, so that an exchange started there runs
/// from lease to reply without a thread hop. Lease requests and cancels may come from any thread: the lock is what
/// keeps the machine consistent, not the loop.
public final class ConnectionPool: Sendable {
    typealias Machine = ConnectionPoolStateMachine<UptimeClock, ExchangeToken>

    /// Opens one connection within a timeout, reporting its idle events.
    public typealias Connect = @Sendable (
        _ eventLoop: any EventLoop, _ timeout: Duration,
        _ events: @escaping @Sendable (PooledConnectionEvent) -> Void
    ) -> EventLoopFuture<any PooledConnection>

    /// A connection leased from this pool, to be handed back with ``release(_:reusable:)``.
    public struct Lease: Sendable {
        public let connection: any PooledConnection
        let id: Int
        /// Whether the connection carried an exchange before.
        public let reused: Bool
        /// Whether it was opened for this lease (rather than taken idle from the pool, prewarmed or used before).
        public let opened: Bool
    }

    /// What a lease request gets: a connection, or why there is none.
    public typealias LeaseCompletion = @Sendable (Result<Lease, ExchangeError>) -> Void

    public let eventLoop: any EventLoop
    private let connect: Connect
    private let logger: Logger
    private let state: NIOLockedValueBox<State>

    private struct Waiter {
        var completion: LeaseCompletion
        var connectTimeout: Duration
        var timeoutError: ExchangeError
        var timer: Scheduled<Void>?
    }

    private struct State {
        var machine: Machine
        var connections = ConnectionTable<any PooledConnection>()
        var waiters: [ExchangeToken: Waiter] = [:]
        /// Prewarms waiting for connections they asked for.
        var prewarms: [Machine.ConnectionID: EventLoopPromise<Result<Duration, ExchangeError>>] = [:]
        var sweep: Scheduled<Void>?
    }

    /// What the shell must do once the lock is released, with the objects the machine's ids refer to.
    private struct Work {
        var action: Machine.Action
        var leased: (Waiter, Lease)?
        var failed: [(Waiter, Machine.PoolError)] = []
        var closing: [any PooledConnection] = []
        /// Connections to open, each within the connect timeout of the request it is opened for.
        var opening: [(id: Machine.ConnectionID, timeout: Duration)] = []
    }

    /// - Parameter logger: hears connections opened, failed and closed (at debug level).
    public init(
        configuration: ConnectionPoolConfiguration, eventLoop: any EventLoop,
        logger: Logger = Logger(label: "teamchat.pool"), connect: @escaping Connect
    ) {
        self.eventLoop = eventLoop
        self.connect = connect
        self.logger = logger
        self.state = NIOLockedValueBox(State(machine: Machine(configuration: configuration, clock: UptimeClock())))
    }

    // MARK: API

    /// Asks for a connection until `deadline`; `completion` is called exactly once (possibly before this returns).
    /// `token` withdraws the request with ``cancel(_:)``.
    public func lease(
        _ token: ExchangeToken,
        deadline: NIODeadline,
        connectTimeout: Duration,
        timeoutError: ExchangeError,
        completion: @escaping LeaseCompletion
    ) {
        run { state in
            state.waiters[token] = Waiter(
                completion: completion, connectTimeout: connectTimeout, timeoutError: timeoutError)
            return state.machine.leaseConnection(token, deadline: UptimeClock.Instant(deadline))
        }
    }

    /// A fresh idle connection, leased at once for a request that wants one until `deadline`, or `nil` when the
    /// request would have to wait (then it asks with ``lease(_:deadline:connectTimeout:timeoutError:completion:)``).
    /// Every warm exchange takes this path: one lock, no waiter, no completion to call.
    public func leaseIdle(deadline: NIODeadline) -> Lease? {
        state.withLockedValue { state in
            guard let (id, reused) = state.machine.leaseIdleConnection(deadline: UptimeClock.Instant(deadline)) else {
                return nil
            }
            // Every connection the machine holds as established is in `connections`: it was put there (under this
            // lock) before the machine heard that it was established.
            guard let connection = state.connections[id] else {
                preconditionFailure("the machine leased connection \(id), which the pool does not hold")
            }
            return Lease(connection: connection, id: id, reused: reused, opened: false)
        }
    }

    /// Withdraws a request that is still waiting; one already served is not affected.
    public func cancel(_ token: ExchangeToken) {
        run { $0.machine.cancelRequest(token) }
    }

    /// Gives a leased connection back; a connection that is not `reusable` is closed.
    public func release(_ lease: Lease, reusable: Bool) {
        run { $0.machine.releaseConnection(lease.id, reusable: reusable) }
    }

    /// Opens connections until `count` are open or opening; returns how long each one this call opened took (or
    /// why it failed) and how many were open already.
    public func prewarm(_ count: Int, connectTimeout: Duration) async -> PrewarmResult {
        var promises: [EventLoopPromise<Result<Duration, ExchangeError>>] = []
        var existing = 0
        run(connectTimeout: connectTimeout) { state in
            existing = state.machine.connectionCount
            let action = state.machine.prewarm(count)
            for id in action.create.map(\.connection) {
                let promise = eventLoop.makePromise(of: Result<Duration, ExchangeError>.self)
                state.prewarms[id] = promise
                promises.append(promise)
            }
            return action
        }
        var durations: [Duration] = []
        var failure: ExchangeError?
        for promise in promises {
            switch try? await promise.futureResult.get() {
            case .success(let duration): durations.append(duration)
            case .failure(let error): failure = failure ?? error
            case nil: failure = failure ?? .cancelled()
            }
        }
        return PrewarmResult(connectDurations: durations, alreadyOpen: existing, error: failure)
    }

    /// What the pool holds now.
    public var statistics: TransportStatistics {
        state.withLockedValue { state in
            var statistics = TransportStatistics()
            statistics.open = state.machine.connectionCount - state.machine.connectingCount
            statistics.idle = state.machine.idleCount
            statistics.leased = state.machine.leasedCount
            statistics.connecting = state.machine.connectingCount
            statistics.waiting = state.machine.waiterCount
            statistics.opened = state.machine.createdCount
            return statistics
        }
    }

    /// Fails waiters and closes every connection, leased ones included; completes when all are closed.
    public func shutdown() -> EventLoopFuture<Void> {
        let everything = state.withLockedValue { state -> [any PooledConnection] in
            state.sweep?.cancel()
            state.sweep = nil
            return Array(state.connections.values)
        }
        run { $0.machine.shutdown() }
        for connection in everything { connection.close() }
        return EventLoopFuture.andAllComplete(everything.map(\.closeFuture), on: eventLoop)
    }

    // MARK: Running the machine

    /// Feeds one event to the machine under the lock, then performs the resulting action outside it. `opened` names
    /// the connection the event established, so that a lease of it counts its connect time; `connectTimeout` is for
    /// connections opened for no request (a prewarm).
    private func run(
        opened: Machine.ConnectionID? = nil, connectTimeout: Duration = .milliseconds(500),
        _ event: (inout State) -> Machine.Action
    ) {
        let work = state.withLockedValue { state -> Work in
            let action = event(&state)
            var work = Work(action: action)
            // Looked up before the request's waiter can leave: a connection is opened for a request still waiting.
            work.opening = action.create.map { opening in
                (opening.connection, opening.request.flatMap { state.waiters[$0]?.connectTimeout } ?? connectTimeout)
            }
            switch action.request {
            case .none, .scheduleTimeout:
                break
            case .lease(let connectionID, let token, _):
                if let waiter = state.waiters.removeValue(forKey: token),
                    let connection = state.connections[connectionID],
                    case .lease(_, _, let reused) = action.request
                {
                    work.leased = (
                        waiter,
                        Lease(connection: connection, id: connectionID, reused: reused, opened: connectionID == opened)
                    )
                }
            case .fail(let token, let error):
                if let waiter = state.waiters.removeValue(forKey: token) { work.failed = [(waiter, error)] }
            case .failAll(let tokens, let error):
                work.failed = tokens.compactMap { token in state.waiters.removeValue(forKey: token).map { ($0, error) } }
            }
            work.closing = action.close.compactMap { state.connections.removeValue(forKey: $0) }
            if let sweepAt = action.sweepAt {
                // Strong, like the connections' events below: shutting down cancels the sweep.
                state.sweep = eventLoop.scheduleTask(deadline: sweepAt.deadline) {
                    self.run { $0.machine.sweepIdle() }
                }
            }
            return work
        }
        perform(work)
    }

    private func perform(_ work: Work) {
        if let (waiter, lease) = work.leased {
            waiter.timer?.cancel()
            waiter.completion(.success(lease))
        }
        for (waiter, error) in work.failed {
            waiter.timer?.cancel()
            waiter.completion(.failure(exchangeError(error, timeoutError: waiter.timeoutError)))
        }
        if case .scheduleTimeout(let token, let deadline) = work.action.request {
            scheduleTimeout(token, at: deadline.deadline)
        }
        for connection in work.closing { connection.close() }
        for (connectionID, timeout) in work.opening {
            open(connectionID, timeout: timeout)
        }
    }

    private func exchangeError(_ error: Machine.PoolError, timeoutError: ExchangeError) -> ExchangeError {
        switch error {
        case .leaseTimeout: timeoutError
        case .connectFailed(let error): error
        case .cancelled: .cancelled()
        case .shutDown: .cancelled("shutting down")
        }
    }

    private func scheduleTimeout(_ token: ExchangeToken, at deadline: NIODeadline) {
        let timer = eventLoop.scheduleTask(deadline: deadline) {
            self.run { $0.machine.timeoutRequest(token) }
        }
        let stored = state.withLockedValue { state -> Bool in
            guard state.waiters[token] != nil else { return false }
            state.waiters[token]!.timer = timer
            return true
        }
        if !stored { timer.cancel() }  // served before the timer was stored
    }

    private func open(_ connectionID: Machine.ConnectionID, timeout: Duration) {
        // The connection holds its pool strongly: an open connection keeps the pool that must close it alive, and
        // the cycle ends when the connection closes (``shutdown()`` closes them all). A weak reference would give the
        // pool a side table, and every retain and release of the pool on the lease path would then take the
        // runtime's slow path through it (2.5% of a 1,000-specialist round).
        let events: @Sendable (PooledConnectionEvent) -> Void = { event in
            self.connectionEvent(event, connectionID: connectionID)
        }
        connect(eventLoop, timeout, events).whenComplete { result in
            switch result {
            case .success(let connection):
                self.logger.debug(
                    "connection opened",
                    metadata: ["connection": "\(connectionID)", "connect_ms": "\(connection.connectDuration.milliseconds)"])
                var prewarm: EventLoopPromise<Result<Duration, ExchangeError>>?
                self.run(opened: connectionID) { state in
                    state.connections[connectionID] = connection
                    prewarm = state.prewarms.removeValue(forKey: connectionID)
                    return state.machine.connectionEstablished(connectionID)
                }
                // Only now: whoever waits for the prewarm finds the connection in the pool.
                prewarm?.succeed(.success(connection.connectDuration))
            case .failure(let error):
                let error = error as? ExchangeError ?? ExchangeError(connectError: error, connectTimeout: timeout)
                self.logger.debug("connect failed", metadata: ["kind": "\(error.kind)", "error": "\(error.message)"])
                let prewarm = self.state.withLockedValue { $0.prewarms.removeValue(forKey: connectionID) }
                prewarm?.succeed(.failure(error))
                self.run { $0.machine.connectionFailed(connectionID, error: error) }
            }
        }
    }

    private func connectionEvent(_ event: PooledConnectionEvent, connectionID: Machine.ConnectionID) {
        switch event {
        case .unsolicitedBytes:
            run { $0.machine.connectionReceivedUnsolicitedBytes(connectionID) }
        case .closed:
            logger.debug("connection closed", metadata: ["connection": "\(connectionID)"])
            run { state in
                state.connections[connectionID] = nil
                return state.machine.connectionClosed(connectionID)
            }
        }
    }
}
