import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import TeamChatModel

/// Opens an HTTP/1.1 client channel to an origin: TCP, then (for `https://`) the TLS handshake, both within the
/// connect timeout: the handshake counts as part of connecting. A TLS failure (an untrusted certificate, another
/// host's name) is a connect failure of kind `tls`; a handshake that does not finish in time is a connect timeout.
/// Either way nothing was sent.
enum HTTPChannel {
    static func open(
        _ origin: HTTPOrigin,
        on eventLoop: any EventLoop,
        timeout: Duration,
        tls: TLSContexts,
        handlers: @escaping @Sendable (any Channel) throws -> Void
    ) -> EventLoopFuture<any Channel> {
        var context: NIOSSLContext?
        if origin.isSecure {
            switch tls.client {
            case .success(let made): context = made
            case .failure(let error): return eventLoop.makeFailedFuture(error)
            }
        }
        let sslContext = context
        let handshake = eventLoop.makePromise(of: Void.self)
        if context != nil {
            // A server that accepts and never answers the ClientHello would otherwise hold the exchange until the
            // round's deadline. (A second completion of the promise, when the handshake ended first, is ignored.)
            let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                handshake.fail(
                    ExchangeError(.connectTimeout, "connect timeout after \(timeout.secondsText): TLS handshake unfinished"))
            }
            handshake.futureResult.whenComplete { _ in timer.cancel() }
        }
        let host = origin.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
                        let ssl = try NIOSSLClientHandler(context: sslContext, serverHostname: isAddress ? nil : host)
                        try channel.pipeline.syncOperations.addHandler(ssl)
                        try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(promise: handshake))
                    } else {
                        handshake.succeed(())
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(leftOverBytesStrategy: .fireError)
                    try handlers(channel)
                }
            }
        let connected =
            if let address = try? SocketAddress(ipAddress: origin.host, port: origin.port) {
                bootstrap.connect(to: address)
            } else {
                bootstrap.connect(host: origin.host, port: origin.port)
            }
        connected.whenFailure { handshake.fail($0) }
        return connected.flatMap { channel in
            handshake.futureResult.map { channel }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }.flatMapErrorThrowing { error in
            switch error {
            case let error as ExchangeError: throw error
            case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
                throw ExchangeError(.tls, "TLS handshake failed: \(error)")
            default: throw ExchangeError(connectError: error, connectTimeout: timeout)
            }
        }
    }
}

/// Completes a promise when the TLS handshake is done, or fails it with the handshake's error.
private final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private var promise: EventLoopPromise<Void>?

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            promise?.succeed(())
            promise = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise?.fail(error)
        promise = nil
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(ExchangeError(.tls, "connection closed during the TLS handshake"))
        promise = nil
        context.fireChannelInactive()
    }
}
