import NIOCore
import TeamChatModel

/// A connection a ``ConnectionPool`` holds: opened by its transport's ``PooledProtocol``, carrying one exchange at
/// a time.
public protocol PooledConnection: AnyObject, Sendable {
    /// How long opening it took.
    var connectDuration: Duration { get }
    /// Completes when the connection is closed.
    var closeFuture: EventLoopFuture<Void> { get }

    /// Sends `request` for `specialist` and reports chunks and exactly one completion for `token` to `observer`.
    func start(_ request: ExchangeRequest, for specialist: Specialist, token: ExchangeToken, observer: any ExchangeObserver)

    /// Abandons the exchange `token` if it is the one running, closing the connection; otherwise does nothing.
    func cancel(_ token: ExchangeToken)

    /// Closes the connection (idempotent).
    func close()
}
