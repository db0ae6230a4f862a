import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL
import TeamChatModel
import TeamChatTektonWire

/// A team of simulated specialists speaking the Tekton protocol, in this process: for `teamchat fleet`,
/// `teamchat demo`, tests and benchmarks.
public final class Fleet: Sendable {
    /// The roster to reach the fleet, in configuration order (refusing specialists included, on a dead port).
    public let specialists: [Specialist]
    /// What the fleet has seen.
    public let counters: FleetCounters
    public let host: String
    private let servers: [SimulatedSpecialist?]
    /// The ports of refusing specialists, held so that they keep refusing.
    private let reserved: [ReservedPort]
    private let group: any EventLoopGroup

    private init(
        specialists: [Specialist],
        servers: [SimulatedSpecialist?],
        reserved: [ReservedPort],
        counters: FleetCounters,
        host: String,
        group: any EventLoopGroup
    ) {
        self.specialists = specialists
        self.servers = servers
        self.reserved = reserved
        self.counters = counters
        self.host = host
        self.group = group
    }

    /// Starts one server per configuration on `host`. With `tls`, OpenAI-compatible specialists serve `https://`.
    public static func start(
        _ configurations: [SimulatedSpecialistConfiguration],
        host: String = "127.0.0.1",
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tls: FleetTLS? = nil
    ) async throws -> Fleet {
        let sslContext = try tls.map { files in
            try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(files.certificateChain).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: files.privateKey, format: .pem))))
        }
        let counters = FleetCounters()
        var servers: [SimulatedSpecialist?] = []
        var reserved: [ReservedPort] = []
        var specialists: [Specialist] = []
        do {
            for configuration in configurations {
                if configuration.misbehaviour == .refuse {
                    var port = configuration.port
                    if port == 0 {
                        let held = try ReservedPort(host: host)
                        reserved.append(held)
                        port = held.port
                    }
                    servers.append(nil)
                    specialists.append(Self.specialist(configuration, host: host, port: port, tls: tls))
                    continue
                }
                let server = SimulatedSpecialist(
                    configuration: configuration, counters: counters, host: host, group: group, tls: sslContext)
                let port = try await server.start(port: configuration.port)
                servers.append(server)
                specialists.append(Self.specialist(configuration, host: host, port: port, tls: tls))
            }
        } catch {
            for server in servers { try? await server?.stop() }
            throw error
        }
        return Fleet(
            specialists: specialists, servers: servers, reserved: reserved, counters: counters, host: host, group: group)
    }

    /// Runs `body` with a fleet started from `configurations`, and stops the fleet when `body` returns or throws.
    public static func withRunning<Value>(
        _ configurations: [SimulatedSpecialistConfiguration],
        host: String = "127.0.0.1",
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tls: FleetTLS? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Fleet) async throws -> Value
    ) async throws -> Value {
        let fleet = try await start(configurations, host: host, group: group, tls: tls)
        do {
            let value = try await body(fleet)
            await fleet.stop()
            return value
        } catch {
            await fleet.stop()
            throw error
        }
    }

    /// How to reach a simulated specialist.
    private static func specialist(
        _ configuration: SimulatedSpecialistConfiguration, host: String, port: Int, tls: FleetTLS?
    ) -> Specialist {
        switch configuration.wire {
        case .tekton:
            return .tekton(id: configuration.id, host: host, port: port, model: configuration.model)
        case .openai:
            let scheme = tls == nil ? "http" : "https"
            let name = tls?.serverName ?? (host.contains(":") ? "[\(host)]" : host)
            let origin = HTTPOrigin(parsing: "\(scheme)://\(name):\(port)/v1")!
            return Specialist(
                id: configuration.id, address: .openAI(OpenAIEndpoint(origin: origin, model: configuration.model)),
                model: configuration.model)
        }
    }

    /// Stops every server and closes every connection.
    public func stop() async {
        for server in servers { try? await server?.stop() }
        for port in reserved { port.release() }
    }

    /// Stops one specialist (closing its connections) and starts it again on the same port.
    public func restart(_ id: String) async throws {
        guard let index = specialists.firstIndex(where: { $0.id == id }), let server = servers[index] else { return }
        try await server.stop()
        let port: Int
        switch specialists[index].address {
        case .tekton(_, let number): port = number
        case .openAI(let endpoint): port = endpoint.origin.port
        case .bus: return  // a fleet serves sockets and HTTP only
        }
        _ = try await server.start(port: port)
    }
}

/// One simulated specialist's listening socket and its open connections.
final class SimulatedSpecialist: Sendable {
    private let configuration: SimulatedSpecialistConfiguration
    private let counters: FleetCounters
    private let host: String
    private let group: any EventLoopGroup
    private let lateUsed = NIOLockedValueBox(false)
    private let tls: NIOSSLContext?
    private let channels = NIOLockedValueBox<(server: (any Channel)?, children: [ObjectIdentifier: any Channel])>(
        (nil, [:]))

    init(
        configuration: SimulatedSpecialistConfiguration, counters: FleetCounters, host: String,
        group: any EventLoopGroup, tls: NIOSSLContext?
    ) {
        self.tls = tls
        self.configuration = configuration
        self.counters = counters
        self.host = host
        self.group = group
    }

    /// Binds and returns the port.
    func start(port: Int) async throws -> Int {
        let configuration = self.configuration
        let counters = self.counters
        let lateUsed = self.lateUsed
        let tls = self.tls
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                counters.connectionAccepted(configuration.id)
                self?.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    switch configuration.wire {
                    case .tekton:
                        // Real specialists read at most 64 KiB per line.
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: WireRequest.maximumLineLength)
                        )
                        try channel.pipeline.syncOperations.addHandler(
                            SimulatedSpecialistHandler(configuration: configuration, counters: counters, lateUsed: lateUsed)
                        )
                    case .openai:
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                        }
                        let raw = RawOutlet()
                        try channel.pipeline.syncOperations.addHandler(raw)
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false)
                        try channel.pipeline.syncOperations.addHandler(
                            SimulatedOpenAIHandler(
                                configuration: configuration, counters: counters, lateUsed: lateUsed, raw: raw))
                    }
                }
            }
            .bind(host: host, port: port)
            .get()
        channels.withLockedValue { $0.server = server }
        return server.localAddress?.port ?? port
    }

    func stop() async throws {
        let (server, children) = channels.withLockedValue { channels in
            defer { channels = (nil, [:]) }
            return (channels.server, Array(channels.children.values))
        }
        try await server?.close()
        for child in children { try? await child.close() }
    }

    private func track(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLockedValue { $0.children[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.channels.withLockedValue { _ = $0.children.removeValue(forKey: key) }
        }
    }
}

/// A certificate and key for a fleet that serves `https://`.
public struct FleetTLS: Sendable, Hashable {
    /// PEM files.
    public var certificateChain: String
    public var privateKey: String
    /// The host name in the URLs of the fleet's roster (it must be in the certificate).
    public var serverName: String

    public init(certificateChain: String, privateKey: String, serverName: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.serverName = serverName
    }
}
