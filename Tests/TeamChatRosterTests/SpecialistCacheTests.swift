import Foundation
import TeamChatModel
import TeamChatRoster
import Testing

@Suite("Specialist cache", .timeLimit(.minutes(1)))
struct SpecialistCacheTests {
    let now = WallTime(secondsSince1970: 1_800_000_000)
    let apollo = Specialist.tekton(id: "a-ai", host: "127.0.0.1", port: 1, model: "m")

    func sample() -> SpecialistCache {
        var health = SpecialistHealth()
        health.record(
            SpecialistOutcome(index: 0, specialistID: "a-ai", result: .success(.answer(ChatAnswer(content: "ok"))), elapsed: .milliseconds(3)),
            now: now, jitter: 1)
        health.record(
            SpecialistOutcome(
                index: 0, specialistID: "a-ai", result: .failure(ExchangeError(.timeout, "timeout after 2.0s")),
                elapsed: .seconds(2)),
            now: now, jitter: 1)
        var cache = SpecialistCache()
        cache.updateTeam("tekton", now: now, ttl: .seconds(60)) { team in
            team.replaceRoster([apollo], discoveredAt: now, ttl: .seconds(60))
            team.specialists[0].health = health
        }
        return cache
    }

    @Test("a write merges into what is on disk: what another process wrote since this one read is never lost")
    func writesMergeWhatOthersWrote() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-store-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/cache.json"
        let mine = CacheStore(path: path)
        let theirs = CacheStore(path: path)
        #expect(mine.update { $0.lastSource = "first" } == nil)
        guard case .cache(let read) = mine.load() else { Issue.record("no cache read"); return }
        #expect(read.lastSource == "first")

        // Nobody else wrote: the write starts from what was read.
        var seen: String?
        #expect(mine.update { cache in seen = cache.lastSource; cache.lastSource = "second" } == nil)
        #expect(seen == "first")

        // Another process wrote after this one last read: the write starts from that.
        #expect(theirs.update { $0.lastSource = "theirs" } == nil)
        #expect(mine.update { cache in seen = cache.lastSource } == nil)
        #expect(seen == "theirs")
        guard case .cache(let final) = CacheStore(path: path).load() else { Issue.record("no cache read"); return }
        #expect(final.lastSource == "theirs")
    }

    @Test("round-trips through its JSON encoding")
    func roundTrip() throws {
        let cache = sample()
        #expect(try SpecialistCache.decode(cache.encoded()) == cache)
        let health = try #require(cache.team("tekton")?.health["a-ai"])
        #expect(health.requests == 2)
        #expect(health.failures == ["timeout": 1])
        #expect(health.consecutiveFailures == 1)
        #expect(health.recentLatenciesMS == [3])
        #expect(health.breaker.state == .closed(failures: 1))
        #expect(cache.lastSource == "tekton")
    }

    @Test("a schema 1 file is read as a cache of one team")
    func schemaOne() throws {
        let old = #"""
            {"schema_version":1,"source":"scan:127.0.0.1:1-2","discovered_at":1795600664.2,"ttl_seconds":60,
             "specialists":[{"id":"x-ai","host":"127.0.0.1","port":1,"health":{"requests":4,"successes":3,
             "breaker":{"state":{"open":{"until":1795600670}},"trips":1}}}]}
            """#
        let cache = try SpecialistCache.decode(Data(old.utf8))
        #expect(cache.lastSource == "scan:127.0.0.1:1-2")
        let team = try #require(cache.team("scan:127.0.0.1:1-2"))
        #expect(team.roster == [.tekton(id: "x-ai", host: "127.0.0.1", port: 1)])
        #expect(team.health["x-ai"]?.breaker.state == .open(until: WallTime(secondsSince1970: 1795600670)))
    }

    @Test("garbage, truncation and a future version are rejected, never misread", arguments: [
        "", "{", "[]", "null", #"{"schema_version":2}"#, #"{"schema_version":"x"}"#, #"{"schema_version":0,"teams":[]}"#,
    ])
    func garbage(_ text: String) {
        #expect(throws: SpecialistCache.DecodeError.self) { try SpecialistCache.decode(Data(text.utf8)) }
    }

    @Test(
        "numbers out of range are corruption, never a trap",
        arguments: [
            (#""ttl_seconds":60.0"#, #""ttl_seconds":1e308"#), (#""ttl_seconds":60.0"#, #""ttl_seconds":-1"#),
            (#""discovered_at":1800000000.0"#, #""discovered_at":1e18"#),
            (#""discovered_at":1800000000.0"#, #""discovered_at":-5"#), (#""port":1"#, #""port":70000"#),
            (#""port":1"#, #""port":1.5"#), (#""requests":2"#, #""requests":-3"#), (#""requests":2"#, #""requests":1e300"#),
            (#""recent_latencies_ms":[3.0]"#, #""recent_latencies_ms":[1e20]"#),
            (#""recent_latencies_ms":[3.0]"#, #""recent_latencies_ms":[-1e20]"#),
            (#"{"closed":{"failures":1}}"#, #"{"open":{"until":1e18}}"#),
            (#"{"closed":{"failures":1}}"#, #"{"halfOpen":{"since":-1e300}}"#), (#""trips":0"#, #""trips":99999"#),
            (#""failures":{"timeout":1}"#, #""failures":{"timeout":1e40}"#),
        ]
    )
    func outOfRange(_ replacement: (String, String)) throws {
        let encoded = String(decoding: sample().encoded(), as: UTF8.self)
        let broken = encoded.replacingOccurrences(of: replacement.0, with: replacement.1)
        #expect(broken != encoded)
        #expect(throws: SpecialistCache.DecodeError.self) { try SpecialistCache.decode(Data(broken.utf8)) }
    }

    @Test("a truncated real file and a future schema are rejected")
    func truncatedAndFuture() {
        let encoded = sample().encoded()
        #expect(throws: SpecialistCache.DecodeError.self) { try SpecialistCache.decode(encoded.prefix(encoded.count / 2)) }
        #expect(throws: SpecialistCache.DecodeError.futureVersion(99)) {
            try SpecialistCache.decode(Data(#"{"schema_version":99,"anything":true}"#.utf8))
        }
    }

    @Test("freshness follows the TTL; a roster never completely discovered is never fresh")
    func freshness() throws {
        let team = try #require(sample().team("tekton"))
        #expect(team.isFresh(now: now.advanced(by: .seconds(59))))
        #expect(!team.isFresh(now: now.advanced(by: .seconds(60))))
        var partial = team
        partial.replaceRoster(team.roster, discoveredAt: nil, ttl: .seconds(60))
        #expect(!partial.isFresh(now: now))
    }

    @Test("a new roster keeps the health of specialists still on it; other teams keep theirs")
    func replaceRoster() throws {
        var cache = sample()
        cache.updateTeam("scan:h:1-2", now: now, ttl: .seconds(10)) { team in
            team.replaceRoster([.tekton(id: "z", host: "h", port: 1)], discoveredAt: now, ttl: .seconds(10))
        }
        cache.updateTeam("tekton", now: now.advanced(by: .seconds(5)), ttl: .seconds(30)) { team in
            team.replaceRoster(
                [apollo, .tekton(id: "b-ai", host: "127.0.0.1", port: 2)], discoveredAt: now.advanced(by: .seconds(5)),
                ttl: .seconds(30))
        }
        let team = try #require(cache.team("tekton"))
        #expect(team.health["a-ai"]?.requests == 2)
        #expect(team.health["b-ai"]?.requests == 0)
        #expect(team.ttlSeconds == 30)
        #expect(cache.team("scan:h:1-2")?.roster.map(\.id) == ["z"])
        #expect(cache.lastSource == "tekton")
    }

    @Test("changes from another process add up; the latest breaker wins")
    func merging() throws {
        var mine = SpecialistHealth()
        let before = mine
        mine.record(
            SpecialistOutcome(index: 0, specialistID: "a-ai", result: .success(.answer(ChatAnswer(content: "ok"))), elapsed: .milliseconds(7)),
            now: now, jitter: 1)
        for _ in 0..<3 {
            mine.record(
                SpecialistOutcome(index: 0, specialistID: "a-ai", result: .failure(ExchangeError(.refused, "refused")),
                    elapsed: .zero),
                now: now, jitter: 1)
        }
        let changes = HealthChanges(from: before, to: mine)
        var file = try #require(sample().team("tekton")?.health["a-ai"])
        file.apply(changes)
        #expect(file.requests == 2 + 4)
        #expect(file.successes == 1 + 1)
        #expect(file.failures == ["timeout": 1, "refused": 3])
        #expect(file.recentLatenciesMS == [3, 7])
        #expect(file.breaker == mine.breaker)
        #expect(file.lastErrorKind == "refused")
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
