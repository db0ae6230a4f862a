import NIOConcurrencyHelpers
import TeamChatEngine
import TeamChatModel

/// A transport whose leases a test grants or fails by hand: no sockets, nothing happens until the test says so.
public final class MockTransport: SpecialistTransport {
    public let kind: TransportKind
    private let state = NIOLockedValueBox<State>(State())

    private struct State {
        var requests: [ExchangeToken: (request: LeaseRequest, observer: any ExchangeObserver)] = [:]
        var order: [ExchangeToken] = []
        var cancelled: [ExchangeToken] = []
        var leases: [MockLease] = []
        var observers: [WeakObserver] = []
    }

    /// An observer the transport was given, not kept alive by it.
    private final class WeakObserver: @unchecked Sendable {
        // Safe: only touched under the transport's lock.
        weak var observer: (any ExchangeObserver)?

        init(_ observer: any ExchangeObserver) {
            self.observer = observer
        }
    }

    /// What every lease request is refused with, at once, as it is asked (a transport out of descriptors, say);
    /// `nil`: requests wait for the test.
    private let refusal: ExchangeError?

    public init(kind: TransportKind = .tekton, refusing refusal: ExchangeError? = nil) {
        self.kind = kind
        self.refusal = refusal
    }

    public func lease(_ requests: [LeaseRequest], observer: any ExchangeObserver) {
        state.withLockedValue { state in
            for request in requests {
                state.requests[request.token] = (request, observer)
                state.order.append(request.token)
            }
            if !state.observers.contains(where: { $0.observer === observer }) {
                state.observers.append(WeakObserver(observer))
            }
        }
        if let refusal {
            for request in requests { fail(request.token, refusal) }
        }
    }

    /// How many of the observers (rounds) that asked this transport for leases are still alive: a round that is
    /// over and still held by someone is a leak.
    public var liveObservers: Int {
        state.withLockedValue { state in state.observers.filter { $0.observer != nil }.count }
    }

    /// Records the cancel only: the test decides whether the request fails (``fail(_:_:)``) or was granted just
    /// before the cancel arrived (``grant(_:reused:)``).
    public func cancelLease(_ token: ExchangeToken, for specialist: Specialist) {
        state.withLockedValue { $0.cancelled.append(token) }
    }

    /// Lease requests not answered yet, in the order they came.
    public var pending: [LeaseRequest] {
        state.withLockedValue { state in state.order.compactMap { state.requests[$0]?.request } }
    }

    /// Lease requests withdrawn by the engine.
    public var cancelledLeases: [ExchangeToken] { state.withLockedValue { $0.cancelled } }

    /// Every lease granted so far.
    public var leases: [MockLease] { state.withLockedValue { $0.leases } }

    /// Grants the lease request `token` with a new lease.
    @discardableResult
    public func grant(_ token: ExchangeToken, reused: Bool = false) -> MockLease {
        let lease = MockLease("lease \(token)", reused: reused)
        let waiting = state.withLockedValue { state in
            state.leases.append(lease)
            return state.requests.removeValue(forKey: token)
        }
        waiting?.observer.leaseSucceeded(token, lease: lease)
        return lease
    }

    /// Fails the lease request `token`.
    public func fail(_ token: ExchangeToken, _ error: ExchangeError) {
        let waiting = state.withLockedValue { $0.requests.removeValue(forKey: token) }
        waiting?.observer.leaseFailed(token, error: error)
    }

    public func prewarm(_ specialist: Specialist, connections: Int, connectTimeout: Duration) async -> PrewarmResult {
        PrewarmResult(connectDurations: [], alreadyOpen: 0, error: nil)
    }

    public var statistics: TransportStatistics {
        var statistics = TransportStatistics()
        statistics.waiting = state.withLockedValue { $0.requests.count }
        return statistics
    }

    public func statistics(for specialist: Specialist) -> TransportStatistics { statistics }

    public func shutdown() async {}
}
