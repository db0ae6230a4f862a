import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatModel

/// A ``SpecialistTransport`` over pooled connections: one ``ConnectionPool`` per ``PooledProtocol/Key`` (a Tekton
/// endpoint, an HTTP origin), each pinned to one event loop of the group, so that successive rounds reuse warm
/// connections. The protocol decides how to connect and how to run an exchange; everything else is the same for
/// every pooled protocol.
public final class PooledTransport: SpecialistTransport {
    public typealias Pool = ConnectionPool

    private let wire: any PooledProtocol
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = NIOLockedValueBox<(pools: [PoolKey: Pool], isShutDown: Bool)>(([:], false))

    /// - Parameter logger: hears each pool's connections opened, failed and closed (at debug level).
    public init(
        _ wire: any PooledProtocol, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "teamchat.pool")
    ) {
        self.wire = wire
        self.group = eventLoopGroup
        self.logger = logger
    }

    public var kind: TransportKind { wire.kind }

    public func lease(_ requests: [LeaseRequest], observer: any ExchangeObserver) {
        // Grouped by event loop and started there in one hop per loop: a lease granted from an idle connection then
        // starts its exchange on the connection's own loop, with no further hop. Positions, not copies: a request
        // is a few hundred bytes (its specialist).
        var byLoop: [(loop: any EventLoop, work: [(pool: Pool, request: Int)])] = []
        for position in requests.indices {
            guard let pool = pool(for: requests[position].specialist) else {
                observer.leaseFailed(requests[position].token, error: unreachable(requests[position].specialist))
                continue
            }
            if let index = byLoop.firstIndex(where: { $0.loop === pool.eventLoop }) {
                byLoop[index].work.append((pool, position))
            } else {
                var work: [(pool: Pool, request: Int)] = []
                work.reserveCapacity(requests.count - position)  // at most one per request left
                work.append((pool, position))
                byLoop.append((pool.eventLoop, work))
            }
        }
        for (loop, work) in byLoop {
            if loop.inEventLoop {
                lease(work, of: requests, observer: observer)
            } else {
                loop.execute { self.lease(work, of: requests, observer: observer) }
            }
        }
    }

    /// On the pools' event loop: idle connections are granted at once and reported together (their exchanges then
    /// start in one go); the rest wait in their pools.
    private func lease(
        _ work: [(pool: Pool, request: Int)], of requests: [LeaseRequest], observer: any ExchangeObserver
    ) {
        var grants: [LeaseGrant] = []
        grants.reserveCapacity(work.count)
        for (pool, position) in work {
            if let lease = pool.leaseIdle(deadline: requests[position].deadline) {
                grants.append(LeaseGrant(token: requests[position].token, lease: PooledLease(lease, pool: pool)))
            } else {
                lease(requests[position], from: pool, observer: observer)
            }
        }
        if !grants.isEmpty { observer.leasesSucceeded(grants) }
    }

    private func lease(_ request: LeaseRequest, from pool: Pool, observer: any ExchangeObserver) {
        let token = request.token
        pool.lease(
            token,
            deadline: request.deadline,
            connectTimeout: request.connectTimeout,
            timeoutError: ExchangeError(.timeout, "timeout: round deadline reached before a connection was free")
        ) { result in
            switch result {
            case .success(let lease):
                observer.leaseSucceeded(token, lease: PooledLease(lease, pool: pool))
            case .failure(let error):
                observer.leaseFailed(token, error: error)
            }
        }
    }

    public func cancelLease(_ token: ExchangeToken, for specialist: Specialist) {
        guard let key = wire.poolKey(for: specialist), let pool = state.withLockedValue({ $0.pools[key] }) else { return }
        pool.cancel(token)
    }

    public func prewarm(_ specialist: Specialist, connections: Int, connectTimeout: Duration) async -> PrewarmResult {
        guard let pool = pool(for: specialist) else {
            return PrewarmResult(connectDurations: [], alreadyOpen: 0, error: unreachable(specialist))
        }
        return await pool.prewarm(connections, connectTimeout: connectTimeout)
    }

    public var statistics: TransportStatistics {
        state.withLockedValue { Array($0.pools.values) }.reduce(TransportStatistics()) { $0 + $1.statistics }
    }

    public func statistics(for specialist: Specialist) -> TransportStatistics {
        guard let key = wire.poolKey(for: specialist), let pool = state.withLockedValue({ $0.pools[key] }) else {
            return TransportStatistics()
        }
        return pool.statistics
    }

    public func shutdown() async {
        let all = state.withLockedValue { state in
            state.isShutDown = true
            defer { state.pools.removeAll() }
            return Array(state.pools.values)
        }
        // Every pool starts closing at once, then all are waited for together: one at a time, a one-shot `send` to 18
        // spent more on its goodbyes than on its round; and each `get()` of a future is a hop to its event loop and
        // back (18 of them in a row, ~0.5 ms), so they are joined on a loop and waited for once.
        let closed = all.map { $0.shutdown() }
        guard !closed.isEmpty else { return }
        try? await EventLoopFuture.andAllComplete(closed, on: group.any()).get()
    }

    /// The pool for `specialist`, created on first use (nothing is resolved or opened until a lease needs it).
    private func pool(for specialist: Specialist) -> Pool? {
        guard let key = wire.poolKey(for: specialist) else { return nil }
        return state.withLockedValue { state -> Pool? in
            if let pool = state.pools[key] { return pool }
            guard !state.isShutDown else { return nil }
            let wire = self.wire
            var logger = self.logger
            logger[metadataKey: "endpoint"] = "\(key)"
            let pool = Pool(
                configuration: wire.poolConfiguration(for: specialist), eventLoop: group.next(), logger: logger
            ) {
                eventLoop, timeout, events in
                wire.connect(to: specialist, on: eventLoop, timeout: timeout, events: events)
            }
            state.pools[key] = pool
            return pool
        }
    }

    private func unreachable(_ specialist: Specialist) -> ExchangeError {
        if state.withLockedValue({ $0.isShutDown }) { return .cancelled("shutting down") }
        return ExchangeError(.localResource, "the \(kind) transport cannot reach \(specialist.address)")
    }
}
