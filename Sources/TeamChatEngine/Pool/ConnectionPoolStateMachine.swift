import DequeModule
import TeamChatModel

/// The connection pool of one endpoint, as a pure state machine: every event is a `mutating func` returning the
/// ``Action`` the shell must perform (hand a connection to a request, fail a request, open or close connections,
/// schedule the idle sweep). No sockets, no locks, no timers; time comes only from the injected clock.
///
/// Rules it enforces:
/// - at most ``Configuration/maximumConnections`` connections per endpoint, connecting ones included;
/// - an idle connection is reused before a new one is opened (the most recently released first, so that a burst
///   keeps a few connections hot and lets the rest expire);
/// - a connection released as not reusable (abandoned exchange, protocol error) is closed, never leased again;
/// - an idle connection that received bytes, was closed by its peer or idled past the idle timeout is dropped
///   before anyone can lease it, and idle connections are swept once they pass the idle timeout;
/// - a request that cannot be served at once waits in FIFO order until its deadline;
/// - a connection is opened for one waiting request, and failing to connect fails that request only: an attempt
///   opened for a request that has since gone (cancelled, timed out, served by a released connection) fails nobody,
///   and whoever still waits gets an attempt of its own.
public struct ConnectionPoolStateMachine<Clock: _Concurrency.Clock, RequestID: Hashable & Sendable>: Sendable
where Clock.Duration == Duration, Clock: Sendable {
    public typealias ConnectionID = Int
    public typealias Instant = Clock.Instant

    /// Limits of one endpoint's pool.
    public struct Configuration: Sendable, Hashable {
        /// Connections per endpoint, connecting ones included.
        public var maximumConnections: Int
        /// How long a connection may sit idle before it is closed instead of leased.
        public var idleTimeout: Duration

        public init(maximumConnections: Int = 5, idleTimeout: Duration = .seconds(60)) {
            precondition(maximumConnections > 0, "a pool needs room for at least one connection")
            self.maximumConnections = maximumConnections
            self.idleTimeout = idleTimeout
        }
    }

    /// Why a lease failed.
    public enum PoolError: Error, Hashable, Sendable {
        /// The request's deadline passed while it waited for a connection.
        case leaseTimeout
        /// The connection opened for this request could not be established.
        case connectFailed(ExchangeError)
        /// The request was cancelled while waiting.
        case cancelled
        /// The pool was shut down.
        case shutDown
    }

    /// What the shell must do after an event.
    public struct Action: Hashable, Sendable {
        public var request: RequestAction
        /// Connections to close, in order.
        public var close: [ConnectionID]
        /// Connections to open.
        public var create: [Opening]
        /// Call ``sweepIdle()`` at this instant.
        public var sweepAt: Instant?

        public init(
            request: RequestAction = .none, close: [ConnectionID] = [], create: [Opening] = [],
            sweepAt: Instant? = nil
        ) {
            self.request = request
            self.close = close
            self.create = create
            self.sweepAt = sweepAt
        }

        public static var none: Action { Action() }
    }

    /// A connection to open: its id, and the waiting request it is opened for (`nil` for a prewarm). The shell
    /// connects within that request's connect timeout; if the connect fails, that request fails with the error.
    public struct Opening: Hashable, Sendable {
        public var connection: ConnectionID
        public var request: RequestID?

        public init(_ connection: ConnectionID, for request: RequestID?) {
            self.connection = connection
            self.request = request
        }
    }

    /// What happens to requests.
    public enum RequestAction: Hashable, Sendable {
        case none
        /// Give the connection to the request. `reused` tells whether it carried an exchange before.
        case lease(ConnectionID, to: RequestID, reused: Bool)
        /// The request waits: fail it with ``timeoutRequest(_:)`` at the deadline unless it is served first.
        case scheduleTimeout(RequestID, deadline: Instant)
        /// Fail one request.
        case fail(RequestID, PoolError)
        /// Fail several requests (shutdown).
        case failAll([RequestID], PoolError)
    }

    /// One connection's state.
    enum ConnectionState: Hashable, Sendable {
        /// Being established. Moves to `leased` (a request waits) or `idle` when it connects; removed when it fails.
        case connecting
        /// Open and free since the instant, with `used` telling whether it carried an exchange. Moves to `leased`;
        /// removed when it closes, receives bytes, or expires.
        case idle(since: Instant, used: Bool)
        /// Carrying one exchange. Moves to `idle` on a clean release; removed (and closed) when released dirty.
        case leased
    }

    struct Waiter: Hashable, Sendable {
        var id: RequestID
        var deadline: Instant
    }

    public let configuration: Configuration
    private let clock: Clock
    private(set) var connections = ConnectionTable<ConnectionState>()
    /// Idle connections, most recently released last.
    private var idle: [ConnectionID] = []
    private var waiters: Deque<Waiter> = []
    /// The request each connecting connection was opened for (prewarmed ones have none).
    private var openedFor: [ConnectionID: RequestID] = [:]
    private var nextConnectionID: ConnectionID = 0
    private var isShutDown = false
    private var sweepScheduled = false

    public init(configuration: Configuration = .init(), clock: Clock) {
        self.configuration = configuration
        self.clock = clock
    }

    // MARK: Inspection (for statistics and tests)

    /// Connections open or opening.
    public var connectionCount: Int { connections.count }
    /// Connections open and free.
    public var idleCount: Int { idle.count }
    /// Connections carrying an exchange.
    public var leasedCount: Int { connections.values.count { $0 == .leased } }
    /// Requests waiting for a connection.
    public var waiterCount: Int { waiters.count }
    /// Connections being established.
    public var connectingCount: Int { connections.values.count { $0 == .connecting } }
    /// Connections ever asked for (the next id).
    public var createdCount: Int { nextConnectionID }

    // MARK: Events

    /// A request wants a connection until `deadline`.
    public mutating func leaseConnection(_ request: RequestID, deadline: Instant) -> Action {
        if isShutDown { return Action(request: .fail(request, .shutDown)) }
        let now = clock.now
        if deadline <= now { return Action(request: .fail(request, .leaseTimeout)) }

        var expired: [ConnectionID] = []
        while let candidate = idle.popLast() {
            guard case .idle(let since, let used) = connections[candidate] else { continue }
            if isExpired(idleSince: since, now: now) {
                connections[candidate] = nil
                expired.append(candidate)
                continue
            }
            connections[candidate] = .leased
            return Action(request: .lease(candidate, to: request, reused: used), close: expired)
        }

        waiters.append(Waiter(id: request, deadline: deadline))
        return Action(request: .scheduleTimeout(request, deadline: deadline), close: expired, create: createIfNeeded())
    }

    /// A request wants a connection until `deadline`, and one is free now: the most recently released idle
    /// connection if it is fresh, or `nil` (and nothing changed) when the request would have to wait, expire
    /// connections first or fail; then it goes through ``leaseConnection(_:deadline:)``. The warm path of every
    /// round: no waiter, no timer, nothing to close.
    public mutating func leaseIdleConnection(deadline: Instant) -> (connection: ConnectionID, reused: Bool)? {
        let now = clock.now
        guard !isShutDown, deadline > now, let candidate = idle.last,
            case .idle(let since, let used) = connections[candidate],
            !isExpired(idleSince: since, now: now)
        else { return nil }
        idle.removeLast()
        connections[candidate] = .leased
        return (candidate, used)
    }

    /// Opens connections until `count` are open or opening (within the limit), whether or not anyone waits.
    public mutating func prewarm(_ count: Int) -> Action {
        guard !isShutDown else { return .none }
        var created: [Opening] = []
        while connections.count < min(count, configuration.maximumConnections) {
            created.append(newConnection(for: nil))
        }
        return Action(create: created)
    }

    /// A connection opened by a `create` action is established.
    public mutating func connectionEstablished(_ connection: ConnectionID) -> Action {
        openedFor[connection] = nil
        guard connections[connection] == .connecting, !isShutDown else {
            connections[connection] = nil
            return Action(close: [connection])
        }
        if let waiter = waiters.popFirst() {
            connections[connection] = .leased
            return Action(request: .lease(connection, to: waiter.id, reused: false))
        }
        return makeIdle(connection, used: false)
    }

    /// A connection opened by a `create` action could not be established. The request it was opened for fails with
    /// the error if it still waits (failing fast beats making it wait for a retry); nobody else does: the error may
    /// be of that request's own making (its connect timeout was what was left of a round about to end), and whoever
    /// else waits gets an attempt of its own.
    public mutating func connectionFailed(_ connection: ConnectionID, error: ExchangeError) -> Action {
        let owner = openedFor.removeValue(forKey: connection)
        guard connections.removeValue(forKey: connection) == .connecting else { return .none }
        guard let owner, removeWaiter(owner) else { return Action(create: createIfNeeded()) }
        return Action(request: .fail(owner, .connectFailed(error)), create: createIfNeeded())
    }

    /// The holder of a leased connection gives it back. `reusable` is false when the exchange was abandoned or
    /// anything about the connection is in doubt: such a connection is closed, because a late reply on it would be
    /// read as the answer to the next request.
    public mutating func releaseConnection(_ connection: ConnectionID, reusable: Bool) -> Action {
        guard connections[connection] == .leased else { return .none }
        guard reusable, !isShutDown else {
            connections[connection] = nil
            return Action(close: [connection], create: createIfNeeded())
        }
        if let waiter = waiters.popFirst() {
            return Action(request: .lease(connection, to: waiter.id, reused: true))
        }
        return makeIdle(connection, used: true)
    }

    /// An idle connection received bytes nobody asked for: it is out of step with its peer and is closed.
    public mutating func connectionReceivedUnsolicitedBytes(_ connection: ConnectionID) -> Action {
        guard case .idle = connections[connection] else { return .none }
        removeIdle(connection)
        return Action(close: [connection], create: createIfNeeded())
    }

    /// A connection is gone (closed by its peer or by us). An idle one is dropped before anyone leases it; a leased
    /// one is forgotten, its exchange fails on its own.
    public mutating func connectionClosed(_ connection: ConnectionID) -> Action {
        switch connections[connection] {
        case .idle:
            removeIdle(connection)
        case .leased:
            connections[connection] = nil
        case .connecting, nil:
            return .none  // a failed connect is reported through `connectionFailed`
        }
        return Action(create: createIfNeeded())
    }

    /// A waiting request's deadline passed.
    public mutating func timeoutRequest(_ request: RequestID) -> Action {
        guard removeWaiter(request) else { return .none }
        return Action(request: .fail(request, .leaseTimeout))
    }

    /// A waiting request was cancelled. One that was already served is not affected: its holder releases it.
    public mutating func cancelRequest(_ request: RequestID) -> Action {
        guard removeWaiter(request) else { return .none }
        return Action(request: .fail(request, .cancelled))
    }

    /// The sweep scheduled with ``Action/sweepAt`` is due: closes idle connections past the idle timeout and
    /// schedules the next sweep while idle connections remain.
    public mutating func sweepIdle() -> Action {
        sweepScheduled = false
        let now = clock.now
        var expired: [ConnectionID] = []
        var oldest: Instant?
        for connection in idle {
            guard case .idle(let since, _) = connections[connection] else { continue }
            if isExpired(idleSince: since, now: now) {
                expired.append(connection)
            } else {
                oldest = min(oldest ?? since, since)
            }
        }
        for connection in expired { removeIdle(connection) }
        var action = Action(close: expired)
        if let oldest, !isShutDown {
            sweepScheduled = true
            action.sweepAt = oldest.advanced(by: configuration.idleTimeout)
        }
        return action
    }

    /// Fails every waiter and closes every idle connection; leased and connecting ones are closed when they come back.
    public mutating func shutdown() -> Action {
        isShutDown = true
        let failed = waiters.map(\.id)
        waiters.removeAll()
        let closed = idle
        for connection in idle { connections[connection] = nil }
        idle.removeAll()
        return Action(request: failed.isEmpty ? .none : .failAll(failed, .shutDown), close: closed)
    }

    // MARK: Helpers

    /// Whether a connection idle since `since` is past the idle timeout at `now`: never leased again (its peer may
    /// have closed it), closed instead.
    private func isExpired(idleSince since: Instant, now: Instant) -> Bool {
        since.duration(to: now) >= configuration.idleTimeout
    }

    private mutating func makeIdle(_ connection: ConnectionID, used: Bool) -> Action {
        let now = clock.now
        connections[connection] = .idle(since: now, used: used)
        idle.append(connection)
        guard !sweepScheduled else { return .none }
        sweepScheduled = true
        return Action(sweepAt: now.advanced(by: configuration.idleTimeout))
    }

    /// Opens one more connection, for the oldest waiter none is being opened for, when waiters outnumber connections
    /// being established and there is room.
    private mutating func createIfNeeded() -> [Opening] {
        guard !isShutDown, waiters.count > connectingCount, connections.count < configuration.maximumConnections
        else { return [] }
        // Waiters outnumber connecting connections, and each of those was opened for one request at most: some
        // waiter has none opened for it. A linear look: an endpoint has a handful of waiters.
        let waiter = waiters.first { waiter in !openedFor.values.contains(waiter.id) }
        return [newConnection(for: waiter?.id)]
    }

    private mutating func newConnection(for request: RequestID?) -> Opening {
        let id = nextConnectionID
        nextConnectionID += 1
        connections[id] = .connecting
        if let request { openedFor[id] = request }
        return Opening(id, for: request)
    }

    private mutating func removeIdle(_ connection: ConnectionID) {
        connections[connection] = nil
        idle.removeAll { $0 == connection }
    }

    private mutating func removeWaiter(_ request: RequestID) -> Bool {
        guard let index = waiters.firstIndex(where: { $0.id == request }) else { return false }
        waiters.remove(at: index)
        return true
    }
}
