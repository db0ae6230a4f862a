import ArgumentParser
import TeamChatCore

/// `teamchat discover`: probe the team now and remember it.
struct Discover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Probe the team now (parallel ping, then info), print the roster and write the cache."
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Budgets")
    var budgets: RoundFlags

    @Flag(name: .long, help: "Print NDJSON: a 'specialist' object per specialist, then a 'discovery' summary.")
    var json = false

    func run() async throws {
        let client = discovery.makeClient()
        defer { client.shutdown() }
        let directory = try discovery.makeDirectory(client: client, probe: budgets.options)
        let started = ContinuousClock.now
        let probes: [Discovery.Probe]
        do {
            probes = try await directory.discover().probes
        } catch {
            if case .file = directory.source { throw fail(ExitStatus.badInput, error.message) }
            throw fail(ExitStatus.usage, error.message)
        }
        let elapsed = started.duration(to: .now)
        let alive = probes.filter(\.isAlive).count
        if json {
            for probe in probes {
                var line = JSONLine(type: "specialist")
                line.add("specialist_id", probe.specialist.id)
                line.add("host", probe.specialist.host)
                line.add("port", probe.specialist.port)
                line.add("model", probe.specialist.model)
                line.add("component", probe.specialist.component)
                line.add("description", probe.specialist.description)
                line.add("alive", probe.isAlive)
                if case .success(let ping) = probe.ping { line.add("ping_ms", Formatting.milliseconds(ping)) }
                line.add("error", probe.outcome.error?.message)
                line.add("error_kind", probe.outcome.error?.kind.rawValue)
                line.write()
            }
            var summary = JSONLine(type: "discovery")
            summary.add("source", directory.source.description)
            summary.add("found", probes.count)
            summary.add("alive", alive)
            summary.add("elapsed_ms", Formatting.milliseconds(elapsed))
            summary.write()
        } else {
            let style = Style.detect(terminal: Console.stdoutIsTerminal)
            var table = Table("SPECIALIST", "ENDPOINT", "MODEL", "PING", rightAligned: [3])
            for probe in probes {
                let ping: String
                switch probe.ping {
                case .success(let duration): ping = Formatting.latency(duration)
                case .failure(let error): ping = "✗ " + HumanRoundRenderer.describe(error)
                }
                table.add(
                    TerminalSanitizer.sanitize(probe.specialist.id), probe.specialist.endpoint.description,
                    TerminalSanitizer.sanitize(probe.specialist.model ?? "-"), ping)
            }
            table.lines(header: style.bold).forEach(Console.out)
            Console.out(style.dim("\(alive)/\(probes.count) answered · \(Formatting.latency(elapsed)) · \(directory.source)"))
        }
        if alive == 0 {
            throw ExitCode(ExitStatus.unavailable)
        }
    }
}
