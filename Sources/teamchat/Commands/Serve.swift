import ArgumentParser
import Logging
import NIOCore
import ServiceLifecycle
import TeamChatSession
import TeamChatGateway

/// `teamchat serve`: the warm gateway.
struct Serve: AsyncParsableCommand, ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the team over HTTP, SSE, WebSocket and a local control socket, over warm connections.",
        discussion: """
            One long-lived session: connections stay open across requests, health and breakers are held in memory \
            (written to the cache every --persist-interval and on exit), and the team is re-discovered in the \
            background before its TTL runs out. GET / is the team in a browser: a live page that streams every \
            answer into its specialist's card. Routes: POST /api/team-chat (Rhetor's request and response, plus \
            errors and summary), GET or POST /api/team-chat/stream (server-sent events: connected, message, error, \
            complete), GET /api/team-chat/ws (WebSocket rounds), GET /api/team-chat/sockets, POST /v1/rounds \
            (NDJSON), GET /metrics (Prometheus), GET /healthz.

            The commands send, warm and stats use the control socket ($XDG_RUNTIME_DIR/teamchat/serve.sock) when \
            the gateway serves the same team; --direct bypasses it. Listening anywhere but loopback needs a token \
            (--token or TEAMCHAT_TOKEN): every request must then carry 'Authorization: Bearer <token>'. SIGTERM or \
            SIGINT: stop accepting, let the rounds in flight finish, write the cache, remove the socket, exit 0.

            Examples:
              teamchat serve --roster team.json
              curl -d '{"message": "hi"}' http://localhost:8003/api/team-chat
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Round defaults")
    var budgets: RoundFlags

    @Option(name: .long, help: ArgumentHelp("Where the HTTP API listens (port 0 picks one).", valueName: "host:port"))
    var listen = "127.0.0.1:8003"

    @Option(name: .long, help: ArgumentHelp("The control socket (default: $XDG_RUNTIME_DIR/teamchat/serve.sock, else under the cache directory).", valueName: "path"))
    var controlSocket: String?

    @Flag(name: .long, help: "Do not open a control socket.")
    var noControlSocket = false

    @Option(name: .long, help: ArgumentHelp("Require 'Authorization: Bearer TOKEN' on every HTTP request (default: $TEAMCHAT_TOKEN).", valueName: "token"))
    var token: String?

    @Option(name: .long, help: ArgumentHelp("Open client connections at most.", valueName: "n"))
    var maxConnections = 1_024

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long a client may take to send a complete request.", valueName: "duration"))
    var requestTimeout = DurationArgument(.seconds(30))

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How often health is written to the cache.", valueName: "duration"))
    var persistInterval = DurationArgument(.seconds(10))

    @Option(name: .long, help: ArgumentHelp("Connections kept to each specialist at most.", valueName: "n"))
    var connections = 16

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard HostPort(parsing: listen) != nil else { throw ValidationError("--listen '\(listen)' is not HOST:PORT") }
        if !GatewayConfiguration.isLoopback(HostPort(parsing: listen)?.host ?? ""), resolvedToken == nil {
            throw ValidationError("listening on \(listen) (not loopback) needs --token or TEAMCHAT_TOKEN")
        }
        if let token = resolvedToken, token.utf8.count < 16 {
            throw ValidationError("the token must be at least 16 characters")
        }
        guard (1...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be between 1 and 1000000") }
        guard (1...1_024).contains(connections) else { throw ValidationError("--connections must be between 1 and 1024") }
        guard requestTimeout.duration > .zero, persistInterval.duration > .zero else {
            throw ValidationError("--request-timeout and --persist-interval must be positive")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a level") }
        if controlSocket != nil && noControlSocket {
            throw ValidationError("--control-socket and --no-control-socket contradict each other")
        }
    }

    private var resolvedToken: String? {
        token ?? discovery.environment["TEAMCHAT_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func run() async throws {
        let logger = ServerLogging.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, label: "teamchat.serve")
        let address = HostPort(parsing: listen)!
        let control: ControlSocket?
        if !noControlSocket, let path = controlSocket ?? ControlSocket.defaultPath(environment: discovery.environment) {
            do {
                control = try ControlSocket.claim(path)
            } catch {
                throw fail(ExitStatus.unavailable, error.description)
            }
        } else {
            control = nil
        }
        let session = try discovery.makeSession(
            probe: budgets.options, connectionsPerSpecialist: connections, persistInterval: persistInterval.duration,
            logger: logger, warn: { logger.warning("\($0)") })
        var defaults = budgets.options
        defaults.maximumReplyBytes = discovery.maxReply.bytes
        let gateway = Gateway(
            session: session,
            configuration: GatewayConfiguration(
                host: address.host, port: address.port, controlSocket: control, token: resolvedToken,
                maximumConnections: maxConnections, requestTimeout: requestTimeout.duration, roundDefaults: defaults),
            logger: logger)
        // The session and the gateway in one service group: a signal drains the gateway first (it stops accepting
        // and lets the rounds in flight finish), then stops the session; then the session's connections close and
        // its health is written.
        let outcome: Result<Void, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Tell whoever started us where we listen (port 0 picks one): one line on standard output.
                guard let addresses = try? await gateway.addresses(), let tcp = addresses.first else { return }
                Console.out("teamchat serve: listening on http://\(HostPort.describe(tcp))"
                    + (control.map { " and \($0.path)" } ?? ""))
            }
            let result: Result<Void, any Error>
            do {
                let services = ServiceGroup(configuration: .init(
                    services: [.init(service: session), .init(service: gateway)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await services.run()
                result = .success(())
            } catch {
                result = .failure(error)
            }
            await group.waitForAll()
            return result
        }
        await session.close()
        if case .failure(let error) = outcome {
            if let roster = error as? RosterError { throw fail(roster) }
            throw fail(ExitStatus.unavailable, "\(error)")
        }
    }
}

/// `HOST:PORT`, `[::1]:PORT`.
struct HostPort {
    var host: String
    var port: Int

    init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    static func describe(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        return (host.contains(":") ? "[\(host)]" : host) + ":\(address.port ?? 0)"
    }
}
