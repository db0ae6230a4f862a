import TeamChatModel
/// A connection (or whatever carries one exchange) leased to one attempt. Runs one exchange at a time; is released
/// exactly once.
public protocol ExchangeLease: AnyObject, Sendable {
    var info: LeaseInfo { get }

    /// Sends `request` to `specialist` and reports chunks and the completion for `token` to `observer`. The
    /// completion comes exactly once, also when the exchange is cancelled. The specialist comes with each exchange
    /// rather than with the lease: the round holds it already, and a lease is made for every exchange.
    func start(
        _ request: ExchangeRequest, for specialist: Specialist, token: ExchangeToken, observer: any ExchangeObserver)

    /// Abandons the exchange `token` if it is the one running (closing its connection: a late reply must never be
    /// read as the answer to another request); otherwise does nothing.
    func cancel(_ token: ExchangeToken)

    /// Gives the connection back; one that is not `reusable` is closed.
    func release(reusable: Bool)
}
