import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The I/O shell around ``ConnectionPoolStateMachine`` for one endpoint: holds the machine in a lock, feeds it
/// events (leases, releases, connects, closes, timer firings) and performs the actions it returns outside the lock.
final class EndpointPool: Sendable {
    typealias Machine = ConnectionPoolStateMachine<ContinuousClock>

    let endpoint: Endpoint
    /// Every connection of this pool, every lease and every timer lives on this loop, so that an exchange started
    /// on it runs from lease to reply without a thread hop.
    let eventLoop: any EventLoop
    private let address: Result<SocketAddress, ExchangeError>
    private let maximumReplyBytes: Int
    private let state: NIOLockedValueBox<State>

    private struct Waiter {
        var promise: EventLoopPromise<Lease>
        var timeoutError: ExchangeError
        var timer: Scheduled<Void>?
    }

    private struct State {
        var machine: Machine
        var connections: [Machine.ConnectionID: PooledConnection] = [:]
        var waiters: [Machine.RequestID: Waiter] = [:]
        var nextRequestID: Machine.RequestID = 0
        /// The connect timeout of the latest lease, used for connections opened on behalf of waiters.
        var connectTimeout: Duration = .milliseconds(500)
    }

    /// What the shell must do once the lock is released, with the objects the machine's ids refer to.
    private struct Work {
        var action: Machine.Action
        var leased: (Waiter, PooledConnection)?
        var failed: [(Waiter, Machine.PoolError)] = []
        var closing: [PooledConnection] = []
        var connectTimeout: Duration
    }

    init(
        endpoint: Endpoint,
        address: Result<SocketAddress, ExchangeError>,
        configuration: Machine.Configuration,
        maximumReplyBytes: Int,
        eventLoop: any EventLoop
    ) {
        self.endpoint = endpoint
        self.address = address
        self.eventLoop = eventLoop
        self.maximumReplyBytes = maximumReplyBytes
        self.state = NIOLockedValueBox(State(machine: Machine(configuration: configuration, clock: ContinuousClock())))
    }

    // MARK: API

    /// Asks for a connection until `deadline`. The returned id cancels the request with ``cancelLease(_:)``.
    func lease(
        deadline: NIODeadline,
        connectTimeout: Duration,
        timeoutError: ExchangeError
    ) -> (id: Int, future: EventLoopFuture<Lease>) {
        let promise = eventLoop.makePromise(of: Lease.self)
        let instant = ContinuousClock.now.advanced(by: Duration(deadline - .now()))
        var requestID = 0
        run { state in
            requestID = state.nextRequestID
            state.nextRequestID += 1
            state.connectTimeout = connectTimeout
            state.waiters[requestID] = Waiter(promise: promise, timeoutError: timeoutError)
            return state.machine.leaseConnection(requestID, deadline: instant)
        }
        return (requestID, promise.futureResult)
    }

    /// Withdraws a request that is still waiting.
    func cancelLease(_ id: Int) {
        run { $0.machine.cancelRequest(id) }
    }

    /// Gives a leased connection back; a connection that is not `reusable` is closed.
    func release(_ connection: PooledConnection, reusable: Bool) {
        run { $0.machine.releaseConnection(connection.id, reusable: reusable) }
    }

    /// Fails waiters and closes every connection, leased ones included.
    func shutdown() {
        let everything = state.withLockedValue { Array($0.connections.values) }
        run { $0.machine.shutdown() }
        for connection in everything { connection.close() }
    }

    // MARK: Running the machine

    /// Feeds one event to the machine under the lock, then performs the resulting action outside it.
    private func run(_ event: (inout State) -> Machine.Action) {
        let work = state.withLockedValue { state -> Work in
            let action = event(&state)
            var work = Work(action: action, connectTimeout: state.connectTimeout)
            switch action.request {
            case .none, .scheduleTimeout:
                break
            case .lease(let connectionID, let requestID, _):
                if let waiter = state.waiters.removeValue(forKey: requestID),
                    let connection = state.connections[connectionID]
                {
                    work.leased = (waiter, connection)
                }
            case .fail(let requestID, let error):
                if let waiter = state.waiters.removeValue(forKey: requestID) { work.failed = [(waiter, error)] }
            case .failAll(let requestIDs, let error):
                work.failed = requestIDs.compactMap { id in state.waiters.removeValue(forKey: id).map { ($0, error) } }
            }
            work.closing = action.close.compactMap { state.connections.removeValue(forKey: $0) }
            return work
        }
        perform(work)
    }

    private func perform(_ work: Work) {
        if let (waiter, connection) = work.leased, case .lease(_, _, let reused) = work.action.request {
            waiter.timer?.cancel()
            waiter.promise.succeed(Lease(connection: connection, reused: reused))
        }
        for (waiter, error) in work.failed {
            waiter.timer?.cancel()
            waiter.promise.fail(exchangeError(error, timeoutError: waiter.timeoutError))
        }
        if case .scheduleTimeout(let requestID, let deadline) = work.action.request {
            scheduleTimeout(requestID, at: deadline)
        }
        for connection in work.closing { connection.close() }
        if let connectionID = work.action.create {
            connect(connectionID, timeout: work.connectTimeout)
        }
    }

    private func exchangeError(_ error: Machine.PoolError, timeoutError: ExchangeError) -> ExchangeError {
        switch error {
        case .leaseTimeout: timeoutError
        case .connectFailed(let error): error
        case .cancelled: ExchangeError(.cancelled, "cancelled")
        case .shutDown: ExchangeError(.cancelled, "cancelled: shutting down")
        }
    }

    private func scheduleTimeout(_ requestID: Int, at deadline: ContinuousClock.Instant) {
        let delay = ContinuousClock.now.duration(to: deadline)
        let timer = eventLoop.scheduleTask(in: TimeAmount(delay)) {
            self.run { $0.machine.timeoutRequest(requestID) }
        }
        let stored = state.withLockedValue { state -> Bool in
            guard state.waiters[requestID] != nil else { return false }
            state.waiters[requestID]!.timer = timer
            return true
        }
        if !stored { timer.cancel() }  // served before the timer was stored
    }

    private func connect(_ connectionID: Int, timeout: Duration) {
        let address: SocketAddress
        switch self.address {
        case .success(let resolved):
            address = resolved
        case .failure(let error):
            run { $0.machine.connectionFailed(connectionID, error: error) }
            return
        }
        let started = NIODeadline.now()
        let maximumReplyBytes = self.maximumReplyBytes
        ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                let onEvent: @Sendable (ConnectionEvent) -> Void = { [weak self] event in
                    self?.connectionEvent(event, connectionID: connectionID)
                }
                return channel.eventLoop.makeCompletedFuture {
                    let handler = SpecialistConnectionHandler(maximumReplyBytes: maximumReplyBytes, onEvent: onEvent)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(to: address)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: SpecialistConnectionHandler.self)
                return PooledConnection(
                    id: connectionID,
                    channel: channel,
                    handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                    connectDuration: Duration(.now() - started)
                )
            }
            .whenComplete { result in
                switch result {
                case .success(let connection):
                    self.run { state in
                        state.connections[connectionID] = connection
                        return state.machine.connectionEstablished(connectionID)
                    }
                case .failure(let error):
                    let error = ExchangeError(connectError: error, connectTimeout: timeout)
                    self.run { $0.machine.connectionFailed(connectionID, error: error) }
                }
            }
    }

    private func connectionEvent(_ event: ConnectionEvent, connectionID: Int) {
        switch event {
        case .unsolicitedBytes:
            run { $0.machine.connectionReceivedUnsolicitedBytes(connectionID) }
        case .closed:
            run { state in
                state.connections[connectionID] = nil
                return state.machine.connectionClosed(connectionID)
            }
        }
    }
}

extension Duration {
    init(_ amount: TimeAmount) {
        self = .nanoseconds(amount.nanoseconds)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
