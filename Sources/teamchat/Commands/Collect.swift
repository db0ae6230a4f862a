import ArgumentParser
import TeamChatBus
import TeamChatModel
import TeamChatRedis

/// `teamchat collect ID`: the answers of a round posted with `send --async`.
struct Collect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Gather the answers of a round posted with send --async on a bus.",
        discussion: """
            Prints the answers that have arrived, each as send prints them, and who is still missing; with --wait, \
            waits up to that long for the rest. Exit status 0 when everyone expected has answered, 75 otherwise, 69 \
            when the bus knows no such round (or it has expired).

            Examples:
              teamchat collect 1795650020610-3f2a9c1e --bus redis://bus.local:6379/blue
              teamchat collect 1795650020610-3f2a9c1e --bus redis://bus.local:6379/blue --wait 30s --json
            """
    )

    @Argument(help: ArgumentHelp("The round id send --async printed.", valueName: "id"))
    var round: String

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Wait this long for the answers still missing.", valueName: "duration"))
    var wait = DurationArgument(.zero)

    @Flag(name: .long, help: "Print NDJSON: a reply event per answer, then a summary with who is missing.")
    var json = false

    func validate() throws {
        guard discovery.bus != nil else { throw ValidationError("--bus names the bus the round was posted on") }
    }

    func run() async throws {
        guard let url = discovery.busURL else { throw ExitCode(ExitStatus.usage) }
        let collected: BusMailbox.Collected?
        do {
            let connection = try await RedisConnection.connect(to: url)
            do {
                collected = try await BusMailbox.collect(
                    on: connection, team: url.team, round: round, wait: wait.duration,
                    signer: BusCredentials.signer(environment: discovery.environment, bus: url))
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
        } catch {
            throw fail(ExitStatus.unavailable, "\(error)")
        }
        guard let collected else { throw fail(ExitStatus.unavailable, "the bus \(url) knows no round \(round) (or it expired)") }
        var summary = RoundSummary(addressed: collected.posted.expected.count, quorum: collected.posted.expected.count)
        for outcome in collected.outcomes { summary.add(outcome) }
        if json {
            for outcome in collected.outcomes { RoundEventCodec.reply(outcome, round: nil).write() }
            var line = RoundEventCodec.summary(summary, round: nil, interrupted: false, via: "bus")
            line.add("bus_round", round)
            line.add("missing", strings: collected.missing)
            line.write()
        } else {
            var renderer = HumanRoundRenderer(
                ids: collected.posted.expected, style: .detect(terminal: Console.stdoutIsTerminal),
                wrapWidth: Console.stdoutIsTerminal ? Console.terminalWidth : nil)
            renderer.begin(round: 1, message: collected.posted.message)
            for outcome in collected.outcomes { renderer.render(.outcome(outcome)) }
            for id in collected.missing { Console.out(TerminalSanitizer.sanitizeLine(id) + "  … no answer yet") }
            Console.out(KindWords.summary(summary) + (collected.missing.isEmpty ? "" : " · \(collected.missing.count) waiting"))
        }
        if !collected.missing.isEmpty { throw ExitCode(ExitStatus.tempFailure) }
    }
}
