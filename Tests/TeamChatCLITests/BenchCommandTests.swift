import Foundation
@testable import teamchat
import Testing

@Suite("teamchat bench", .timeLimit(.minutes(1)))
struct BenchCommandTests {
    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-\(UUID())-\(name)").path
    }

    @Test("--json is one versioned document with both modes and a speedup")
    func json() async throws {
        let result = try await BinaryRunner.run(["bench", "--fleet", "3", "--rounds", "20", "--warmup", "2", "--mode", "both", "--json"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "teamchat.bench/1")
        let modes = try #require(document["modes"] as? [[String: Any]])
        #expect(modes.map { $0["mode"] as? String } == ["cold", "pooled"])
        for mode in modes {
            #expect(mode["rounds"] as? Int == 20)
            #expect(mode["requests"] as? Int == 60)
            let ladder = try #require(mode["round_latency_ms"] as? [String: Double])
            #expect(Set(ladder.keys) == ["p50", "p90", "p99", "p99_9", "max", "mean", "stdev"])
            #expect((mode["specialists"] as? [[String: Any]])?.count == 3)
        }
        let opened = { (index: Int) in
            ((modes[index]["specialists"] as? [[String: Any]]) ?? []).compactMap { $0["connections_opened"] as? Int }
        }
        #expect(opened(0) == [20, 20, 20])  // cold: a new connection every round
        #expect(opened(1) == [0, 0, 0])  // pooled: opened during warm-up, reused after
        #expect(document["speedup_p50"] is Double)
    }

    @Test("--csv has one row per request; --save and --report reproduce the report")
    func csvSaveReport() async throws {
        let saved = temporary("raw.ndjson")
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let csv = try await BinaryRunner.run(["bench", "--fleet", "2", "--rounds", "5", "--warmup", "0", "--csv", "--save", saved])
        #expect(csv.status == 0)
        #expect(csv.lines.first == "mode,round,specialist_id,success,error_kind,latency_ms,corrected_ms,connect_ms,reused,first_byte_ms,prompt_tokens,completion_tokens,model")
        #expect(csv.lines.count == 1 + 10)
        let first = try await BinaryRunner.run(["bench", "--report", saved, "--json"])
        let second = try await BinaryRunner.run(["bench", "--report", saved, "--json"])
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.contains("\"rounds\" : 5"))
    }

    @Test("human output has the ladder, the histogram, the rows and the method")
    func human() async throws {
        let result = try await BinaryRunner.run(["bench", "--fleet", "2", "--rounds", "10", "--quorum", "1"])
        #expect(result.status == 0)
        for expected in ["round latency (all answers)", "time to 1st answer", "histogram", "SPECIALIST", "outcomes: 20 succeeded", "HdrHistogram", "100.0 % succeeded", " · avg ", " ± "] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
    }

    @Test("--rate runs open loop and reports the corrected ladder; --duration bounds the run")
    func openLoop() async throws {
        let result = try await BinaryRunner.run(
            ["bench", "--fleet", "2", "--rate", "200", "--duration", "250ms", "--warmup", "0", "--concurrency", "2", "--json"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let mode = try #require((document["modes"] as? [[String: Any]])?.first)
        #expect(mode["round_latency_corrected_ms"] is [String: Double])
        let rounds = try #require(mode["rounds"] as? Int)
        // 200 rounds/s for 250 ms schedules 50 rounds; one due just as the clock runs out is not started.
        #expect((45...50).contains(rounds), "got \(rounds)")
        #expect((document["settings"] as? [String: Any])?["rate"] as? Double == 200)
        let closed = try await BinaryRunner.run(["bench", "--fleet", "1", "--rounds", "3", "--warmup", "0", "--json"])
        #expect(!closed.stdout.contains("round_latency_corrected_ms"))
    }

    @Test("--rate beyond what one round at a time can do: the run still ends at --duration, and says so")
    func rateNotReached() async throws {
        // 10 ms think time: one round at a time cannot start 1000 a second.
        let result = try await BinaryRunner.run(
            ["bench", "--fleet", "2", "--latency", "10ms", "--rate", "1000", "--duration", "300ms", "--warmup", "0",
             "--json"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let mode = try #require((document["modes"] as? [[String: Any]])?.first)
        let elapsed = try #require(mode["elapsed_ms"] as? Double)
        // Behind schedule, it used to run on until all 300 scheduled rounds were done (3 s and more).
        #expect(elapsed < 1_000, "ran \(elapsed) ms for a 300 ms --duration")
        #expect(result.stderr.contains("rounds/s of the 1000.0 asked; more --concurrency (now 1)"))
    }

    @Test("bench words: histogram ranges that read differently, and no '1.0× faster'")
    func words() {
        let close = BenchOutput.histogramLabels([1.001, 1.002, 1.003])
        #expect(Set(close).count == 3, "\(close)")
        #expect(BenchOutput.histogramLabels([1.0, 2.0]) == ["0.00–1.00 ms", "1.00–2.00 ms"])
        #expect(BenchOutput.comparison(2.84) == "round p50 2.8× faster with pooled connections")
        #expect(BenchOutput.comparison(1.02) == "no measurable difference in round p50")
        #expect(BenchOutput.comparison(0.5) == "round p50 2.0× faster with new connections")
        #expect(Bench.rateShortfall(asked: 100, rounds: 99, elapsedMS: 1_000) == nil)
        #expect(Bench.rateShortfall(asked: 100, rounds: 50, elapsedMS: 1_000) == "reached 50.0 rounds/s of the 100.0 asked")
    }

    @Test("the regression gate exits 1 when worse than the baseline and 0 otherwise")
    func gate() async throws {
        let baseline = temporary("baseline.json")
        defer { try? FileManager.default.removeItem(atPath: baseline) }
        let saved = temporary("raw.ndjson")
        defer { try? FileManager.default.removeItem(atPath: saved) }
        _ = try await BinaryRunner.run(["bench", "--fleet", "2", "--rounds", "20", "--save", saved])
        let report = try await BinaryRunner.run(["bench", "--report", saved, "--json"])
        // A baseline ten times faster than what was measured: any honest run is a regression against it.
        var document = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        var modes = try #require(document["modes"] as? [[String: Any]])
        var ladder = try #require(modes[0]["round_latency_ms"] as? [String: Double])
        ladder = ladder.mapValues { $0 / 10 }
        modes[0]["round_latency_ms"] = ladder
        document["modes"] = modes
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: baseline))
        let worse = try await BinaryRunner.run(["bench", "--report", saved, "--baseline", baseline, "--fail-if", "p99>+10%"])
        #expect(worse.status == 1)
        #expect(worse.stderr.contains("REGRESSION"))
        let same = try await BinaryRunner.run(["bench", "--report", saved, "--baseline", saved, "--fail-if", "p99>+10%"])
        #expect(same.status == 0)
        #expect(try await BinaryRunner.run(["bench", "--fleet", "1", "--fail-if", "p99>+10%"]).status == 64)
    }
}
