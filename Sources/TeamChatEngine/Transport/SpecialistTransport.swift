import NIOCore
import TeamChatModel

/// A way to reach specialists of one ``TransportKind``, at the level of exchanges: lease a connection (or whatever
/// carries one exchange), run one exchange on it, stream its chunks, cancel it by its token, release it.
///
/// The round engine owns every policy (deadlines, retries, breakers, quorum); a transport only moves bytes and
/// reports what happened, each lease request answered exactly once and each exchange completed exactly once, also
/// after a cancel. Tekton sockets and OpenAI-compatible HTTP run over the generic ``ConnectionPool``; a bus
/// transport leases nothing and correlates by request id.
public protocol SpecialistTransport: Sendable {
    var kind: TransportKind { get }

    /// Asks for a lease per request; each is answered exactly once through `observer`
    /// (``ExchangeObserver/leaseSucceeded(_:lease:)`` or ``ExchangeObserver/leaseFailed(_:error:)``), possibly
    /// before this returns. The engine's deadlines do not depend on it: a request still unanswered at the round's
    /// deadline is withdrawn (``cancelLease(_:for:)``) and its specialist fails as timed out.
    func lease(_ requests: [LeaseRequest], observer: any ExchangeObserver)

    /// Withdraws a lease request that may still be waiting. If it was already granted, the grant still reaches the
    /// observer (which releases it).
    func cancelLease(_ token: ExchangeToken, for specialist: Specialist)

    /// Opens up to `connections` connections to `specialist` ahead of use and keeps them in the pool.
    func prewarm(_ specialist: Specialist, connections: Int, connectTimeout: Duration) async -> PrewarmResult

    /// What the transport holds now: for reports and for tests that prove nothing leaked.
    var statistics: TransportStatistics { get }

    /// What the transport holds for one specialist (its pool, for pooled transports).
    func statistics(for specialist: Specialist) -> TransportStatistics

    /// Closes everything; waiting lease requests fail. Returns when every connection is closed.
    func shutdown() async

    /// This transport when it has work of its own to run (a ``RunningTransport``), else `nil`. Asked instead of a
    /// cast: a cast to a protocol the type does not conform to scans every conformance record of the program the
    /// first time (about 0.1 ms of a one-shot command).
    var running: (any RunningTransport)? { get }
}

extension SpecialistTransport {
    public var running: (any RunningTransport)? { nil }
}
