/// What one process learned about a specialist since it last wrote the cache, merged into whatever the file holds
/// by then, so that concurrent teamchat processes lose no count. Counts add up; the breaker, the consecutive-failure
/// count and the last error are the latest observation (the last writer's, when two processes saw the same
/// specialist at once).
public struct HealthChanges: Hashable, Sendable {
    /// The last failure seen.
    public struct LastError: Hashable, Sendable {
        public var message: String
        public var kind: String
        public var at: WallTime
    }

    public var requests = 0
    public var successes = 0
    public var failures: [String: Int] = [:]
    public var latenciesMS: [Double] = []
    public var consecutiveFailures: Int?
    public var lastError: LastError?
    public var lastSeen: WallTime?
    public var breaker: CircuitBreaker?

    public init() {}

    /// Whether anything changed.
    public var isEmpty: Bool { self == HealthChanges() }

    /// The changes from `before` to `after`, `after` being `before` with outcomes recorded since.
    public init(from before: SpecialistHealth, to after: SpecialistHealth) {
        requests = after.requests - before.requests
        successes = after.successes - before.successes
        for (kind, count) in after.failures where count != before.failures[kind, default: 0] {
            failures[kind] = count - before.failures[kind, default: 0]
        }
        // Every success appends one latency.
        latenciesMS = Array(after.recentLatenciesMS.suffix(max(0, min(successes, SpecialistHealth.latencyWindow))))
        if requests != 0 || after.consecutiveFailures != before.consecutiveFailures {
            consecutiveFailures = after.consecutiveFailures
        }
        if after.lastErrorAt != before.lastErrorAt, let message = after.lastError, let at = after.lastErrorAt {
            lastError = LastError(message: message, kind: after.lastErrorKind ?? "", at: at)
        }
        if after.lastSeen != before.lastSeen { lastSeen = after.lastSeen }
        if after.breaker != before.breaker { breaker = after.breaker }
    }
}

extension SpecialistHealth {
    /// Merges what another view of this specialist learned.
    public mutating func apply(_ changes: HealthChanges) {
        requests += changes.requests
        successes += changes.successes
        for (kind, count) in changes.failures { failures[kind, default: 0] += count }
        appendLatencies(changes.latenciesMS)
        if let consecutive = changes.consecutiveFailures { consecutiveFailures = consecutive }
        if let error = changes.lastError, lastErrorAt.map({ $0 <= error.at }) ?? true {
            lastError = error.message
            lastErrorKind = error.kind
            lastErrorAt = error.at
        }
        if let seen = changes.lastSeen, lastSeen.map({ $0 < seen }) ?? true { lastSeen = seen }
        if let breaker = changes.breaker { self.breaker = breaker }
    }
}
