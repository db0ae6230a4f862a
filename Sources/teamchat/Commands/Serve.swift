import ArgumentParser
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TeamChatGateway
import TeamChatLog
import TeamChatModel
import TeamChatRoster

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
            (NDJSON), GET /v1/conversations/ID (a conversation from the round log), GET /v1/models and \
            POST /v1/chat/completions (the team as an OpenAI-compatible model), GET /metrics (Prometheus), \
            GET /healthz. A round without conversation_id starts a conversation and its answer names it; sending \
            it back gives each specialist its own thread.

            The commands send, warm and stats use the control socket ($XDG_RUNTIME_DIR/teamchat/serve.sock, in a \
            directory of yours that nobody else may enter) when the gateway serves the same team; --direct \
            bypasses it. Listening anywhere but loopback needs a token (TEAMCHAT_TOKEN, or --token): every request \
            must then carry 'Authorization: Bearer <token>'. SIGTERM or SIGINT: stop accepting, let the rounds in \
            flight finish, write the cache, remove the socket, exit 0.

            Only who may ask can ask: a request must name this gateway in its Host (localhost, a loopback address, \
            the listen address, or --allow-host), a browser's request must come from the gateway's own page (or \
            --allow-origin), and a round is never started from a form's content type. No client can hurt another: \
            one that does not read what it is sent is dropped after --write-timeout, a request's timeouts and \
            limits never exceed the gateway's own (and its own tighter ones never open a breaker), and at the \
            connection cap the connections that never finished a request make room first; past --max-rounds rounds at \
            once, a new one is refused with 429 and Retry-After.

            Examples:
              teamchat serve --roster team.json
              curl -H 'Content-Type: application/json' -d '{"message": "hi"}' http://localhost:8003/api/team-chat
              teamchat serve --roster team.json --allow-origin http://localhost:3000
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Round defaults")
    var budgets: RoundFlags

    @Option(name: .long, help: ArgumentHelp("Where the HTTP API listens (port 0 picks one).", valueName: "host:port"))
    var listen = "127.0.0.1:8003"

    @Option(name: .long, help: ArgumentHelp("The control socket (default: $XDG_RUNTIME_DIR/teamchat/serve.sock, else $XDG_CACHE_HOME/teamchat/control/serve.sock).", valueName: "path"))
    var controlSocket: String?

    @Flag(name: .long, help: "Do not open a control socket.")
    var noControlSocket = false

    @Option(name: .long, help: ArgumentHelp("Require 'Authorization: Bearer TOKEN' on every HTTP request (default: $TEAMCHAT_TOKEN).", valueName: "token"))
    var token: String?

    @Option(name: .long, help: ArgumentHelp("Open client connections at most (at the cap, one that never finished a request goes first, one being answered never).", valueName: "n"))
    var maxConnections = 1_024

    @Option(name: .long, help: ArgumentHelp("Rounds running at once at most, over every client (one more gets 429 and Retry-After).", valueName: "n"))
    var maxRounds = 512

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long a request may take to arrive whole, once it starts.", valueName: "duration"))
    var requestTimeout = DurationArgument(.seconds(10))

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long a connection, or a WebSocket with no round in flight, may stay idle.", valueName: "duration"))
    var idleTimeout = DurationArgument(.seconds(60))

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long a client may leave what it is sent unread before it is dropped.", valueName: "duration"))
    var writeTimeout = DurationArgument(.seconds(10))

    @Option(name: .long, help: ArgumentHelp("Also accept requests whose Host names this (repeatable; '*' any).", valueName: "name"))
    var allowHost: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also accept browser requests from this origin, e.g. http://localhost:3000 (repeatable; '*' any).", valueName: "origin"))
    var allowOrigin: [String] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How often health is written to the cache.", valueName: "duration"))
    var persistInterval = DurationArgument(.seconds(10))

    @Option(name: .long, help: ArgumentHelp("Connections kept to each specialist at most.", valueName: "n"))
    var connections = 16

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    @OptionGroup(title: "Round log")
    var roundLog: LogOptions

    func validate() throws {
        guard HostPort(parsing: listen) != nil else { throw ValidationError("--listen '\(listen)' is not HOST:PORT") }
        if !GatewayConfiguration.isLoopback(HostPort(parsing: listen)?.host ?? ""), resolvedToken == nil {
            throw ValidationError("listening on \(listen) (not loopback) needs --token or TEAMCHAT_TOKEN")
        }
        if let token = resolvedToken, token.utf8.count < 16 {
            throw ValidationError("the token must be at least 16 characters")
        }
        guard (1...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be between 1 and 1000000") }
        guard (1...1_000_000).contains(maxRounds) else { throw ValidationError("--max-rounds must be between 1 and 1000000") }
        guard (1...1_024).contains(connections) else { throw ValidationError("--connections must be between 1 and 1024") }
        guard requestTimeout.duration > .zero, persistInterval.duration > .zero, idleTimeout.duration > .zero,
            writeTimeout.duration > .zero
        else {
            throw ValidationError(
                "--request-timeout, --idle-timeout, --write-timeout and --persist-interval must be positive")
        }
        for origin in allowOrigin where origin != "*" && HTTPOrigin(parsing: origin) == nil {
            throw ValidationError("--allow-origin '\(origin)' is not an origin (http://HOST[:PORT])")
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
        if token != nil {
            Warnings.warn("the token in --token is visible to every user of this machine (ps); set TEAMCHAT_TOKEN instead")
        }
        let address = HostPort(parsing: listen)!
        let control: ControlSocket?
        if !noControlSocket, let path = controlSocket ?? ControlSocket.defaultPath(environment: discovery.environment) {
            do {
                control = try ControlSocket.claim(path)
            } catch {
                throw fail(error.kind == .busy ? ExitStatus.unavailable : ExitStatus.cannotCreate, error.description)
            }
        } else {
            control = nil
        }
        let session = try discovery.makeSession(
            probe: budgets.options, connectionsPerSpecialist: connections, persistInterval: persistInterval.duration,
            logger: logger, warn: { logger.warning("\($0)") })
        var defaults = budgets.options
        defaults.maximumReplyBytes = discovery.maxReply.bytes
        // The rounds of TCP clients are kept here; those through the control socket, by the `send` that asked.
        var log: RoundLog?
        if let path = roundLog.resolvedPath(environment: discovery.environment) {
            do {
                let (opened, movedAside) = try RoundLog.open(at: path)
                if let movedAside { logger.warning("the round log \(path) was damaged: moved to \(movedAside)") }
                log = opened
            } catch {
                logger.warning("rounds are not logged: \(error.description)")
            }
        }
        var configuration = GatewayConfiguration(
            host: address.host, port: address.port, controlSocket: control, token: resolvedToken,
            maximumConnections: maxConnections, requestTimeout: requestTimeout.duration,
            idleTimeout: idleTimeout.duration, writeTimeout: writeTimeout.duration, roundDefaults: defaults,
            allowedHosts: allowHost, allowedOrigins: allowOrigin, roundLog: log)
        configuration.maximumRounds = maxRounds
        // The named teams a request may ask for by "team": those whose source this gateway serves.
        if let path = discovery.teamsPath, FileManager.default.fileExists(atPath: path) {
            do {
                configuration.teams = try TeamsFile.load(path: path).filter { $0.source == session.source }
            } catch {
                logger.warning("named teams not served: \(error.message)")
            }
            do {
                configuration.prices = try TeamsFile.prices(path: path)
            } catch {
                logger.warning("prices not used: \(error.message)")
            }
        }
        let gateway = Gateway(session: session, configuration: configuration, logger: logger)
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
