import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TeamChatEngine
import TeamChatModel

/// The `openai` transport's wire: HTTP/1.1 keep-alive connections, one pool per origin (one server's models share
/// its connections), TLS for `https://` through swift-nio-ssl with the system's trust store plus any CA file given.
public struct OpenAIProtocol: PooledProtocol {
    /// Connections per origin.
    public var maximumConnections: Int
    /// A CA certificate file (PEM) to trust besides the system's (`--ca-file`, `SSL_CERT_FILE`).
    public var caFile: String?
    public let keys: APIKeys
    let tls: TLSContexts

    /// Where `-v` shows each exchange's heads (nil: nowhere).
    public var trace: ExchangeTrace?

    public init(maximumConnections: Int = 5, caFile: String? = nil, keys: APIKeys = APIKeys()) {
        self.maximumConnections = maximumConnections
        self.caFile = caFile
        self.keys = keys
        self.tls = TLSContexts(caFile: caFile)
    }

    public var kind: TransportKind { .openAI }

    public func poolKey(for specialist: Specialist) -> PoolKey? {
        guard case .openAI(let endpoint) = specialist.address else { return nil }
        let origin = endpoint.origin
        return PoolKey(scheme: origin.isSecure ? "https" : "http", host: origin.host, port: origin.port)
    }

    public func poolConfiguration(for specialist: Specialist) -> ConnectionPoolConfiguration {
        var idle = OpenAIEndpoint.defaultIdleTimeout
        if case .openAI(let endpoint) = specialist.address, let timeout = endpoint.idleTimeout { idle = timeout }
        return .init(maximumConnections: maximumConnections, idleTimeout: idle)
    }

    public func connect(
        to specialist: Specialist, on eventLoop: any EventLoop, timeout: Duration,
        events: @escaping @Sendable (PooledConnectionEvent) -> Void
    ) -> EventLoopFuture<any PooledConnection> {
        guard case .openAI(let endpoint) = specialist.address else {
            return eventLoop.makeFailedFuture(ExchangeError(.localResource, "not an OpenAI-compatible specialist"))
        }
        let started = NIODeadline.now()
        let keys = self.keys
        let trace = self.trace.map { ($0, endpoint: endpoint.origin.description) }
        return HTTPChannel.open(endpoint.origin, on: eventLoop, timeout: timeout, tls: tls) { channel in
            try channel.pipeline.syncOperations.addHandler(OpenAIConnectionHandler(events: events, trace: trace))
        }.flatMapThrowing { channel -> any PooledConnection in
            let handler = try channel.pipeline.syncOperations.handler(type: OpenAIConnectionHandler.self)
            return OpenAIConnection(
                channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop), secrets: keys,
                connectDuration: Duration(.now() - started))
        }
    }
}

/// The TLS context of a transport, made once, on first use (loading the trust store is costly).
final class TLSContexts: Sendable {
    private let caFile: String?
    private let context = NIOLockedValueBox<Result<NIOSSLContext, ExchangeError>?>(nil)

    init(caFile: String?) {
        self.caFile = caFile
    }

    var client: Result<NIOSSLContext, ExchangeError> {
        context.withLockedValue { context in
            if let made = context { return made }
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let caFile { configuration.additionalTrustRoots = [.file(caFile)] }
            let made: Result<NIOSSLContext, ExchangeError>
            do {
                made = .success(try NIOSSLContext(configuration: configuration))
            } catch {
                made = .failure(ExchangeError(.tls, "cannot set up TLS (\(caFile.map { "CA file \($0)" } ?? "trust store")): \(error)"))
            }
            context = made
            return made
        }
    }
}
