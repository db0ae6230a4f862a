/// What teamchat remembers about one specialist's behaviour: counts, recent latencies, failures, breaker.
public struct SpecialistHealth: Hashable, Sendable {
    /// Exchanges attempted (skips and our own cancellations excluded).
    public var requests = 0
    public var successes = 0
    /// Failures by `error_kind`.
    public var failures: [String: Int] = [:]
    /// Latest successful latencies in milliseconds, oldest first, at most ``latencyWindow``.
    public var recentLatenciesMS: [Double] = []
    public var consecutiveFailures = 0
    public var lastError: String?
    public var lastErrorKind: String?
    public var lastErrorAt: WallTime?
    public var lastSeen: WallTime?
    public var breaker = CircuitBreaker()

    /// Enough for a p95 that means something.
    public static let latencyWindow = 64

    public init() {}

    /// Counts one outcome at `now`. Skips (`breaker_open`) and our own cancellations say nothing about the
    /// specialist and are not counted. Only chat rounds move the breaker (`movesBreaker`): probes from discovery
    /// and warming count in the statistics, but a specialist is skipped only after failing three rounds. Latencies
    /// are a chat's only: a ping answered at once says nothing about how fast a specialist answers a question (one
    /// that hangs on every chat must never show "p50 0.4 ms").
    public mutating func record(_ outcome: SpecialistOutcome, now: WallTime, jitter: Double, movesBreaker: Bool = true) {
        switch outcome.result {
        case .success(let reply):
            requests += 1
            successes += 1
            consecutiveFailures = 0
            lastSeen = now
            if case .answer = reply { appendLatencies([(outcome.elapsed.milliseconds * 1_000).rounded() / 1_000]) }
            if movesBreaker { breaker.record(nil, now: now, jitter: jitter) }
        case .failure(let error):
            guard error.kind != .breakerOpen, error.kind != .cancelled else { return }
            requests += 1
            failures[error.kind.rawValue, default: 0] += 1
            lastError = error.message
            lastErrorKind = error.kind.rawValue
            lastErrorAt = now
            if error.kind.isLocalFailure {
                consecutiveFailures += 1
            } else if error.kind != .localResource {
                consecutiveFailures = 0
                lastSeen = now
            }
            if movesBreaker { breaker.record(error.kind, now: now, jitter: jitter) }
        }
    }

    /// Adds latencies, keeping the latest ``latencyWindow``.
    mutating func appendLatencies(_ latencies: [Double]) {
        recentLatenciesMS.append(contentsOf: latencies)
        if recentLatenciesMS.count > Self.latencyWindow {
            recentLatenciesMS.removeFirst(recentLatenciesMS.count - Self.latencyWindow)
        }
    }

    /// The share of requests that succeeded, when there were any.
    public var successRate: Double? {
        requests == 0 ? nil : Double(successes) / Double(requests)
    }

    /// A percentile (0…100) of the recent latencies, nearest-rank.
    public func latencyPercentile(_ percentile: Double) -> Double? {
        guard !recentLatenciesMS.isEmpty else { return nil }
        let sorted = recentLatenciesMS.sorted()
        let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
