import ArgumentParser
import NIOConcurrencyHelpers
import NIOPosix
import TeamChatBench
import TeamChatFleet
import TeamChatGateway
import TeamChatModel
import TeamChatRoster

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `teamchat bench`: latency reports for a whole team.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure team-chat latency: percentiles, per-specialist rows, time to first and k-th answer, cold vs pooled.",
        discussion: """
            Runs rounds against the team (roster, scan, cache or Tekton preset) or against --fleet N simulated \
            specialists in this process. Closed loop by default (each of --concurrency workers starts a round when \
            its last one ends); with --rate R, rounds start on a fixed schedule and latencies are also reported \
            from the scheduled start, correcting for coordinated omission.

            --json prints one document (schema teamchat.bench/1: settings, then per mode: rounds, throughput, \
            round_latency_ms, round_latency_corrected_ms, first_answer_ms, quorum_answer_ms as {p50,p90,p99,p99_9,max}, \
            histogram, specialists, outcomes; speedup_p50 when both modes ran). --csv prints one row per request. \
            --save keeps the raw results as NDJSON; --report re-reports such a file. --baseline with --fail-if \
            'p99>+10%' exits 1 when a metric got worse by more than the limit.

            Examples:
              teamchat bench --fleet 18 --mode both
              teamchat bench --roster team.json --rate 100 --duration 30s --concurrency 8
            """
    )

    @OptionGroup(title: "Team")
    var discovery: DiscoveryOptions

    @Option(name: .long, help: ArgumentHelp("Benchmark N simulated specialists in this process instead of a team.", valueName: "n"))
    var fleet: Int?

    @Option(name: .long, help: ArgumentHelp("Benchmark a running 'teamchat serve' over HTTP (POST /api/team-chat; token from $TEAMCHAT_TOKEN), e.g. http://127.0.0.1:8003.", valueName: "url"))
    var gateway: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Think time of the simulated specialists.", valueName: "duration"))
    var latency = DurationArgument(.zero)

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Random spread (±) of the simulated think time.", valueName: "duration"))
    var jitter = DurationArgument(.zero)

    @Option(name: .long, help: ArgumentHelp("Measured rounds (default 200, unless --duration).", valueName: "n"))
    var rounds: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Run for this long instead of a number of rounds.", valueName: "duration"))
    var duration: DurationArgument?

    @Option(name: .long, help: ArgumentHelp("Rounds run first and left out of the results.", valueName: "n"))
    var warmup = 10

    @Option(name: .long, help: ArgumentHelp("Rounds in flight at once.", valueName: "c"))
    var concurrency = 1

    @Option(name: .long, help: ArgumentHelp("Start this many rounds per second (open loop).", valueName: "r"))
    var rate: Double?

    @Option(name: .long, help: "The message each round sends.")
    var message = "ping"

    @OptionGroup(title: "Budgets")
    var budgets: RoundFlags

    @Option(name: .long, help: ArgumentHelp("Report the time to the k-th answer (default: all).", valueName: "k"))
    var quorum: Int?

    @Option(name: .long, help: "pooled (warm connections), cold (new connections every round) or both.")
    var mode: ModeChoice = .pooled

    @Flag(name: .long, help: "Print the report as one JSON document.")
    var json = false

    @Flag(name: .long, help: "Print one CSV row per request.")
    var csv = false

    @Option(name: .long, help: ArgumentHelp("Keep the raw results in this NDJSON file.", valueName: "file"), completion: .file())
    var save: String?

    @Option(name: .long, help: ArgumentHelp("Re-report raw results saved with --save; nothing is run.", valueName: "file"), completion: .file())
    var report: String?

    @Option(name: .long, help: ArgumentHelp("A --json report or --save file to compare against.", valueName: "file"), completion: .file())
    var baseline: String?

    @Option(name: .long, help: ArgumentHelp("Fail when a metric is worse than the baseline by more than a limit, e.g. 'p99>+10%' (p50 p90 p99 p99.9 max throughput).", valueName: "condition"))
    var failIf: [String] = []

    enum ModeChoice: String, ExpressibleByArgument, CaseIterable {
        case pooled, cold, both

        var modes: [BenchMode] {
            switch self {
            case .pooled: [.pooled]
            case .cold: [.cold]
            case .both: [.cold, .pooled]
            }
        }
    }

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if rounds != nil && duration != nil { throw ValidationError("choose one of --rounds and --duration") }
        if let rounds, rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        if let duration, duration.duration <= .zero { throw ValidationError("--duration must be positive") }
        if warmup < 0 { throw ValidationError("--warmup must not be negative") }
        if !(1...1_000).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 1000") }
        if let rate, !(0.001...1_000_000).contains(rate) { throw ValidationError("--rate must be between 0.001 and 1000000 rounds per second") }
        if let fleet, !(1...10_000).contains(fleet) { throw ValidationError("--fleet must be between 1 and 10000") }
        if let quorum, quorum < 1 { throw ValidationError("--quorum must be at least 1") }
        if !failIf.isEmpty && baseline == nil { throw ValidationError("--fail-if needs --baseline") }
        if let gateway {
            guard gatewayAddress(gateway) != nil else { throw ValidationError("--gateway '\(gateway)' is not http://HOST:PORT") }
            if fleet != nil || mode != .pooled { throw ValidationError("--gateway measures the gateway's own team: no --fleet or --mode") }
        }
        for condition in failIf where RegressionGate(parsing: condition) == nil {
            throw ValidationError("--fail-if '\(condition)': expected METRIC>+N% or METRIC<-N%, METRIC one of p50 p90 p99 p99.9 max throughput")
        }
    }

    func run() async throws {
        let (settings, runs): (BenchSettings, [BenchRun])
        var interrupted = false
        if let report {
            (settings, runs) = try loadRecording(report)
        } else {
            // Ctrl-C ends the rounds in flight; what was measured by then is reported.
            let measured = await Interrupts.run { () async -> Result<(BenchSettings, [BenchRun]), ExitCode> in
                do {
                    return .success(try await measure())
                } catch let exit as ExitCode {
                    return .failure(exit)
                } catch {
                    return .failure(fail(ExitStatus.unavailable, "\(error)"))
                }
            }
            interrupted = measured.interrupted
            switch measured.result {
            case .success(let result): (settings, runs) = result
            case .failure(let exit): throw interrupted ? ExitCode(ExitStatus.interrupted) : exit
            }
        }
        if let save {
            do {
                try BenchRecording.encode(settings: settings, runs: runs).write(to: URL(fileURLWithPath: save))
            } catch {
                throw fail(ExitStatus.badInput, "cannot write '\(save)': \(error)")
            }
        }
        let result = BenchReport(settings: settings, runs: runs)
        if csv {
            BenchOutput.csv(runs)
        } else if json {
            BenchOutput.json(result)
        } else {
            BenchOutput.human(result, style: .detect(terminal: Console.stdoutIsTerminal), prices: try discovery.prices())
        }
        if interrupted { throw ExitCode(ExitStatus.interrupted) }
        try gate(result)
    }

    /// `http://HOST:PORT` as host and port.
    private func gatewayAddress(_ url: String) -> HostPort? {
        guard url.hasPrefix("http://") else { return nil }
        return HostPort(parsing: String(url.dropFirst(7).prefix { $0 != "/" }))
    }

    private func measure() async throws -> (BenchSettings, [BenchRun]) {
        var simulated: (Fleet, MultiThreadedEventLoopGroup)?
        var driver: GatewayBenchDriver?
        let team: [Specialist]
        if let gateway, let address = gatewayAddress(gateway) {
            let token = discovery.environment["TEAMCHAT_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            guard let client = await GatewayClient.connect(host: address.host, port: address.port, token: token) else {
                throw fail(ExitStatus.unavailable, "no gateway answers on \(gateway)")
            }
            let served: SpecialistCache.Team?
            do {
                served = try await client.team(source: nil)
            } catch {
                await client.close()
                throw fail(ExitStatus.unavailable, error.message)
            }
            await client.close()
            team = served?.roster ?? []
            try TeamLoader.ensureMembers(team, source: .tekton)
            driver = GatewayBenchDriver(host: address.host, port: address.port, token: token, team: team.map(\.id))
        } else if let fleet {
            // The simulated team gets its own thread, as a team in other processes would have.
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let running = try await Fleet.start(
                SimulatedSpecialistConfiguration.team(count: fleet, latency: latency.duration, jitter: jitter.duration),
                group: group)
            simulated = (running, group)
            team = running.specialists
        } else {
            let session = try discovery.makeSession(probe: budgets.options)
            team = try await session.withRunning { session in try await TeamLoader.resolve(session).specialists }
        }
        try Task.checkCancellation()
        TeamLoader.ensureDescriptors(for: team.count * max(1, concurrency))
        var options = budgets.options
        options.maximumReplyBytes = discovery.maxReply.bytes
        let workload = BenchRunner.Workload(
            rounds: duration == nil ? (rounds ?? 200) : nil,
            duration: duration?.duration,
            warmup: warmup,
            concurrency: concurrency,
            rate: rate,
            message: message,
            options: options,
            quorum: quorum ?? team.count
        )
        let discovery = self.discovery
        let connections = max(5, concurrency)
        let viaGateway = driver != nil
        let runner = BenchRunner(team: team, workload: workload, driver: driver) {
            viaGateway ? [] : discovery.transports(connectionsPerSpecialist: connections)
        }
        var runs: [BenchRun] = []
        for mode in driver == nil ? self.mode.modes : [.gateway] where !Task.isCancelled {
            let progress = BenchProgress(mode: mode, total: workload.rounds, enabled: Console.stderrIsTerminal)
            let run = await runner.run(mode, progress: progress.update)
            progress.finish()
            runs.append(run)
            if let rate, let shortfall = Self.rateShortfall(asked: rate, rounds: run.rounds.count, elapsedMS: run.elapsedMS) {
                Console.err("teamchat: warning: \(mode.rawValue): \(shortfall); more --concurrency (now "
                    + "\(concurrency)) lets more rounds run at once")
            }
        }
        if let (running, group) = simulated {
            await running.stop()
            try? await group.shutdownGracefully()
        }
        await driver?.close()
        let settings = BenchSettings(
            addressed: team.count, quorum: workload.quorum, concurrency: concurrency, rate: rate, warmup: warmup,
            message: message, timeoutMS: budgets.timeout.duration.milliseconds)
        return (settings, runs)
    }

    /// `reached 480.2 rounds/s of the 1000 asked`, when a run fell more than 5% short of its rate.
    static func rateShortfall(asked: Double, rounds: Int, elapsedMS: Double) -> String? {
        guard elapsedMS > 0 else { return nil }
        let reached = Double(rounds) / (elapsedMS / 1_000)
        guard reached < asked * 0.95 else { return nil }
        return "reached \(Formatting.fixed(reached, 1)) rounds/s of the \(Formatting.fixed(asked, 1)) asked"
    }

    private func loadRecording(_ path: String) throws -> (BenchSettings, [BenchRun]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail(ExitStatus.badInput, "cannot read '\(path)'")
        }
        do {
            return try BenchRecording.decode(data)
        } catch {
            throw fail(ExitStatus.badInput, "'\(path)': \(error.message)")
        }
    }

    /// Compares against the baseline: a `--json` report, or a `--save` recording (re-reported).
    private func gate(_ current: BenchReport) throws {
        guard let baseline else { return }
        guard let data = FileManager.default.contents(atPath: baseline) else {
            throw fail(ExitStatus.badInput, "cannot read baseline '\(baseline)'")
        }
        let previous: BenchReport
        if let report = try? JSONDecoder().decode(BenchReport.self, from: data) {
            previous = report
        } else if let recording = try? BenchRecording.decode(data) {
            previous = BenchReport(settings: recording.settings, runs: recording.runs)
        } else {
            throw fail(ExitStatus.badInput, "baseline '\(baseline)' is neither a --json report nor a --save file")
        }
        var failed = false
        for condition in failIf.compactMap(RegressionGate.init(parsing:)) {
            guard let verdict = condition.evaluate(current: current, baseline: previous) else {
                Console.err("teamchat: \(condition): no such figure in both reports")
                continue
            }
            Console.err("teamchat: \(verdict.failed ? "REGRESSION" : "ok"): \(verdict.message)")
            failed = failed || verdict.failed
        }
        if failed { throw ExitCode(1) }
    }
}

/// Bench's progress: rounds done of a mode, on a ``ProgressLine``.
struct BenchProgress: Sendable {
    let mode: BenchMode
    let total: Int?
    let line: ProgressLine

    init(mode: BenchMode, total: Int?, enabled: Bool) {
        self.mode = mode
        self.total = total
        self.line = ProgressLine(enabled: enabled)
    }

    @Sendable
    func update(_ done: Int) {
        line.show("  \(mode.rawValue): \(done)\(total.map { "/\($0)" } ?? "") rounds")
    }

    func finish() {
        line.erase()
    }
}
