import ArgumentParser
import NIOPosix
import TeamChatBench
import TeamChatEngine
import TeamChatFleet
import TeamChatModel
import TeamChatOpenAI
import TeamChatTekton

/// `teamchat demo`: the zero-setup tour.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Tour teamchat on an in-process simulated team: nothing else needs to run.",
        usage: "teamchat demo [<options>]",
        discussion: """
            Starts 18 simulated specialists (15 speaking Tekton's socket protocol, 3 serving OpenAI-compatible chat \
            completions over HTTP; one hangs, one is down), discovers them, runs a cold and a warm round, and \
            compares cold and pooled round times on instant specialists. Takes a few seconds.

            Examples:
              teamchat demo
              teamchat demo --latency 50ms --rounds 5
            """
    )

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Think time of the simulated specialists.", valueName: "duration"))
    var latency = DurationArgument(.milliseconds(20))

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Reply timeout of the rounds.", valueName: "duration"))
    var timeout = DurationArgument(.seconds(1))

    @Option(name: .long, help: "Rounds per mode in the cold vs warm comparison.")
    var rounds = 40

    func validate() throws {
        guard timeout.duration > .zero else { throw ValidationError("--timeout must be positive") }
        guard (1...10_000).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 10000") }
    }

    func run() async throws {
        let (result, interrupted) = await Interrupts.run { () async -> Result<Void, any Error> in
            do {
                try await tour()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if interrupted { throw ExitCode(ExitStatus.interrupted) }
        try result.get()
    }

    private func tour() async throws {
        let style = Style.detect(terminal: Console.stdoutIsTerminal)
        func step(_ text: String) { Console.out("\n" + style.bold(style.cyan("▶ ") + text)) }

        var team = SimulatedSpecialistConfiguration.team(
            count: 18, latency: latency.duration, jitter: latency.duration / 2)
        team[5].misbehaviour = .hang  // athena-ai
        team[8].misbehaviour = .refuse  // telos-ai
        // The last three are model servers (as Ollama, vLLM or llama.cpp would be), in the same team.
        let servers = 15..<18
        for index in servers {
            team[index].wire = .openai
            team[index].model = "\(team[index].id.split(separator: "-").first ?? "sim")-sim"
        }
        let fleet = try await Fleet.start(team)
        let engine = RoundEngine(transports: [TektonTransport.make(TektonProtocol()), OpenAITransport()])

        step("A simulated team: 18 specialists on 127.0.0.1, about \(Formatting.latency(latency.duration)) of think time each; \(team[5].id) hangs, \(team[8].id) is down")
        Console.out("  \(servers.map { team[$0].id }.joined(separator: ", ")) are OpenAI-compatible servers (HTTP); the rest speak Tekton's socket protocol")

        step("Discovery: ping, then info, to all 18 in parallel")
        let options = RoundOptions(timeout: timeout.duration, connectTimeout: .milliseconds(500))
        let started = ContinuousClock.now
        let (probes, _) = await engine.collect(.probe, to: fleet.specialists, options: options)
        let alive = probes.filter(\.isSuccess)
        let deadOnes = probes.filter { !$0.isSuccess }.map { "\($0.specialistID) (\($0.error?.message ?? "?"))" }
        Console.out(
            "  \(alive.count) answered, in \(Formatting.latency(started.duration(to: .now)))"
                + (deadOnes.isEmpty ? "" : "; not answering: " + deadOnes.joined(separator: ", ")))

        let message = "What should the team build next?"
        step("Cold round: new connections, \"\(message)\" (timeout \(timeout.duration.secondsText))")
        let cold = await render(engine: engine, team: fleet.specialists, message: message, options: options, style: style)

        step("Warm round: the same question over the pooled connections")
        let warm = await render(engine: engine, team: fleet.specialists, message: message, options: options, style: style)

        step("Cold vs warm on 18 instant specialists, \(rounds) rounds each")
        // The instant team gets its own thread, as a team in other processes would have.
        let fleetGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let instant = try await Fleet.start(SimulatedSpecialistConfiguration.team(count: 18), group: fleetGroup)
        let comparison = await compare(team: instant.specialists)
        await instant.stop()
        try await fleetGroup.shutdownGracefully()
        await engine.shutdown()
        await fleet.stop()
        let ladder = { (mode: BenchMode) in comparison.modes.first { $0.mode == mode }?.roundLatency }
        if let cold = ladder(.cold), let warm = ladder(.pooled) {
            Console.out("  cold (new connections every round): p50 \(millis(cold.p50)) · p99 \(millis(cold.p99))")
            Console.out("  warm (pooled connections):          p50 \(millis(warm.p50)) · p99 \(millis(warm.p99))")
        }
        if let speedup = comparison.speedupP50 {
            Console.out(style.bold("  pooled rounds are \(Formatting.fixed(speedup, 1))× faster"))
        }

        step("What happened")
        Console.out("  the hung specialist cost exactly its \(timeout.duration.secondsText) timeout, once per round;")
        Console.out("  the dead one failed in \(Formatting.latency(cold.deadFailure)); nobody waited for either.")
        Console.out("  cold round: \(Formatting.latency(cold.slowest)) to the slowest answer; warm round: \(Formatting.latency(warm.slowest)).")
        Console.out("\nTry it on your own team:   teamchat send \"hello\"  (Tekton's ports by default; see teamchat help send)")
        Console.out("or on your own models:     teamchat send --openai http://localhost:11434/v1 \"hello\"  (Ollama's port)")
    }

    private struct RoundFacts {
        var slowest: Duration
        var deadFailure: Duration
    }

    private func render(
        engine: RoundEngine, team: [Specialist], message: String, options: RoundOptions, style: Style
    ) async -> RoundFacts {
        var renderer = HumanRoundRenderer(ids: team.map(\.id), style: style)
        var facts = RoundFacts(slowest: .zero, deadFailure: .zero)
        for await event in engine.round(.chat(message), to: team, options: options) {
            renderer.render(event)
            switch event {
            case .outcome(let outcome) where outcome.error?.kind == .refused: facts.deadFailure = outcome.elapsed
            case .finished(let summary): facts.slowest = summary.slowest ?? .zero
            default: break
            }
        }
        return facts
    }

    /// The same comparison `teamchat bench --mode both` makes: cold rounds, then pooled ones, after a warm-up.
    private func compare(team: [Specialist]) async -> BenchReport {
        let workload = BenchRunner.Workload(
            rounds: rounds, duration: nil, warmup: 5, concurrency: 1, rate: nil, message: "ping", options: RoundOptions(),
            quorum: team.count)
        let runner = BenchRunner(team: team, workload: workload) { [TektonTransport.make(TektonProtocol())] }
        let runs = [await runner.run(.cold), await runner.run(.pooled)]
        let settings = BenchSettings(
            addressed: team.count, quorum: team.count, concurrency: 1, rate: nil, warmup: 5, message: "ping",
            timeoutMS: RoundOptions().timeout.milliseconds)
        return BenchReport(settings: settings, runs: runs)
    }

    private func millis(_ value: Double) -> String {
        Formatting.millis(value)
    }
}
