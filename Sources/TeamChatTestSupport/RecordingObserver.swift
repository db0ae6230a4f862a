import NIOConcurrencyHelpers
import TeamChatEngine
import TeamChatModel

/// An exchange observer that records what a transport reports, for tests of transports and handlers.
public final class RecordingObserver: ExchangeObserver {
    /// One report, in order.
    public enum Report: Sendable {
        case leased(ExchangeToken, any ExchangeLease)
        case leaseFailed(ExchangeToken, ExchangeError)
        case chunk(ExchangeToken, StreamChunk)
        case completed(ExchangeToken, ExchangeResult)
    }

    private let recorded = NIOLockedValueBox<[Report]>([])

    public init() {}

    public var reports: [Report] { recorded.withLockedValue { $0 } }

    /// The completions, in order.
    public var completions: [(token: ExchangeToken, result: ExchangeResult)] {
        reports.compactMap { if case .completed(let token, let result) = $0 { (token, result) } else { nil } }
    }

    /// The chunks, in order.
    public var chunks: [StreamChunk] {
        reports.compactMap { if case .chunk(_, let chunk) = $0 { chunk } else { nil } }
    }

    public func leaseSucceeded(_ token: ExchangeToken, lease: any ExchangeLease) {
        recorded.withLockedValue { $0.append(.leased(token, lease)) }
    }

    public func leaseFailed(_ token: ExchangeToken, error: ExchangeError) {
        recorded.withLockedValue { $0.append(.leaseFailed(token, error)) }
    }

    public func exchangeReceived(_ token: ExchangeToken, chunk: StreamChunk) {
        recorded.withLockedValue { $0.append(.chunk(token, chunk)) }
    }

    public func exchangeCompleted(_ token: ExchangeToken, result: ExchangeResult) {
        recorded.withLockedValue { $0.append(.completed(token, result)) }
    }
}
