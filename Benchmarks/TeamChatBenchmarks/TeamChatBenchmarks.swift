import Benchmark
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatCore
import TeamChatFleet
import TeamChatTekton

/// The DESIGN §5 workloads, each beside its baseline measured in the same run (this machine is shared and noisy:
/// compare ratios, not absolute numbers):
/// - a warm round to 18 instant specialists (baseline: the same round on fresh connections, "cold");
/// - a warm round to 1,000 specialists (wall clock and resident memory);
/// - decoding one reply (baseline: JSONDecoder on the same line);
/// - `teamchat bench`'s own bookkeeping per request (HdrHistogram recording and report building).
///
/// Mallocs per round are the one figure checked against stored thresholds (`Thresholds/`, written by
/// `make benchmark-thresholds`, checked by `make benchmark-check`): unlike times, they do not depend on how busy the
/// machine is, so a regression in them is a change in the code. They count every thread of the process, the
/// simulated specialists' too. (Benchmark names have no spaces: ordo-one/benchmark 1.38 writes a threshold file
/// under a name with spaces replaced, and looks for it under the name as it is.)
let benchmarks: @Sendable () -> Void = {
    let mallocsPerRound: [BenchmarkMetric: BenchmarkThresholds] = [
        // A few percent: the fleet's and NIO's own allocations vary a little with timing (how replies batch per read).
        .mallocCountTotal: BenchmarkThresholds(relative: [.p50: 5.0, .p90: 10.0], absolute: [.p50: 8, .p90: 16])
    ]
    let rounds = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 50,
        maxDuration: .seconds(5),
        maxIterations: 5_000,
        thresholds: mallocsPerRound
    )

    Benchmark("warm-round-18", configuration: rounds) { benchmark in
        let team = Teams.shared.team(18)
        for _ in benchmark.scaledIterations {
            blackHole(await Teams.shared.pooled.collect(.chat("ping"), to: team).summary.replied)
        }
    } setup: {
        try await Teams.shared.start(18)
    }

    Benchmark("cold-round-18-baseline", configuration: rounds) { benchmark in
        let team = Teams.shared.team(18)
        for _ in benchmark.scaledIterations {
            let engine = RoundEngine(transports: [TektonTransport.make()])
            blackHole(await engine.collect(.chat("ping"), to: team).summary.replied)
            await engine.shutdown()
        }
    } setup: {
        try await Teams.shared.start(18)
    }

    Benchmark(
        "warm-round-1000",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
            warmupIterations: 3,
            maxDuration: .seconds(10),
            maxIterations: 200,
            thresholds: [
                .mallocCountTotal: BenchmarkThresholds(relative: [.p50: 5.0, .p90: 10.0], absolute: [.p50: 400, .p90: 800])
            ]
        )
    ) { benchmark in
        let team = Teams.shared.team(1_000)
        for _ in benchmark.scaledIterations {
            blackHole(await Teams.shared.pooled.collect(.chat("ping"), to: team).summary.replied)
        }
    } setup: {
        try await Teams.shared.start(1_000)
    }

    let line = ByteBuffer(
        string: #"{"type":"response","content":"apollo-ai: the team should build a faster client","model":"llama3","ai_id":"apollo-ai"}"#)
    let codec = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(2), maxIterations: 100_000,
        thresholds: [.mallocCountTotal: BenchmarkThresholds(absolute: [.p50: 0, .p90: 0])])

    Benchmark("decode-reply", configuration: codec) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? WireReply.decode(line))
        }
    }

    Benchmark("decode-reply-jsondecoder-baseline", configuration: codec) { benchmark in
        struct Reply: Decodable {
            var type: String
            var content: String?
            var model: String?
        }
        let decoder = JSONDecoder()
        let data = Data(line.readableBytesView)
        for _ in benchmark.scaledIterations {
            blackHole(try? decoder.decode(Reply.self, from: data))
        }
    }

    Benchmark(
        "bench-bookkeeping-18000-requests",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 200)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(BenchReport(settings: Synthetic.settings, runs: [Synthetic.run]))
        }
    }
}

/// Simulated teams, started once per process on a thread of their own (as specialists in other processes would
/// be), and one pooled client kept warm across iterations.
final class Teams: Sendable {
    static let shared = Teams()

    let pooled = RoundEngine(transports: [TektonTransport.make()])
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let fleets = NIOLockedValueBox<[Int: Fleet]>([:])

    func start(_ count: Int) async throws {
        guard fleets.withLockedValue({ $0[count] }) == nil else { return }
        let needed = DescriptorLimit.needed(forSpecialists: count * 2)
        _ = DescriptorLimit.ensure(needed)
        let fleet = try await Fleet.start(SimulatedSpecialistConfiguration.team(count: count), group: group)
        fleets.withLockedValue { $0[count] = fleet }
        _ = await pooled.collect(.ping, to: fleet.specialists)  // open the pooled connections
    }

    func team(_ count: Int) -> [Specialist] {
        fleets.withLockedValue { $0[count]?.specialists ?? [] }
    }
}

/// A recorded run of 1,000 rounds of 18 requests, for the bookkeeping benchmark.
enum Synthetic {
    static let settings = BenchSettings(
        addressed: 18, quorum: 18, concurrency: 1, rate: nil, warmup: 0, message: "ping", timeoutMS: 2_000)

    static let run: BenchRun = {
        var rounds: [RoundSample] = []
        var requests: [RequestSample] = []
        for round in 0..<1_000 {
            let base = 0.3 + Double(round % 17) * 0.01
            rounds.append(
                RoundSample(
                    mode: .pooled, round: round, scheduledMS: Double(round), startedMS: Double(round), allMS: base + 0.2,
                    firstMS: base, quorumMS: base + 0.2, replied: 18, addressed: 18))
            for specialist in 0..<18 {
                requests.append(
                    RequestSample(
                        mode: .pooled, round: round, specialistID: "specialist-\(specialist)", success: specialist != 7,
                        errorKind: specialist == 7 ? "timeout" : nil, latencyMS: base + Double(specialist) * 0.01,
                        correctedMS: base, connectMS: nil, reused: true))
            }
        }
        return BenchRun(mode: .pooled, elapsedMS: 1_000, rounds: rounds, requests: requests)
    }()
}
