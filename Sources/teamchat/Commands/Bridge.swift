import ArgumentParser
import TeamChatBus
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
            its specialists, each under the requester's reply timeout. Then anyone with --bus reaches them: \
            teamchat send --bus redis://HOST:6379/TEAM "hello". Runs until SIGINT or SIGTERM (exit 0).

            Examples:
              teamchat bridge --bus redis://bus.local:6379/blue --roster team.json
              teamchat bridge --bus redis://bus.local:6379/blue --openai http://127.0.0.1:11434/v1
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Budgets")
    var budgets: RoundFlags

    func validate() throws {
        guard discovery.bus != nil else { throw ValidationError("--bus names the bus to put the team on") }
    }

    func run() async throws {
        var discovery = self.discovery
        discovery.busIsTarget = true
        guard let url = discovery.busURL else { throw ExitCode(ExitStatus.usage) }
        let session = try discovery.makeSession(probe: budgets.options)
        let status = try await session.withRunning { session -> Int32 in
            let team = try await TeamLoader.resolve(session).specialists
            let bridge = BusBridge(url: url, session: session, team: team)
            Console.err(
                "teamchat bridge: \(team.count) specialist\(team.count == 1 ? "" : "s") of \(session.source) on \(url) "
                    + "as \(bridge.bridgeID); Ctrl-C to stop")
            _ = await Interrupts.run { await bridge.run() }
            Console.err("teamchat bridge: stopped after \(bridge.exchangesAnswered) answers; presence withdrawn")
            return ExitStatus.ok
        }
        if status != ExitStatus.ok { throw ExitCode(status) }
    }
}
