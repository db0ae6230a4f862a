import Logging
import NIOCore
import NIOPosix
import TeamChatEngine
import TeamChatModel

/// The `tekton` transport's wire: newline-delimited JSON over TCP, one pool per `host:port`.
public struct TektonProtocol: PooledProtocol {
    /// Limits of each endpoint's pool.
    public var configuration: ConnectionPoolConfiguration
    /// The longest reply line a connection buffers before the exchange says how much it accepts.
    public var maximumReplyBytes: Int

    /// Where `-v` shows each exchange (nil: nowhere).
    public var trace: ExchangeTrace?

    public init(configuration: ConnectionPoolConfiguration = .init(), maximumReplyBytes: Int = 16 * 1024 * 1024) {
        self.configuration = configuration
        self.maximumReplyBytes = maximumReplyBytes
    }

    public var kind: TransportKind { .tekton }

    public func poolKey(for specialist: Specialist) -> PoolKey? {
        guard case .tekton(let host, let port) = specialist.address else { return nil }
        return PoolKey(scheme: "tcp", host: host, port: port)
    }

    public func poolConfiguration(for specialist: Specialist) -> ConnectionPoolConfiguration {
        configuration
    }

    public func connect(
        to specialist: Specialist, on eventLoop: any EventLoop, timeout: Duration,
        events: @escaping @Sendable (PooledConnectionEvent) -> Void
    ) -> EventLoopFuture<any PooledConnection> {
        guard case .tekton(let host, let port) = specialist.address else {
            return eventLoop.makeFailedFuture(ExchangeError(.localResource, "not a tekton specialist"))
        }
        let started = NIODeadline.now()
        let maximumReplyBytes = self.maximumReplyBytes
        let trace = self.trace.map { ($0, endpoint: "\(host):\(port)") }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Each connection keeps its receive buffer between reads. Replies are mostly a few hundred bytes: start
            // at 512 (not NIO's 2,048, 1.5 MB over 1,000 specialists); the allocator grows for longer ones.
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65_536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = TektonConnectionHandler(maximumReplyBytes: maximumReplyBytes, events: events, trace: trace)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        // An IP literal is used as is; a name is resolved by NIO off the event loop, for each new connection (so a
        // failure is never cached), and both address families are tried.
        let connected =
            if let address = try? SocketAddress(ipAddress: host, port: port) {
                bootstrap.connect(to: address)
            } else {
                bootstrap.connect(host: host, port: port)
            }
        return connected.flatMapThrowing { channel -> any PooledConnection in
            let handler = try channel.pipeline.syncOperations.handler(type: TektonConnectionHandler.self)
            return TektonConnection(
                channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                connectDuration: Duration(.now() - started))
        }.flatMapErrorThrowing { error in
            throw ExchangeError(connectError: error, connectTimeout: timeout)
        }
    }
}

/// The `tekton` transport: Tekton sockets over teamchat's pool.
public enum TektonTransport {
    /// A transport reaching Tekton specialists, one pool per endpoint.
    public static func make(
        _ wire: TektonProtocol = TektonProtocol(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "teamchat.tekton")
    ) -> PooledTransport {
        PooledTransport(wire, eventLoopGroup: eventLoopGroup, logger: logger)
    }
}
