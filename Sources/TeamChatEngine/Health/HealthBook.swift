import Logging
import NIOConcurrencyHelpers
import TeamChatModel

/// Every specialist's health and circuit breaker, in memory, shared by all the rounds of a session.
///
/// Admission and recording are each one atomic step under one lock, so that concurrent rounds let exactly one
/// half-open trial through. The cache file is only its persistence: a book starts from what the file held and hands
/// back what changed since (``takeChanges()``), to be merged into whatever the file holds by then.
public final class HealthBook: Sendable {
    private struct Entry {
        /// As last loaded or persisted.
        var baseline: SpecialistHealth
        var current: SpecialistHealth
    }

    private let entries: NIOLockedValueBox<[String: Entry]>
    private let clock: any WallClock
    private let jitter: @Sendable () -> Double
    private let logger: Logger

    /// - Parameters:
    ///   - health: what the cache knows, by specialist id.
    ///   - jitter: the factor applied to open periods (0.8…1.2 in production).
    ///   - logger: hears every breaker that opens (warning) and closes again (info).
    public init(
        health: [String: SpecialistHealth] = [:],
        clock: any WallClock = SystemWallClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) },
        logger: Logger = Logger(label: "teamchat.health")
    ) {
        self.entries = NIOLockedValueBox(health.mapValues { Entry(baseline: $0, current: $0) })
        self.clock = clock
        self.jitter = jitter
        self.logger = logger
    }

    /// Decides, for each of `ids` at once, whether its breaker lets a request through now. When every one would be
    /// skipped, none is: the whole team is never skipped (and no trial is used up).
    public func admit(_ ids: [String]) -> [Admission] {
        let now = clock.now
        return entries.withLockedValue { entries in
            var decisions: [Admission] = []
            decisions.reserveCapacity(ids.count)
            var breakers: [CircuitBreaker?] = []
            breakers.reserveCapacity(ids.count)
            for id in ids {
                guard var breaker = entries[id]?.current.breaker else {
                    decisions.append(.allow)
                    breakers.append(nil)
                    continue
                }
                decisions.append(breaker.admit(now: now))
                breakers.append(breaker)
            }
            let skipped = decisions.count { if case .skip = $0 { true } else { false } }
            if !ids.isEmpty, skipped == ids.count {
                return Array(repeating: .allow, count: ids.count)
            }
            for (id, breaker) in zip(ids, breakers) {
                if let breaker { entries[id]?.current.breaker = breaker }
            }
            return decisions
        }
    }

    /// Records an outcome. `trial` tells that it answers a half-open trial: a cancelled trial frees the next request
    /// to be one.
    public func record(_ outcome: SpecialistOutcome, trial: Bool = false, movesBreaker: Bool = true) {
        let now = clock.now
        let factor = jitter()
        let (before, after) = entries.withLockedValue { entries in
            var entry = entries[outcome.specialistID] ?? Entry(baseline: SpecialistHealth(), current: SpecialistHealth())
            let before = entry.current.breaker.state
            entry.current.record(outcome, now: now, jitter: factor, movesBreaker: movesBreaker)
            if trial, outcome.error?.kind == .cancelled { entry.current.breaker.abandonTrial(now: now) }
            entries[outcome.specialistID] = entry
            return (before, entry.current.breaker.state)
        }
        switch (before, after) {
        case (.open, .open), (.closed, .closed), (.halfOpen, .halfOpen), (_, .halfOpen):
            break
        case (_, .open(let until)):
            logger.warning(
                "circuit opened",
                metadata: [
                    "specialist": "\(outcome.specialistID)", "kind": "\(outcome.error?.kind.rawValue ?? "-")",
                    "for_s": "\(now.duration(to: until).secondsText)",
                ])
        case (_, .closed):
            logger.info("circuit closed", metadata: ["specialist": "\(outcome.specialistID)"])
        }
    }

    /// Holds a specialist's breaker open for `duration` (it answered HTTP 429 with `Retry-After`).
    public func hold(_ id: String, for duration: Duration) {
        let until = clock.now.advanced(by: duration)
        entries.withLockedValue { entries in
            var entry = entries[id] ?? Entry(baseline: SpecialistHealth(), current: SpecialistHealth())
            entry.current.breaker.hold(until: until)
            entries[id] = entry
        }
    }

    /// Each specialist's health now.
    public func snapshot() -> [String: SpecialistHealth] {
        entries.withLockedValue { $0.mapValues(\.current) }
    }

    /// One specialist's health now.
    public func health(of id: String) -> SpecialistHealth? {
        entries.withLockedValue { $0[id]?.current }
    }

    /// What changed since the book was made or last asked, by specialist; from now on, changes count from here.
    public func takeChanges() -> [String: HealthChanges] {
        entries.withLockedValue { entries in
            var changes: [String: HealthChanges] = [:]
            for (id, entry) in entries where entry.baseline != entry.current {
                changes[id] = HealthChanges(from: entry.baseline, to: entry.current)
                entries[id]?.baseline = entry.current
            }
            return changes
        }
    }

}
