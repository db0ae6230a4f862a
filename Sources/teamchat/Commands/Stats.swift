import ArgumentParser
import Foundation
import TeamChatLog
import TeamChatModel

/// `teamchat stats`: what the cache knows.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the cache knows: roster, age, and each specialist's health, latency and circuit state.",
        discussion: """
            Reads the cache only: it never probes anyone. Tokens and their cost (prices from teams.json) come from \
            the round log, when there is one.

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

    @OptionGroup(title: "Round log")
    var roundLog: LogOptions

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
            try print(withUsage(StatsReport(team: team, now: SystemWallClock().now)))
            return
        }
        guard let team = session.cachedTeam else {
            throw fail(ExitStatus.unavailable, "the cache holds nothing for \(session.source) yet: run 'teamchat discover'")
        }
        if reset {
            await session.resetHealth()
            Console.err("teamchat: health cleared for \(team.specialists.count) specialists")
            return
        }
        try print(withUsage(StatsReport(team: team, now: SystemWallClock().now)))
    }

    /// `report` with the tokens the round log holds (when there is one: stats never creates it) and their prices.
    private func withUsage(_ report: StatsReport) throws -> StatsReport {
        guard let path = roundLog.resolvedPath(environment: discovery.environment),
            RoundLog.exists(at: path)
        else { return report }
        var report = report
        do {
            report.usage = try RoundLog.open(at: path).log.usage()
        } catch {
            Warnings.warn("tokens not shown: \(error.description)")
            return report
        }
        report.prices = try discovery.prices()
        return report
    }

    private func print(_ report: StatsReport) {
        if json {
            report.jsonLines().forEach { $0.write() }
        } else {
            report.humanLines(style: .detect(terminal: Console.stdoutIsTerminal)).forEach(Console.out)
        }
    }
}
