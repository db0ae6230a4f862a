import ArgumentParser
import TeamChatEngine

/// `teamchat stats`: what the cache knows.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the cache knows: roster, age, and each specialist's health, latency and circuit state.",
        discussion: """
            Reads the cache only: it never probes anyone.

            Examples:
              teamchat stats
              teamchat stats --scan 127.0.0.1:47000-47017 --json
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @Flag(name: .long, help: "Print NDJSON: a 'cache' object, then a 'specialist_stats' object per specialist.")
    var json = false

    @Flag(name: .long, help: "Clear every specialist's health (counts, latencies, breakers), keeping the roster.")
    var reset = false

    @OptionGroup(title: "Gateway")
    var gateway: GatewayOptions

    func validate() throws {
        if discovery.noCache { throw ValidationError("stats reads the cache: --no-cache makes no sense here") }
    }

    func run() async throws {
        output.apply()
        // Only looks: a file it cannot use is left where it is (a newer teamchat's cache, say).
        let session = try discovery.makeSession(probe: RoundOptions(), readOnly: !reset)
        // A running gateway knows more than its last write to the cache: ask it (but a reset is the cache's).
        if !reset, let (link, team) = await gateway.connect(for: session) {
            await link.close()
            print(StatsReport(team: team, now: SystemWallClock().now))
            return
        }
        guard let team = session.cachedTeam else {
            throw fail(ExitStatus.unavailable, "the cache holds nothing for \(session.source) yet: run 'teamchat discover'")
        }
        if reset {
            session.resetHealth()
            Console.err("teamchat: health cleared for \(team.specialists.count) specialists")
            return
        }
        print(StatsReport(team: team, now: SystemWallClock().now))
    }

    private func print(_ report: StatsReport) {
        if json {
            report.jsonLines().forEach { $0.write() }
        } else {
            report.humanLines(style: .detect(terminal: Console.stdoutIsTerminal)).forEach(Console.out)
        }
    }
}
