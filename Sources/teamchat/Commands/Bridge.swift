import ArgumentParser
import Logging
import ServiceLifecycle
import TeamChatBus
import TeamChatModel
import TeamChatRedis

/// `teamchat bridge`: this machine's specialists on a Redis bus, for teams across machines (DESIGN §8).
struct Bridge: AsyncParsableCommand, ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Put this machine's specialists on a Redis bus, so that a team spans machines.",
        discussion: """
            Fronts the team the team options name (a roster, a scan, the Tekton preset, an OpenAI-compatible API) \
            with a warm session of its own, announces it in the bus's presence registry (renewed every second; it \
            expires 3 s after the bridge dies, and is withdrawn when it stops), and answers every round that names \
            its specialists, each under the requester's reply timeout (at most --max-rounds at once). Then anyone \
            with --bus reaches them: teamchat send --bus redis://HOST:6379/TEAM "hello". Runs until SIGINT or \
            SIGTERM (exit 0).

            With TEAMCHAT_BUS_SECRET set (the same on every bridge and client), every message is signed and only \
            signed ones are answered; without it the bus trusts whoever can reach the Redis server, and the bridge \
            says so. The bus password comes from TEAMCHAT_BUS_PASSWORD (or TEAMCHAT_BUS_URL), not the command line.

            Examples:
              teamchat bridge --bus redis://bus.local:6379/blue --roster team.json
              teamchat bridge --bus redis://bus.local:6379/blue --openai http://127.0.0.1:11434/v1
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Budgets")
    var budgets: RoundFlags

    @Option(name: .long, help: ArgumentHelp("Rounds answered at once at most; more wait their turn.", valueName: "n"))
    var maxRounds = 64

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard discovery.bus != nil else { throw ValidationError("--bus names the bus to put the team on") }
        guard (1...10_000).contains(maxRounds) else { throw ValidationError("--max-rounds must be between 1 and 10000") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a level") }
    }

    func run() async throws {
        var discovery = self.discovery
        discovery.busIsTarget = true
        guard let url = discovery.busURL else { throw ExitCode(ExitStatus.usage) }
        let logger = ServerLogging.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, label: "teamchat.bridge")
        BusCredentials.warnIfOnCommandLine(discovery.bus)
        let signer = BusCredentials.signer(environment: discovery.environment, bus: url)
        let session = try discovery.makeSession(probe: budgets.options, logger: logger)
        // The team is resolved before the services start (a discovery of its own when the cache has none; a stale
        // cache's refresh is queued for the session's run).
        let team: [Specialist]
        do {
            team = try await TeamLoader.resolve(session).specialists
        } catch {
            await session.close()
            throw error
        }
        let bridge = BusBridge(
            url: url, session: session, team: team, signer: signer, maximumConcurrentRounds: maxRounds, logger: logger)
        Console.err(
            "teamchat bridge: \(team.count) specialist\(team.count == 1 ? "" : "s") of \(session.source) on \(url) "
                + "as \(bridge.bridgeID); Ctrl-C to stop")
        // The session and the bridge in one service group: a signal stops the bridge first (it withdraws its
        // presence), then the session; then the session's connections close and its health is written.
        let services = ServiceGroup(configuration: .init(
            services: [.init(service: session), .init(service: bridge)], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await services.run()
        await session.close()
        Console.err(
            "teamchat bridge: stopped after \(bridge.exchangesAnswered) answers (\(bridge.rejectedRequests) requests "
                + "dropped); presence withdrawn")
    }
}
