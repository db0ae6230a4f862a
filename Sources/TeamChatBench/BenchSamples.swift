/// How a benchmark opens connections.
public enum BenchMode: String, Codable, Sendable, CaseIterable {
    /// One client for the whole run: warm, pooled connections (after warm-up).
    case pooled
    /// A fresh client every round: a new connection per specialist per round, the "before" of teamchat.
    case cold
    /// Rounds through a running `teamchat serve`, over HTTP: its warm pools, plus the HTTP hop.
    case gateway
}

/// One request of a benchmark round: the raw data every report is computed from (and `--save` keeps).
public struct RequestSample: Codable, Hashable, Sendable {
    public var mode: BenchMode
    public var round: Int
    public var specialistID: String
    public var success: Bool
    public var errorKind: String?
    /// From the round's actual start to this outcome.
    public var latencyMS: Double
    /// From the round's scheduled start (open loop) to this outcome: corrected for coordinated omission.
    public var correctedMS: Double
    /// The TCP connect, when this request opened a connection.
    public var connectMS: Double?
    public var reused: Bool
    /// From the request to the reply's first byte (its first token, streaming).
    public var firstByteMS: Double?
    /// Tokens, when the specialist's server reported them (OpenAI-compatible `usage`).
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// The model that answered, as its server named it.
    public var model: String?

    enum CodingKeys: String, CodingKey {
        case mode, round, success, reused
        case specialistID = "specialist_id"
        case errorKind = "error_kind"
        case latencyMS = "latency_ms"
        case correctedMS = "corrected_ms"
        case connectMS = "connect_ms"
        case firstByteMS = "first_byte_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case model
    }

    public init(
        mode: BenchMode, round: Int, specialistID: String, success: Bool, errorKind: String?, latencyMS: Double,
        correctedMS: Double, connectMS: Double?, reused: Bool
    ) {
        self.mode = mode
        self.round = round
        self.specialistID = specialistID
        self.success = success
        self.errorKind = errorKind
        self.latencyMS = latencyMS
        self.correctedMS = correctedMS
        self.connectMS = connectMS
        self.reused = reused
    }
}

/// One benchmark round.
public struct RoundSample: Codable, Hashable, Sendable {
    public var mode: BenchMode
    public var round: Int
    /// When the round should have started, from the start of the run (equals `startedMS` in closed loop).
    public var scheduledMS: Double
    /// When it did start.
    public var startedMS: Double
    /// From its start to its last outcome.
    public var allMS: Double
    /// From its first successful answer, and from its k-th (quorum), when they came.
    public var firstMS: Double?
    public var quorumMS: Double?
    public var replied: Int
    public var addressed: Int

    enum CodingKeys: String, CodingKey {
        case mode, round, replied, addressed
        case scheduledMS = "scheduled_ms"
        case startedMS = "started_ms"
        case allMS = "all_ms"
        case firstMS = "first_ms"
        case quorumMS = "quorum_ms"
    }

    public init(
        mode: BenchMode, round: Int, scheduledMS: Double, startedMS: Double, allMS: Double, firstMS: Double?,
        quorumMS: Double?, replied: Int, addressed: Int
    ) {
        self.mode = mode
        self.round = round
        self.scheduledMS = scheduledMS
        self.startedMS = startedMS
        self.allMS = allMS
        self.firstMS = firstMS
        self.quorumMS = quorumMS
        self.replied = replied
        self.addressed = addressed
    }

    /// How late the round started: the coordinated-omission correction added to its latencies.
    public var lateMS: Double { max(0, startedMS - scheduledMS) }
}

/// What a benchmark was asked to do, kept with its results.
public struct BenchSettings: Codable, Hashable, Sendable {
    public var addressed: Int
    public var quorum: Int
    public var concurrency: Int
    /// Rounds per second (open loop), or `nil` (closed loop).
    public var rate: Double?
    public var warmup: Int
    public var message: String
    public var timeoutMS: Double

    enum CodingKeys: String, CodingKey {
        case addressed, quorum, concurrency, rate, warmup, message
        case timeoutMS = "timeout_ms"
    }

    public init(
        addressed: Int, quorum: Int, concurrency: Int, rate: Double?, warmup: Int, message: String, timeoutMS: Double
    ) {
        self.addressed = addressed
        self.quorum = quorum
        self.concurrency = concurrency
        self.rate = rate
        self.warmup = warmup
        self.message = message
        self.timeoutMS = timeoutMS
    }
}

/// Everything one mode's run produced.
public struct BenchRun: Codable, Hashable, Sendable {
    public var mode: BenchMode
    public var elapsedMS: Double
    public var rounds: [RoundSample]
    public var requests: [RequestSample]
    /// Connections opened per specialist, counted by the transport (also those whose exchanges failed); `nil` in
    /// recordings made before it was kept, whose reports count the requests that reported a connect instead.
    public var connectionsOpened: [String: Int]?

    public init(
        mode: BenchMode, elapsedMS: Double, rounds: [RoundSample], requests: [RequestSample],
        connectionsOpened: [String: Int]? = nil
    ) {
        self.mode = mode
        self.elapsedMS = elapsedMS
        self.rounds = rounds
        self.requests = requests
        self.connectionsOpened = connectionsOpened
    }
}
