import NIOCore
import TeamChatModel

/// How a transport opens pooled connections: the protocol-specific part of a ``PooledTransport``.
///
/// No associated types, on purpose: the pool is used from the transports' modules, where generic code from Core
/// would run unspecialised (looking up type metadata on every lease); existentials cost a witness-table call.
public protocol PooledProtocol: Sendable {
    var kind: TransportKind { get }

    /// The pool that serves `specialist` (specialists with the same key share connections: one server, many
    /// models), or `nil` when this protocol cannot reach it.
    func poolKey(for specialist: Specialist) -> PoolKey?

    /// How many connections the pool for `key` may hold and how long they may idle.
    func poolConfiguration(for specialist: Specialist) -> ConnectionPoolConfiguration

    /// Opens a connection to `specialist` on `eventLoop` within `timeout`. The connection reports what happens to it
    /// while idle through `events`.
    func connect(
        to specialist: Specialist, on eventLoop: any EventLoop, timeout: Duration,
        events: @escaping @Sendable (PooledConnectionEvent) -> Void
    ) -> EventLoopFuture<any PooledConnection>
}
