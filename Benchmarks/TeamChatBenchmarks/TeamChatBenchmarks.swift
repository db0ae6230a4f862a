import Benchmark
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatEngine
import TeamChatSession
import TeamChatBench
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

    // A cache file holding a team of 1,000 with a full window of recent latencies each (about 0.5 MB): every
    // one-shot `send` reads it twice and writes it once, whichever team it asks.
    let cacheFile = Synthetic.cacheFile(specialists: 1_000)
    let cacheConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 200,
        // The same count every time: a small tolerance catches an allocation more per specialist.
        thresholds: [.mallocCountTotal: BenchmarkThresholds(relative: [.p50: 2.0, .p90: 2.0], absolute: [.p50: 200, .p90: 200])])

    Benchmark("cache-decode-1000", configuration: cacheConfiguration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? SpecialistCache.decode(cacheFile))
        }
    }

    Benchmark("cache-encode-1000", configuration: cacheConfiguration) { benchmark in
        let cache = try SpecialistCache.decode(cacheFile)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(cache.encoded())
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

    /// A cache file (DESIGN §4) of one team of `specialists`, each with 23 recent latencies.
    static func cacheFile(specialists: Int) -> Data {
        var entries: [String] = []
        for index in 0..<specialists {
            let latencies = (0..<23).map { String(Double((index * 37 + $0 * 101) % 17_000) / 100 + 0.017) }
            entries.append(
                #"{"id":"s\#(index)","transport":"tekton","host":"127.0.0.1","port":\#(62_000 + index),"#
                    + #""model":"instant","component":"c\#(index)","description":"instant specialist","#
                    + #""health":{"requests":23,"successes":23,"failures":{},"recent_latencies_ms":["#
                    + latencies.joined(separator: ",") + #"],"consecutive_failures":0,"#
                    + #""last_seen":1795663817.4179115,"breaker":{"state":{"closed":{"failures":0}},"trips":0}}}"#)
        }
        let team =
            #"{"source":"file:/tmp/r1k.json","discovered_at":1795663800.5,"ttl_seconds":60,"used_at":1795663817.4,"#
            + #""specialists":["# + entries.joined(separator: ",") + "]}"
        return Data((#"{"schema_version":2,"last_source":"file:/tmp/r1k.json","teams":["# + team + "]}\n").utf8)
    }

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
