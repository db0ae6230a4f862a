#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The contents of the cache file (DESIGN §4): one roster, where it came from, when it was discovered, and each
/// specialist's health.
public struct SpecialistCache: Hashable, Sendable {
    /// Files of a higher version are moved aside, never misread.
    public static let schemaVersion = 1

    public var schemaVersion = SpecialistCache.schemaVersion
    /// ``RosterSource/description`` of the source this roster came from; a cache is only used for its own source.
    public var source: String
    public var discoveredAt: WallTime
    public var ttlSeconds: Double
    public var specialists: [Entry]

    /// One specialist and its health.
    public struct Entry: Hashable, Sendable {
        public var specialist: Specialist
        public var health: SpecialistHealth

        public init(_ specialist: Specialist, health: SpecialistHealth = .init()) {
            self.specialist = specialist
            self.health = health
        }

        public var id: String { specialist.id }
    }

    public init(source: String, discoveredAt: WallTime, ttl: Duration, specialists: [Entry]) {
        self.source = source
        self.discoveredAt = discoveredAt
        self.ttlSeconds = ttl.seconds
        self.specialists = specialists
    }

    public var roster: [Specialist] { specialists.map(\.specialist) }

    /// Whether the roster is younger than its TTL at `now`.
    public func isFresh(now: WallTime) -> Bool {
        now >= discoveredAt && discoveredAt.secondsSince1970 + ttlSeconds > now.secondsSince1970
    }

    /// The health of the specialist with `id`.
    public func health(of id: String) -> SpecialistHealth? {
        specialists.first { $0.id == id }?.health
    }

    /// Replaces the roster with a newly discovered one, keeping the health of specialists still on it.
    public mutating func replaceRoster(_ roster: [Specialist], source: String, at now: WallTime, ttl: Duration) {
        let previous = Dictionary(specialists.map { ($0.id, $0.health) }, uniquingKeysWith: { first, _ in first })
        self.source = source
        discoveredAt = now
        ttlSeconds = ttl.seconds
        specialists = roster.map { Entry($0, health: previous[$0.id] ?? .init()) }
    }

    /// Adds outcomes to the health of the specialists they belong to (by id; unknown ids are ignored).
    public mutating func record(
        _ outcomes: [SpecialistOutcome],
        now: WallTime,
        movesBreaker: Bool,
        jitter: () -> Double
    ) {
        for outcome in outcomes {
            guard let index = specialists.firstIndex(where: { $0.id == outcome.specialist.id }) else { continue }
            specialists[index].health.record(outcome, now: now, jitter: jitter(), movesBreaker: movesBreaker)
        }
    }
}
