import TeamChatModel
/// A connection leased from a pool to one exchange attempt.
final class PooledLease: ExchangeLease {
    private let lease: ConnectionPool.Lease
    private let pool: ConnectionPool

    init(_ lease: ConnectionPool.Lease, pool: ConnectionPool) {
        self.lease = lease
        self.pool = pool
    }

    var info: LeaseInfo {
        LeaseInfo(reused: lease.reused, connectDuration: lease.opened ? lease.connection.connectDuration : nil)
    }

    func start(
        _ request: ExchangeRequest, for specialist: Specialist, token: ExchangeToken, observer: any ExchangeObserver
    ) {
        lease.connection.start(request, for: specialist, token: token, observer: observer)
    }

    func cancel(_ token: ExchangeToken) {
        lease.connection.cancel(token)
    }

    func release(reusable: Bool) {
        pool.release(lease, reusable: reusable)
    }
}
