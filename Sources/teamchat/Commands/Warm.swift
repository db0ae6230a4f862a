import ArgumentParser
import TeamChatCore

/// `teamchat warm`: connect to everyone now and ping.
struct Warm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warm",
        abstract: "Open connections to every specialist in parallel, ping them, and report connect and ping times.",
        discussion: "Updates each specialist's health in the cache. With --connections N, opens N connections to each."
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Budgets")
    var budgets: RoundFlags

    @Option(name: .long, help: "Connections to open to each specialist.")
    var connections = 1

    @Flag(name: .long, help: "Print NDJSON: a 'warm' object per specialist, then a 'summary'.")
    var json = false

    func validate() throws {
        guard (1...64).contains(connections) else { throw ValidationError("--connections must be between 1 and 64") }
    }

    private struct Row: Sendable {
        var specialist: Specialist
        var prewarm: PrewarmResult
        var ping: SpecialistOutcome?

        var error: ExchangeError? { prewarm.error ?? ping?.error }
        var isWarm: Bool { error == nil && ping?.isSuccess == true }
    }

    func run() async throws {
        let session = try discovery.makeSession(probe: budgets.options, connectionsPerSpecialist: max(5, connections))
        let options = budgets.options
        let started = ContinuousClock.now
        let finished = await session.withRunning { session in
            await Interrupts.run { () async -> Result<[Row], ExitCode> in
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
                    return .success(
                        zip(team, prewarmed).map { Row(specialist: $0, prewarm: $1, ping: byID[$0.id]) })
                } catch let exit as ExitCode {
                    return .failure(exit)
                } catch {
                    return .failure(ExitCode(ExitStatus.interrupted))
                }
            }
        }
        let (result, interrupted) = (finished.result, finished.interrupted)
        let rows: [Row]
        switch result {
        case .success(let found): rows = found
        case .failure(let exit): throw exit
        }
        let elapsed = started.duration(to: .now)
        let warmed = rows.filter(\.isWarm).count
        if json {
            for row in rows {
                var line = JSONObjectWriter(type: "warm")
                line.add("specialist_id", row.specialist.id)
                line.add("success", row.isWarm)
                line.add("connections", row.prewarm.connectDurations.count + row.prewarm.alreadyOpen)
                line.add("connect_ms", row.prewarm.connectDurations.max().map(Formatting.milliseconds))
                line.add("ping_ms", row.ping?.firstByte.map(Formatting.milliseconds))
                line.add("error", row.error?.message)
                line.add("error_kind", row.error?.kind.rawValue)
                line.write()
            }
            var line = JSONObjectWriter(type: "summary")
            line.add("warm", warmed)
            line.add("addressed", rows.count)
            line.add("connections_each", connections)
            line.add("elapsed_ms", Formatting.milliseconds(elapsed))
            line.add("interrupted", interrupted)
            line.write()
        } else {
            let style = Style.detect(terminal: Console.stdoutIsTerminal)
            var table = Table("SPECIALIST", "ENDPOINT", "CONNECT", "PING", rightAligned: [2, 3])
            for row in rows {
                if let failure = row.error {
                    table.add(row.specialist.id, row.specialist.address.description, "✗", KindWords.describe(failure))
                } else {
                    table.add(
                        row.specialist.id, row.specialist.address.description,
                        row.prewarm.connectDurations.max().map(Formatting.latency) ?? "pooled",
                        row.ping?.firstByte.map(Formatting.latency) ?? "-")
                }
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
