/// Receives what transports report about leases and exchanges, keyed by token.
public protocol ExchangeObserver: AnyObject, Sendable {
    func leaseSucceeded(_ token: ExchangeToken, lease: any ExchangeLease)
    func leaseFailed(_ token: ExchangeToken, error: ExchangeError)
    func exchangeReceived(_ token: ExchangeToken, chunk: StreamChunk)
    func exchangeCompleted(_ token: ExchangeToken, result: ExchangeResult)
}
