#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The raw results of a benchmark as NDJSON (`--save`), so that `--report` can re-report them later: a `settings`
/// line, then one line per round and per request, each with its `type`.
public enum BenchRecording {
    /// A file that is not a bench recording.
    public struct RecordingError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    private struct Line: Codable {
        var type: String
        var settings: BenchSettings?
        var round: RoundSample?
        var request: RequestSample?
        var run: RunLine?
    }

    private struct RunLine: Codable {
        var mode: BenchMode
        var elapsedMS: Double
        var connectionsOpened: [String: Int]?

        enum CodingKeys: String, CodingKey {
            case mode
            case elapsedMS = "elapsed_ms"
            case connectionsOpened = "connections_opened"
        }
    }

    /// The recording of `runs`.
    public static func encode(settings: BenchSettings, runs: [BenchRun]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        func add(_ line: Line) {
            // Plain structs of strings and numbers: encoding cannot fail.
            data.append(try! encoder.encode(line))
            data.append(UInt8(ascii: "\n"))
        }
        add(Line(type: "settings", settings: settings))
        for run in runs {
            add(
                Line(
                    type: "run",
                    run: RunLine(mode: run.mode, elapsedMS: run.elapsedMS, connectionsOpened: run.connectionsOpened)))
            for round in run.rounds { add(Line(type: "round", round: round)) }
            for request in run.requests { add(Line(type: "request", request: request)) }
        }
        return data
    }

    /// Reads a recording back.
    public static func decode(_ data: Data) throws(RecordingError) -> (settings: BenchSettings, runs: [BenchRun]) {
        let decoder = JSONDecoder()
        var settings: BenchSettings?
        var runs: [BenchRun] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            guard let decoded = try? decoder.decode(Line.self, from: Data(line)) else {
                throw RecordingError("line \(number + 1) is not a teamchat bench record")
            }
            switch decoded.type {
            case "settings":
                settings = decoded.settings
            case "run":
                guard let run = decoded.run else { throw RecordingError("line \(number + 1): run without fields") }
                runs.append(
                    BenchRun(
                        mode: run.mode, elapsedMS: run.elapsedMS, rounds: [], requests: [],
                        connectionsOpened: run.connectionsOpened))
            case "round":
                guard let round = decoded.round, !runs.isEmpty else {
                    throw RecordingError("line \(number + 1): a round outside a run")
                }
                runs[runs.count - 1].rounds.append(round)
            case "request":
                guard let request = decoded.request, !runs.isEmpty else {
                    throw RecordingError("line \(number + 1): a request outside a run")
                }
                runs[runs.count - 1].requests.append(request)
            default:
                continue  // newer record types are skipped, not fatal
            }
        }
        guard let settings else { throw RecordingError("no settings line: not a teamchat bench recording") }
        try check(settings, runs)
        return (settings, runs)
    }

    /// Every number of a recording within what a real run produces: a file is untrusted input.
    private static func check(_ settings: BenchSettings, _ runs: [BenchRun]) throws(RecordingError) {
        let milliseconds = 0...LatencyDistribution.maximumMilliseconds
        func ok(_ value: Double?) -> Bool { value.map { $0.isFinite && milliseconds.contains($0) } ?? true }
        guard settings.addressed >= 0, settings.quorum >= 0, settings.concurrency >= 0, settings.warmup >= 0,
            ok(settings.timeoutMS), settings.rate.map({ $0.isFinite && $0 > 0 }) ?? true
        else { throw RecordingError("settings out of range") }
        for run in runs {
            guard ok(run.elapsedMS),
                run.rounds.allSatisfy({
                    ok($0.scheduledMS) && ok($0.startedMS) && ok($0.allMS) && ok($0.firstMS) && ok($0.quorumMS)
                        && $0.replied >= 0 && $0.addressed >= 0
                }),
                run.requests.allSatisfy({ ok($0.latencyMS) && ok($0.correctedMS) && ok($0.connectMS) }),
                (run.connectionsOpened ?? [:]).values.allSatisfy({ $0 >= 0 })
            else { throw RecordingError("a \(run.mode.rawValue) run holds values out of range") }
        }
    }
}
