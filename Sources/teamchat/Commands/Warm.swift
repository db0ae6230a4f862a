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

    func run() async throws {
        let client = TeamClient(
            configuration: .init(
                maximumConnectionsPerEndpoint: max(5, connections), maximumReplyBytes: discovery.maxReply.bytes))
        defer { client.shutdown() }
        let directory = try discovery.makeDirectory(client: client, probe: budgets.options)
        let team = try await TeamLoader.resolve(directory).roster
        TeamLoader.ensureDescriptors(for: team.count * connections)
        // N copies of each specialist in one round: the pool opens N connections to each, all at once.
        let copies = team.flatMap { specialist in Array(repeating: specialist, count: connections) }
        var options = budgets.options
        options.finishAtQuorum = false
        let (outcomes, summary) = await client.collect(.ping, to: copies, options: options)
        directory.record(outcomes, movesBreaker: false)

        var rows: [(Specialist, [SpecialistOutcome])] = []
        for specialist in team {
            rows.append((specialist, outcomes.filter { $0.specialist == specialist }))
        }
        let warmed = rows.filter { $0.1.allSatisfy(\.isSuccess) }.count
        if json {
            for (specialist, results) in rows {
                var line = JSONLine(type: "warm")
                line.add("specialist_id", specialist.id)
                line.add("success", results.allSatisfy(\.isSuccess))
                line.add("connections", results.filter(\.isSuccess).count)
                line.add("connect_ms", results.compactMap(\.connect).max().map(Formatting.milliseconds))
                line.add("ping_ms", results.compactMap(\.firstByte).max().map(Formatting.milliseconds))
                line.add("error", results.first { !$0.isSuccess }?.error?.message)
                line.add("error_kind", results.first { !$0.isSuccess }?.error?.kind.rawValue)
                line.write()
            }
            var line = JSONLine(type: "summary")
            line.add("warm", warmed)
            line.add("addressed", team.count)
            line.add("connections_each", connections)
            line.add("elapsed_ms", Formatting.milliseconds(summary.elapsed))
            line.write()
        } else {
            let style = Style.detect(terminal: Console.stdoutIsTerminal)
            var table = Table("SPECIALIST", "ENDPOINT", "CONNECT", "PING", rightAligned: [2, 3])
            for (specialist, results) in rows {
                if let failure = results.first(where: { !$0.isSuccess })?.error {
                    table.add(specialist.id, specialist.endpoint.description, "✗", HumanRoundRenderer.describe(failure))
                } else {
                    table.add(
                        specialist.id, specialist.endpoint.description,
                        results.compactMap(\.connect).max().map(Formatting.latency) ?? "pooled",
                        results.compactMap(\.firstByte).max().map(Formatting.latency) ?? "-")
                }
            }
            table.lines(header: style.bold).forEach(Console.out)
            Console.out(style.dim(
                "\(warmed)/\(team.count) warm · \(connections) connection\(connections == 1 ? "" : "s") each · \(Formatting.latency(summary.elapsed))"))
        }
        if warmed == 0 { throw ExitCode(ExitStatus.unavailable) }
        if warmed < team.count { throw ExitCode(ExitStatus.tempFailure) }
    }
}
