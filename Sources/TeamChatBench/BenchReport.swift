/// A benchmark's results, computed from its raw samples: what `teamchat bench` prints and `--json` writes
/// (schema ``schema``), and what `--baseline` compares against.
public struct BenchReport: Codable, Hashable, Sendable {
    /// Bump on any incompatible change of this document's shape.
    public static let schema = "teamchat.bench/1"

    public var schema = BenchReport.schema
    public var method = LatencyDistribution.method
    public var settings: BenchSettings
    public var modes: [ModeReport]
    /// Cold p50 ÷ pooled p50, when both ran.
    public var speedupP50: Double?

    enum CodingKeys: String, CodingKey {
        case schema, method, settings, modes
        case speedupP50 = "speedup_p50"
    }

    /// One mode's figures.
    public struct ModeReport: Codable, Hashable, Sendable {
        public var mode: BenchMode
        public var rounds: Int
        public var requests: Int
        public var elapsedMS: Double
        public var roundsPerSecond: Double
        public var requestsPerSecond: Double
        /// Time to every answer, from each round's actual start.
        public var roundLatency: LatencyDistribution.Ladder?
        /// The same from each round's scheduled start (open loop only): corrected for coordinated omission.
        public var roundLatencyCorrected: LatencyDistribution.Ladder?
        public var firstAnswer: LatencyDistribution.Ladder?
        /// Time to the k-th answer (k = quorum).
        public var quorumAnswer: LatencyDistribution.Ladder?
        /// `[upper bound in ms, rounds]`, ten linear buckets from the fastest to the slowest round.
        public var histogram: [Bucket]
        public var specialists: [SpecialistRow]
        /// `succeeded` and one entry per failure kind.
        public var outcomes: [String: Int]

        enum CodingKeys: String, CodingKey {
            case mode, rounds, requests, histogram, specialists, outcomes
            case elapsedMS = "elapsed_ms"
            case roundsPerSecond = "rounds_per_second"
            case requestsPerSecond = "requests_per_second"
            case roundLatency = "round_latency_ms"
            case roundLatencyCorrected = "round_latency_corrected_ms"
            case firstAnswer = "first_answer_ms"
            case quorumAnswer = "quorum_answer_ms"
        }
    }

    public struct Bucket: Codable, Hashable, Sendable {
        public var upToMS: Double
        public var rounds: Int

        enum CodingKeys: String, CodingKey {
            case rounds
            case upToMS = "up_to_ms"
        }
    }

    /// One specialist's figures in one mode.
    public struct SpecialistRow: Codable, Hashable, Sendable {
        public var specialistID: String
        public var requests: Int
        public var p50MS: Double?
        public var p99MS: Double?
        public var maxMS: Double?
        public var errors: [String: Int]
        public var connectionsOpened: Int
        /// The median time to the reply's first byte (a model's first token, streaming).
        public var firstByteP50MS: Double?
        /// The tokens its server reported over the run; nil when it reported none.
        public var promptTokens: Int?
        public var completionTokens: Int?
        /// The median speed it wrote at, completion tokens over the time from first byte to last.
        public var tokensPerSecond: Double?
        /// The model its answers named (the last one), by which a price is found.
        public var model: String?

        enum CodingKeys: String, CodingKey {
            case requests, errors
            case specialistID = "specialist_id"
            case p50MS = "p50_ms"
            case p99MS = "p99_ms"
            case maxMS = "max_ms"
            case connectionsOpened = "connections_opened"
            case firstByteP50MS = "first_byte_p50_ms"
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case tokensPerSecond = "tokens_per_second"
            case model
        }

        /// The first-byte, token and speed figures of `requests` (this specialist's).
        mutating func addUsage(of requests: [RequestSample]) {
            let answered = requests.filter(\.success)
            firstByteP50MS = Self.median(answered.compactMap(\.firstByteMS))
            model = answered.last { $0.model != nil }?.model
            let reported = answered.filter { $0.promptTokens != nil || $0.completionTokens != nil }
            guard !reported.isEmpty else { return }
            promptTokens = reported.reduce(0) { $0 + ($1.promptTokens ?? 0) }
            completionTokens = reported.reduce(0) { $0 + ($1.completionTokens ?? 0) }
            tokensPerSecond = Self.median(reported.compactMap { request in
                guard let tokens = request.completionTokens, tokens > 0 else { return nil }
                let writing = request.latencyMS - (request.firstByteMS ?? 0)
                return writing >= 1 ? Double(tokens) / (writing / 1_000) : nil
            })
        }

        private static func median(_ values: [Double]) -> Double? {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            return sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }

    public init(settings: BenchSettings, runs: [BenchRun]) {
        self.settings = settings
        let modes = runs.map { Self.report($0, settings: settings) }
        self.modes = modes
        let p50 = { (mode: BenchMode) in modes.first { $0.mode == mode }?.roundLatency?.p50 }
        if let cold = p50(.cold), let pooled = p50(.pooled), pooled > 0 {
            speedupP50 = cold / pooled
        }
    }

    static func report(_ run: BenchRun, settings: BenchSettings) -> ModeReport {
        // Each distribution is made at the size of its largest value (see
        // ``LatencyDistribution/init(largestMilliseconds:)``): the rounds' from the rounds, each specialist's from a
        // first pass over the requests.
        let all = LatencyDistribution(milliseconds: run.rounds.lazy.map(\.allMS))
        let corrected = LatencyDistribution(milliseconds: run.rounds.lazy.map { $0.allMS + $0.lateMS })
        let first = LatencyDistribution(milliseconds: run.rounds.lazy.compactMap(\.firstMS))
        let quorum = LatencyDistribution(milliseconds: run.rounds.lazy.compactMap(\.quorumMS))
        // One row per specialist, in order of first appearance; its distribution is made once a first pass has
        // found its largest latency.
        var rows: [(id: String, largestMS: Double, latencies: LatencyDistribution?, requests: Int, errors: [String: Int], opened: Int)] = []
        var rowIndex: [String: Int] = [:]
        for request in run.requests {
            let index: Int
            if let known = rowIndex[request.specialistID] {
                index = known
            } else {
                index = rows.count
                rowIndex[request.specialistID] = index
                rows.append((request.specialistID, 0, nil, 0, [:], 0))
            }
            if request.success { rows[index].largestMS = max(rows[index].largestMS, request.latencyMS) }
        }
        for index in rows.indices {
            rows[index].latencies = LatencyDistribution(largestMilliseconds: rows[index].largestMS)
        }
        var outcomes: [String: Int] = [:]
        for request in run.requests {
            guard let index = rowIndex[request.specialistID] else { continue }
            rows[index].requests += 1
            if request.connectMS != nil { rows[index].opened += 1 }
            if request.success {
                outcomes["succeeded", default: 0] += 1
                rows[index].latencies?.record(milliseconds: request.latencyMS)
            } else {
                let kind = request.errorKind ?? "unknown"
                outcomes[kind, default: 0] += 1
                rows[index].errors[kind, default: 0] += 1
            }
        }
        let bySpecialist = Dictionary(grouping: run.requests, by: \.specialistID)
        let seconds = max(run.elapsedMS / 1_000, 1e-9)
        return ModeReport(
            mode: run.mode,
            rounds: run.rounds.count,
            requests: run.requests.count,
            elapsedMS: run.elapsedMS,
            roundsPerSecond: Double(run.rounds.count) / seconds,
            requestsPerSecond: Double(run.requests.count) / seconds,
            roundLatency: all.ladder,
            roundLatencyCorrected: settings.rate == nil ? nil : corrected.ladder,
            firstAnswer: first.ladder,
            quorumAnswer: quorum.ladder,
            histogram: histogram(run.rounds.map(\.allMS)),
            specialists: rows.map { row in
                var report = SpecialistRow(
                    specialistID: row.id, requests: row.requests, p50MS: row.latencies?.percentile(50),
                    p99MS: row.latencies?.percentile(99), maxMS: row.latencies?.maximum, errors: row.errors,
                    connectionsOpened: run.connectionsOpened?[row.id] ?? row.opened)
                report.addUsage(of: bySpecialist[row.id] ?? [])
                return report
            },
            outcomes: outcomes
        )
    }

    /// Ten linear buckets between the fastest and the slowest value (as `hey` draws them).
    static func histogram(_ values: [Double], buckets: Int = 10) -> [Bucket] {
        let values = values.filter { $0.isFinite }
        guard let low = values.min(), let high = values.max() else { return [] }
        let width = (high - low) / Double(buckets)
        guard width > 0 else { return [Bucket(upToMS: high, rounds: values.count)] }
        var counts = Array(repeating: 0, count: buckets)
        for value in values {
            let position = ((value - low) / width).rounded(.down)
            counts[position.isFinite ? min(buckets - 1, max(0, Int(min(position, Double(buckets))))) : buckets - 1] += 1
        }
        return counts.enumerated().map { index, count in
            Bucket(upToMS: low + width * Double(index + 1), rounds: count)
        }
    }
}
