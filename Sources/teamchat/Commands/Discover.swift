import ArgumentParser
import TeamChatJSON
import TeamChatModel
import TeamChatRoster
import TeamChatSession

/// `teamchat discover`: probe the team now and remember it.
struct Discover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Probe the team now (parallel ping, then info), print the roster and write the cache.",
        discussion: """
            On a terminal, a big scan says how far it got.

            Examples:
              teamchat discover --scan 127.0.0.1:47000-47017
              teamchat discover --openai http://127.0.0.1:11434/v1 --model 'llama*'
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @OptionGroup(title: "Budgets")
    var budgets: RoundFlags

    @Flag(name: .long, help: "Print NDJSON: a 'specialist' object per specialist, then a 'discovery' summary.")
    var json = false

    func run() async throws {
        output.apply()
        let session = try discovery.makeSession(probe: budgets.options)
        // A big scan takes a while: say how far it got (a terminal only, never with --json).
        let line = ProgressLine(enabled: !json)
        let source = session.source
        let finished = await session.withRunning { session in
            await Interrupts.run { () async -> Result<DiscoveryReport, RosterError> in
                do throws(RosterError) {
                    return .success(try await session.discover { probed, total in
                        guard total > 1 else { return }
                        line.show("probing \(source): \(probed) of \(total)", force: probed == total)
                    })
                } catch {
                    return .failure(error)
                }
            }
        }
        line.erase()
        let (result, interrupted) = (finished.result, finished.interrupted)
        let report: DiscoveryReport
        switch result {
        case .success(let found): report = found
        case .failure(let error): throw fail(error)
        }
        if json {
            for probe in report.probes {
                var line = JSONObjectWriter(type: "specialist")
                line.add("specialist_id", probe.specialist.id)
                line.add("transport", probe.specialist.address.transport.name)
                line.add("endpoint", probe.specialist.address.description)
                if case .tekton(let host, let port) = probe.specialist.address {
                    line.add("host", host)
                    line.add("port", port)
                }
                line.add("model", probe.specialist.model)
                line.add("component", probe.specialist.component)
                line.add("description", probe.specialist.description)
                line.add("alive", probe.isAlive)
                if probe.isAlive { line.add("ping_ms", Formatting.milliseconds(probe.outcome.elapsed)) }
                line.add("error", probe.outcome.error?.message)
                line.add("error_kind", probe.outcome.error?.kind.rawValue)
                line.write()
            }
            var summary = JSONObjectWriter(type: "discovery")
            summary.add("source", session.source.description)
            summary.add("found", report.probes.count)
            summary.add("alive", report.alive)
            summary.add("complete", report.complete)
            summary.add("elapsed_ms", Formatting.milliseconds(report.elapsed))
            summary.add("interrupted", interrupted)
            summary.write()
        } else {
            let style = Style.detect(terminal: Console.stdoutIsTerminal)
            var table = Table("SPECIALIST", "ENDPOINT", "MODEL", "PING", rightAligned: [3])
            for probe in report.probes {
                let ping = probe.outcome.error.map { "✗ " + KindWords.describe($0) } ?? Formatting.latency(probe.outcome.elapsed)
                table.add(probe.specialist.id, probe.specialist.address.description, probe.specialist.model ?? "-", ping)
            }
            table.lines(header: style.bold).forEach(Console.out)
            var footer = "\(report.alive)/\(report.probes.count) answered · \(Formatting.latency(report.elapsed)) · \(session.source)"
            if let reason = report.incompleteBecause { footer += " · not stored as fresh: \(reason)" }
            Console.out(style.dim(TerminalSanitizer.sanitizeLine(footer)))
        }
        if interrupted { throw ExitCode(ExitStatus.interrupted) }
        if report.alive == 0 { throw ExitCode(ExitStatus.unavailable) }
    }
}
