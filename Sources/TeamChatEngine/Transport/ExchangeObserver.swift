import TeamChatModel
/// Receives what transports report about leases and exchanges, keyed by token.
public protocol ExchangeObserver: AnyObject, Sendable {
    func leaseSucceeded(_ token: ExchangeToken, lease: any ExchangeLease)
    /// Several leases granted at once (idle connections, on their event loop): one report instead of one each, so
    /// that the observer can start their exchanges together. Each token is reported once, here or elsewhere.
    func leasesSucceeded(_ grants: [LeaseGrant])
    func leaseFailed(_ token: ExchangeToken, error: ExchangeError)
    func exchangeReceived(_ token: ExchangeToken, chunk: StreamChunk)
    func exchangeCompleted(_ token: ExchangeToken, result: ExchangeResult)
}

extension ExchangeObserver {
    public func leasesSucceeded(_ grants: [LeaseGrant]) {
        for grant in grants { leaseSucceeded(grant.token, lease: grant.lease) }
    }
}
