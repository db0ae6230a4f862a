#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TeamChatEngine
import TeamChatBench
import Testing

@Suite("Bench statistics")
struct BenchStatisticsTests {
    @Test("percentiles of 1…1000 ms are exact to 3 significant digits")
    func percentiles() throws {
        var distribution = LatencyDistribution()
        for value in 1...1_000 { distribution.record(.milliseconds(value)) }
        let ladder = try #require(distribution.ladder)
        #expect(abs(ladder.p50 - 500) <= 0.5)
        #expect(abs(ladder.p90 - 900) <= 0.9)
        #expect(abs(ladder.p99 - 990) <= 1)
        #expect(abs(ladder.p999 - 999) <= 1)
        #expect(abs(ladder.max - 1_000) <= 1)
        #expect(distribution.count == 1_000)
    }

    @Test("merging two distributions equals recording everything into one")
    func merge() {
        var low = LatencyDistribution()
        var high = LatencyDistribution()
        var all = LatencyDistribution()
        for value in 1...500 {
            low.record(.microseconds(Int64(value * 37)))
            all.record(.microseconds(Int64(value * 37)))
        }
        for value in 501...1_000 {
            high.record(.microseconds(Int64(value * 37)))
            all.record(.microseconds(Int64(value * 37)))
        }
        low.add(high)
        #expect(low.count == all.count)
        #expect(low.ladder == all.ladder)
    }

    @Test("a distribution sized at the start (to its largest value, or smaller) equals one grown value by value")
    func madeAtOnce() throws {
        // Unsorted, with values that are clamped (negative, not finite, beyond the maximum) and a spread that makes
        // a distribution grown value by value resize several times.
        var values: [Double] = [-3, .nan, .infinity, 0, 0.0004, 2e9, LatencyDistribution.maximumMilliseconds]
        var seed: UInt64 = 7
        for _ in 0..<2_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Double(seed >> 40) / 1_000)
        }
        var recorded = LatencyDistribution()
        for value in values { recorded.record(milliseconds: value) }
        let made = LatencyDistribution(milliseconds: values)
        #expect(made.count == values.count)
        #expect(made.count == recorded.count)
        #expect(made.ladder == recorded.ladder)
        for percentile in stride(from: 0.0, through: 100, by: 2.5) {
            #expect(made.percentile(percentile) == recorded.percentile(percentile))
        }
        // The largest value is the clamped maximum, to 3 significant digits.
        let maximum = try #require(made.maximum)
        #expect(abs(maximum - LatencyDistribution.maximumMilliseconds) <= LatencyDistribution.maximumMilliseconds / 1_000)
        #expect(LatencyDistribution(milliseconds: []).ladder == nil)

        // Sized for less than it is given, it still records everything (growing for it).
        var small = LatencyDistribution(largestMilliseconds: 1)
        for value in values { small.record(milliseconds: value) }
        #expect(small.ladder == recorded.ladder)
        #expect(small.count == recorded.count)
    }

    func settings(rate: Double?) -> BenchSettings {
        BenchSettings(addressed: 2, quorum: 1, concurrency: 1, rate: rate, warmup: 0, message: "m", timeoutMS: 2_000)
    }

    func run(lateness: [Double]) -> BenchRun {
        let rounds = lateness.enumerated().map { index, late in
            RoundSample(
                mode: .pooled, round: index, scheduledMS: Double(index) * 10, startedMS: Double(index) * 10 + late,
                allMS: 1, firstMS: 0.5, quorumMS: 0.5, replied: 2, addressed: 2)
        }
        let requests = lateness.indices.flatMap { index in
            ["a", "b"].map { id in
                RequestSample(
                    mode: .pooled, round: index, specialistID: id, success: id == "a" || index % 2 == 0,
                    errorKind: id == "a" || index % 2 == 0 ? nil : "timeout", latencyMS: 1, correctedMS: 1,
                    connectMS: index == 0 ? 0.2 : nil, reused: index > 0)
            }
        }
        return BenchRun(mode: .pooled, elapsedMS: Double(lateness.count) * 10, rounds: rounds, requests: requests)
    }

    @Test("open loop: a stall shows in the corrected ladder, not in the uncorrected one")
    func coordinatedOmission() throws {
        // 100 rounds of 1 ms, but ten started 50 ms late because an earlier round stalled.
        let lateness = (0..<100).map { $0 >= 90 ? 50.0 : 0 }
        let report = BenchReport(settings: settings(rate: 100), runs: [run(lateness: lateness)])
        let mode = try #require(report.modes.first)
        #expect(mode.roundLatency?.p99 ?? 0 < 1.1)
        let corrected = try #require(mode.roundLatencyCorrected)
        #expect(corrected.p50 < 1.1)
        #expect(corrected.p99 >= 50)
        #expect(BenchReport(settings: settings(rate: nil), runs: [run(lateness: lateness)]).modes[0].roundLatencyCorrected == nil)
    }

    @Test("per-specialist rows, outcome taxonomy, connections opened and the histogram add up")
    func rows() throws {
        let report = BenchReport(settings: settings(rate: nil), runs: [run(lateness: Array(repeating: 0, count: 10))])
        let mode = try #require(report.modes.first)
        #expect(mode.outcomes == ["succeeded": 15, "timeout": 5])
        #expect(mode.specialists.map(\.specialistID) == ["a", "b"])
        #expect(mode.specialists[1].errors == ["timeout": 5])
        #expect(mode.specialists[0].connectionsOpened == 1)
        #expect(mode.histogram.map(\.rounds).reduce(0, +) == 10)
        #expect(mode.roundsPerSecond == 100)
    }

    @Test("a recording re-reports to the same report")
    func recordingRoundTrip() throws {
        let original = [run(lateness: [0, 3, 0])]
        let data = BenchRecording.encode(settings: settings(rate: 50), runs: original)
        let (settings, runs) = try BenchRecording.decode(data)
        #expect(runs == original)
        #expect(BenchReport(settings: settings, runs: runs) == BenchReport(settings: self.settings(rate: 50), runs: original))
        #expect(throws: BenchRecording.RecordingError.self) { try BenchRecording.decode(Data("{\"x\":1}\n".utf8)) }
    }

    @Test("the regression gate parses conditions and fails only beyond the limit")
    func gate() throws {
        #expect(RegressionGate(parsing: "p99>+10%") != nil)
        #expect(RegressionGate(parsing: "throughput<-5%") != nil)
        #expect(RegressionGate(parsing: "p42>+10%") == nil)
        #expect(RegressionGate(parsing: "p99>10") == nil)
        let base = BenchReport(settings: settings(rate: nil), runs: [run(lateness: [0, 0])])
        var slower = base
        slower.modes[0].roundLatency?.p99 = 1.2
        let gate = try #require(RegressionGate(parsing: "p99>+10%"))
        #expect(gate.evaluate(current: slower, baseline: base)?.failed == true)
        #expect(gate.evaluate(current: base, baseline: base)?.failed == false)
        let lenient = try #require(RegressionGate(parsing: "p99>+25%"))
        #expect(lenient.evaluate(current: slower, baseline: base)?.failed == false)
    }
}

@Suite("Bench rows: first byte, tokens, speed")
struct BenchUsageTests {
    @Test("a model's row sums the tokens its server reported and takes the median first byte and speed; a socket's has none")
    func usage() throws {
        func request(_ id: String, latency: Double, firstByte: Double?, tokens: (Int, Int)?) -> RequestSample {
            var sample = RequestSample(
                mode: .pooled, round: 0, specialistID: id, success: true, errorKind: nil, latencyMS: latency,
                correctedMS: latency, connectMS: nil, reused: true)
            sample.firstByteMS = firstByte
            sample.promptTokens = tokens?.0
            sample.completionTokens = tokens?.1
            sample.model = tokens == nil ? nil : "smollm2"
            return sample
        }
        let requests = [
            request("model", latency: 1_010, firstByte: 10, tokens: (20, 100)),   // 100 tokens in 1 s
            request("model", latency: 520, firstByte: 20, tokens: (20, 100)),     // in 0.5 s
            request("model", latency: 2_030, firstByte: 30, tokens: (20, 100)),   // in 2 s
            request("socket", latency: 1, firstByte: 0.5, tokens: nil),
        ]
        let run = BenchRun(mode: .pooled, elapsedMS: 3_000, rounds: [], requests: requests)
        let settings = BenchSettings(addressed: 2, quorum: 2, concurrency: 1, rate: nil, warmup: 0, message: "m", timeoutMS: 5_000)
        let rows = try #require(BenchReport(settings: settings, runs: [run]).modes.first).specialists
        let model = try #require(rows.first { $0.specialistID == "model" })
        #expect(model.promptTokens == 60 && model.completionTokens == 300)
        #expect(model.firstByteP50MS == 20)
        #expect(model.tokensPerSecond == 100)
        #expect(model.model == "smollm2")
        let socket = try #require(rows.first { $0.specialistID == "socket" })
        #expect(socket.promptTokens == nil && socket.completionTokens == nil && socket.tokensPerSecond == nil)
        #expect(socket.firstByteP50MS == 0.5)
    }
}
