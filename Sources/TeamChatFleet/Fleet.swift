import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOPosix
import TeamChatCore
import TeamChatTekton

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

    /// Starts one server per configuration on `host`.
    public static func start(
        _ configurations: [SimulatedSpecialistConfiguration],
        host: String = "127.0.0.1",
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> Fleet {
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
                    specialists.append(.tekton(id: configuration.id, host: host, port: port, model: configuration.model))
                    continue
                }
                let server = SimulatedSpecialist(configuration: configuration, counters: counters, host: host, group: group)
                let port = try await server.start(port: configuration.port)
                servers.append(server)
                specialists.append(.tekton(id: configuration.id, host: host, port: port, model: configuration.model))
            }
        } catch {
            for server in servers { try? await server?.stop() }
            throw error
        }
        return Fleet(
            specialists: specialists, servers: servers, reserved: reserved, counters: counters, host: host, group: group)
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
        guard case .tekton(_, let port) = specialists[index].address else { return }
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
    private let channels = NIOLockedValueBox<(server: (any Channel)?, children: [ObjectIdentifier: any Channel])>(
        (nil, [:]))

    init(configuration: SimulatedSpecialistConfiguration, counters: FleetCounters, host: String, group: any EventLoopGroup) {
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
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                counters.connectionAccepted(configuration.id)
                self?.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    // Real specialists read at most 64 KiB per line.
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: WireRequest.maximumLineLength)
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        SimulatedSpecialistHandler(configuration: configuration, counters: counters, lateUsed: lateUsed)
                    )
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
