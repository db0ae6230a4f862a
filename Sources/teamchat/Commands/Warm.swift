import ArgumentParser
import TeamChatGateway
import TeamChatJSON
import TeamChatModel

/// `teamchat warm`: connect to everyone now and ping.
struct Warm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warm",
        abstract: "Open connections to every specialist in parallel, ping them, and report connect and ping times.",
        discussion: """
            Updates each specialist's health in the cache. With --connections N, opens N connections to each.

            Examples:
              teamchat warm
              teamchat warm --roster team.json --connections 4 --json
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @OptionGroup(title: "Budgets")
    var budgets: RoundFlags

    @Option(name: .long, help: "Connections to open to each specialist.")
    var connections = 1

    @Flag(name: .long, help: "Print NDJSON: a 'warm' object per specialist, then a 'summary'.")
    var json = false

    @OptionGroup(title: "Gateway")
    var gateway: GatewayOptions

    func validate() throws {
        guard (1...64).contains(connections) else { throw ValidationError("--connections must be between 1 and 64") }
    }

    func run() async throws {
        output.apply()
        let session = try discovery.makeSession(probe: budgets.options, connectionsPerSpecialist: max(5, connections))
        let options = budgets.options
        let started = ContinuousClock.now
        let rows: [(Specialist, WarmRow)]
        let interrupted: Bool
        var via: String?
        if let (link, team) = await gateway.connect(for: session), let client = await link.client() {
            via = "gateway"
            // The gateway's own pools get warm: what later rounds through it will use.
            let warmed = await Interrupts.run { () async -> Result<[(Specialist, WarmRow)], ExitCode> in
                do {
                    try TeamLoader.ensureMembers(team.roster, source: session.source)
                    let found = try await client.warm(
                        to: [], connections: connections, connectTimeout: options.connectTimeout,
                        timeout: options.timeout)
                    let byID = Dictionary(found.map { ($0.specialistID, $0) }, uniquingKeysWith: { first, _ in first })
                    return .success(team.roster.compactMap { specialist in byID[specialist.id].map { (specialist, $0) } })
                } catch let exit as ExitCode {
                    return .failure(exit)
                } catch where Task.isCancelled {
                    return .success([])  // interrupted: nothing warmed yet, which is said below
                } catch {
                    Console.err("teamchat: \(error)")
                    return .failure(ExitCode(ExitStatus.unavailable))
                }
            }
            await client.close()
            (rows, interrupted) = (try warmed.result.get(), warmed.interrupted)
        } else {
            let line = ProgressLine(enabled: !json)
            let warmed = await session.withRunning { session in
                await line.ticking({ "warming the team: opening connections and pinging · \($0.secondsText)" }) {
                    await Interrupts.run { () async -> Result<[(Specialist, WarmRow)], ExitCode> in
                        do {
                            let team = try await TeamLoader.resolve(session).specialists
                            TeamLoader.ensureDescriptors(for: team.count * connections)
                            // The pool opens the connections; then one ping each, on a warm connection.
                            let prewarmed = await session.prewarm(
                                team, connections: connections, connectTimeout: options.connectTimeout)
                            var pingOptions = options
                            pingOptions.finishAtQuorum = false
                            let (outcomes, _) = await session.engine.collect(
                                .ping, to: team, options: pingOptions, health: session.health)
                            let byID = Dictionary(outcomes.map { ($0.specialistID, $0) }, uniquingKeysWith: { a, _ in a })
                            return .success(zip(team, prewarmed).map { specialist, prewarm in
                                (specialist, WarmRow(specialistID: specialist.id, prewarm: prewarm, ping: byID[specialist.id]))
                            })
                        } catch let exit as ExitCode {
                            return .failure(exit)
                        } catch {
                            // Interrupted while the team was being found: nothing warmed, which is said below.
                            return .success([])
                        }
                    }
                }
            }
            (rows, interrupted) = (try warmed.result.get(), warmed.interrupted)
        }
        let elapsed = started.duration(to: .now)
        let warmed = rows.filter(\.1.isWarm).count
        if json {
            for (_, row) in rows { row.json.write() }
            var line = JSONObjectWriter(type: "summary")
            line.add("warm", warmed)
            line.add("addressed", rows.count)
            line.add("connections_each", connections)
            line.add("elapsed_ms", Formatting.milliseconds(elapsed))
            line.add("interrupted", interrupted)
            line.add("via", via)
            line.write()
        } else {
            let style = Style.detect(terminal: Console.stdoutIsTerminal)
            var table = Table("SPECIALIST", "ENDPOINT", "CONNECT", "PING", rightAligned: [2, 3])
            for (specialist, row) in rows {
                if let failure = row.error {
                    table.add(specialist.id, specialist.address.description, "✗", KindWords.describe(failure))
                } else {
                    table.add(
                        specialist.id, specialist.address.description,
                        row.connect.map(Formatting.latency) ?? "pooled", row.ping.map(Formatting.latency) ?? "-")
                }
            }
            if rows.isEmpty, interrupted {
                Console.err("teamchat: interrupted while finding the team: nothing was warmed")
                throw ExitCode(ExitStatus.interrupted)
            }
            table.lines(header: style.bold).forEach(Console.out)
            Console.out(style.dim(
                "\(warmed)/\(rows.count) warm · \(connections) connection\(connections == 1 ? "" : "s") each · \(Formatting.latency(elapsed))"))
        }
        if interrupted { throw ExitCode(ExitStatus.interrupted) }
        if warmed == 0 { throw ExitCode(ExitStatus.unavailable) }
        if warmed < rows.count { throw ExitCode(ExitStatus.tempFailure) }
    }
}
