#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TeamChatCore
import Testing

@Suite("Specialist cache")
struct SpecialistCacheTests {
    let now = WallTime(secondsSince1970: 1_800_000_000)

    func sample() -> SpecialistCache {
        var cache = SpecialistCache(
            source: "tekton", discoveredAt: now, ttl: .seconds(60),
            specialists: [.init(Specialist(id: "a-ai", host: "127.0.0.1", port: 1, model: "m"))])
        let outcomes = [
            SpecialistOutcome(index: 0, specialist: cache.roster[0], result: .success(.pong), elapsed: .milliseconds(3)),
            SpecialistOutcome(
                index: 0, specialist: cache.roster[0], result: .failure(ExchangeError(.timeout, "timeout after 2.0s")),
                elapsed: .seconds(2)),
        ]
        cache.record(outcomes, now: now, movesBreaker: true, jitter: { 1 })
        return cache
    }

    @Test("round-trips through its JSON encoding")
    func roundTrip() throws {
        let cache = sample()
        #expect(try SpecialistCache.decode(cache.encoded()) == cache)
        let health = try #require(cache.health(of: "a-ai"))
        #expect(health.requests == 2)
        #expect(health.failures == ["timeout": 1])
        #expect(health.consecutiveFailures == 1)
        #expect(health.recentLatenciesMS == [3])
        #expect(health.breaker.state == .closed(failures: 1))
    }

    @Test("garbage, truncation and a future version are rejected, never misread", arguments: [
        "", "{", "[]", "null", #"{"schema_version":1}"#, #"{"schema_version":"x"}"#,
    ])
    func garbage(_ text: String) {
        #expect(throws: SpecialistCache.DecodeError.self) { try SpecialistCache.decode(Data(text.utf8)) }
    }

    @Test("a truncated real file and a future schema are rejected")
    func truncatedAndFuture() {
        let encoded = sample().encoded()
        #expect(throws: SpecialistCache.DecodeError.self) { try SpecialistCache.decode(encoded.prefix(encoded.count / 2)) }
        #expect(throws: SpecialistCache.DecodeError.futureVersion(99)) {
            try SpecialistCache.decode(Data(#"{"schema_version":99,"anything":true}"#.utf8))
        }
    }

    @Test("freshness follows the TTL")
    func freshness() {
        let cache = sample()
        #expect(cache.isFresh(now: now.advanced(by: .seconds(59))))
        #expect(!cache.isFresh(now: now.advanced(by: .seconds(60))))
    }

    @Test("a new roster keeps the health of specialists still on it")
    func replaceRoster() {
        var cache = sample()
        cache.replaceRoster(
            [Specialist(id: "a-ai", host: "127.0.0.1", port: 1), Specialist(id: "b-ai", host: "127.0.0.1", port: 2)],
            source: "tekton", at: now.advanced(by: .seconds(5)), ttl: .seconds(30))
        #expect(cache.health(of: "a-ai")?.requests == 2)
        #expect(cache.health(of: "b-ai")?.requests == 0)
        #expect(cache.ttlSeconds == 30)
    }

    @Test("latency percentiles are nearest-rank over the recent window")
    func percentiles() {
        var health = SpecialistHealth()
        health.recentLatenciesMS = (1...100).map(Double.init)
        #expect(health.latencyPercentile(50) == 50)
        #expect(health.latencyPercentile(95) == 95)
        #expect(health.latencyPercentile(100) == 100)
    }
}
