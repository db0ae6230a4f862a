import NIOConcurrencyHelpers
import TeamChatEngine
import TeamChatModel

/// A lease that records what the engine asks of it, for tests that drive a round by hand.
public final class MockLease: ExchangeLease, Hashable, CustomStringConvertible {
    /// What happened to the lease, in order.
    public enum Event: Hashable, Sendable {
        case started(ExchangeToken)
        case cancelled(ExchangeToken)
        case released(reusable: Bool)
    }

    public let name: String
    public let info: LeaseInfo
    private let recorded = NIOLockedValueBox<[Event]>([])
    private let observers = NIOLockedValueBox<[ExchangeToken: any ExchangeObserver]>([:])

    public init(_ name: String, reused: Bool = false, connectDuration: Duration? = .milliseconds(1)) {
        self.name = name
        self.info = LeaseInfo(reused: reused, connectDuration: reused ? nil : connectDuration)
    }

    public var events: [Event] { recorded.withLockedValue { $0 } }

    /// Whether it was released (exactly once is what the engine promises).
    public var releases: [Bool] {
        events.compactMap { if case .released(let reusable) = $0 { reusable } else { nil } }
    }

    public func start(
        _ request: ExchangeRequest, for specialist: Specialist, token: ExchangeToken, observer: any ExchangeObserver
    ) {
        observers.withLockedValue { $0[token] = observer }
        recorded.withLockedValue { $0.append(.started(token)) }
    }

    public func cancel(_ token: ExchangeToken) {
        recorded.withLockedValue { $0.append(.cancelled(token)) }
    }

    public func release(reusable: Bool) {
        recorded.withLockedValue { $0.append(.released(reusable: reusable)) }
    }

    /// Completes the exchange `token` as a transport would.
    public func complete(_ token: ExchangeToken, _ result: ExchangeResult) {
        observers.withLockedValue { $0.removeValue(forKey: token) }?.exchangeCompleted(token, result: result)
    }

    /// Delivers a chunk of the exchange `token`.
    public func chunk(_ token: ExchangeToken, _ chunk: StreamChunk) {
        observers.withLockedValue { $0[token] }?.exchangeReceived(token, chunk: chunk)
    }

    public static func == (lhs: MockLease, rhs: MockLease) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { name }
}
