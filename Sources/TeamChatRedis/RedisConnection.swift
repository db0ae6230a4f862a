import NIOCore
import TeamChatRESP
import NIOPosix
import NIOSSL

/// One connection to Redis, speaking RESP3 (`HELLO 3`, with `AUTH` when the URL has credentials, then `SELECT`):
/// commands pipelined and answered in order, pub/sub messages on the same connection as ``pushes``.
public final class RedisConnection: Sendable {
    private let channel: any Channel
    /// Pub/sub messages (`["message", channel, payload]`) and other pushes, as they arrive; ends with the connection.
    public let pushes: AsyncStream<RESPValue>

    private init(channel: any Channel, pushes: AsyncStream<RESPValue>) {
        self.channel = channel
        self.pushes = pushes
    }

    /// Connects, and does the handshake. `name` is shown by `CLIENT LIST`.
    public static func connect(
        to url: RedisURL, name: String? = nil, timeout: Duration = .seconds(2),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RedisConnection {
        let (pushes, push) = AsyncStream.makeStream(of: RESPValue.self)
        let tls: NIOSSLContext?
        if url.tls {
            do {
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.minimumTLSVersion = .tlsv12
                tls = try NIOSSLContext(configuration: configuration)
            } catch {
                throw RedisError.connect("TLS: \(error)")
            }
        } else {
            tls = nil
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls, case .tcp(let host, _) = url.endpoint {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: host.first?.isNumber == true ? nil : host))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(RESPDecoder()),
                        RedisChannelHandler(onPush: { push.yield($0) }),
                    ])
                    channel.closeFuture.whenComplete { _ in push.finish() }
                }
            }
        let channel: any Channel
        do {
            switch url.endpoint {
            case .tcp(let host, let port): channel = try await bootstrap.connect(host: host, port: port).get()
            case .unix(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch {
            push.finish()
            throw RedisError.connect("cannot connect to \(url): \(error)")
        }
        let connection = RedisConnection(channel: channel, pushes: pushes)
        do {
            var hello = ["HELLO", "3"]
            if let password = url.password { hello += ["AUTH", url.username ?? "default", password] }
            if let name { hello += ["SETNAME", name] }
            _ = try await connection.send(RESPCommand(strings: hello), timeout: timeout)
            if url.database != 0 {
                _ = try await connection.send(RESPCommand("SELECT", String(url.database)), timeout: timeout)
            }
        } catch let error as RedisError {
            await connection.close()
            // A server older than 6 knows no HELLO: say so rather than "unknown command".
            if error.description.contains("unknown command") {
                throw RedisError.connect("\(url) does not speak RESP3 (Redis 6 or later, or Valkey, is needed)")
            }
            throw RedisError.connect("\(url): \(error)")
        }
        return connection
    }

    /// Sends `command` and returns its reply; an error reply is thrown as ``RedisError/server(_:)``. No reply
    /// within `timeout` fails it (and every command behind it) with a timeout and closes the connection: a server
    /// that stopped answering never holds a caller for longer. A command that blocks on the server (`XREAD BLOCK`)
    /// needs a timeout longer than its own.
    @discardableResult
    public func send(_ command: RESPCommand, timeout: Duration = .seconds(2)) async throws -> RESPValue {
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        let channel = self.channel
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            let error = RedisError.timeout("no reply to \(command.name) within \(timeout)")
            channel.pipeline.fireUserInboundEventTriggered(RedisChannelHandler.DeadlinePassed(error: error))
        }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        channel.writeAndFlush((command, promise)).whenFailure { promise.fail($0) }
        do {
            return try await promise.futureResult.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw RedisError.closed
        }
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Closes the connection (pending commands fail with ``RedisError/closed``).
    public func close() async {
        try? await channel.close()
    }

    /// Fires when the connection closes.
    public var closed: EventLoopFuture<Void> { channel.closeFuture }
}
