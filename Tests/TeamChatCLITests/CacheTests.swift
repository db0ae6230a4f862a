import Foundation
import TeamChatRoster
import TeamChatFleet
import TeamChatTestSupport
import Testing

@Suite("Cache, health and breakers, end to end", .timeLimit(.minutes(1)))
struct CacheTests {
    /// A fleet, its roster file and a cache path of its own.
    func withTeam(
        _ misbehaving: [Int: Misbehaviour] = [:],
        count: Int = 3,
        _ body: (Fleet, String, String) async throws -> Void
    ) async throws {
        var team = SimulatedSpecialistConfiguration.team(count: count)
        for (index, misbehaviour) in misbehaving { team[index].misbehaviour = misbehaviour }
        let fleet = try await Fleet.start(team)
        let roster = try BinaryRunner.rosterFile(for: fleet)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-cache-\(UUID())")
        let cache = directory.appendingPathComponent("specialists.json").path
        defer {
            try? FileManager.default.removeItem(atPath: roster)
            try? FileManager.default.removeItem(at: directory)
        }
        do {
            try await body(fleet, roster, cache)
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    func sendRound(_ roster: String, _ cache: String, _ extra: [String] = []) async throws -> BinaryRunner.Result {
        try await BinaryRunner.run(["send", "--roster", roster, "--cache", cache, "--json"] + extra + ["hi"])
    }

    func loadCache(_ cache: String) throws -> SpecialistCache {
        try SpecialistCache.decode(try Data(contentsOf: URL(fileURLWithPath: cache)))
    }

    /// The team of the source used last.
    func loadTeam(_ cache: String) throws -> SpecialistCache.Team {
        let loaded = try loadCache(cache)
        return try #require(loaded.lastSource.flatMap(loaded.team))
    }

    @Test("a missing cache is discovered first; a fresh one makes zero probes")
    func freshCacheMakesNoProbes() async throws {
        try await withTeam { (fleet, roster, cache) async throws in
            // Discovery probes with ping, then info; only discovery asks info (a new connection's first chat is
            // guarded by a ping of its own), so info counts the probes.
            await #expect(try sendRound(roster, cache).status == 0)
            #expect(fleet.counters.totalRequests(type: "info") == 3)
            #expect(try loadTeam(cache).specialists.count == 3)
            await #expect(try sendRound(roster, cache).status == 0)
            #expect(fleet.counters.totalRequests(type: "info") == 3)
            #expect(fleet.counters.totalRequests(type: "chat") == 6)
        }
    }

    @Test("each roster source keeps its own team: another source's is never used, and switching back loses nothing")
    func otherSource() async throws {
        try await withTeam { (fleet, roster, cache) async throws in
            await #expect(try sendRound(roster, cache).status == 0)
            let port = try #require(fleet.specialists[0].address.tektonEndpoint).port
            let scan = try await BinaryRunner.run(["discover", "--scan", "127.0.0.1:\(port)-\(port)", "--cache", cache])
            #expect(scan.status == 0)
            #expect(try loadCache(cache).lastSource?.hasPrefix("scan:") == true)
            #expect(fleet.counters.totalRequests(type: "info") == 3 + 1)  // the scan probed on its own
            let requests = try #require(loadCache(cache).teams.first { $0.source.hasPrefix("file:") }?.health)
            await #expect(try sendRound(roster, cache).status == 0)  // the roster's own team, still fresh: no probe
            #expect(fleet.counters.totalRequests(type: "info") == 3 + 1)
            #expect(try loadTeam(cache).health[fleet.specialists[0].id]?.requests == (requests[fleet.specialists[0].id]?.requests ?? 0) + 1)
            #expect(try loadCache(cache).lastSource?.hasPrefix("file:") == true)
            #expect(try loadCache(cache).teams.count == 2)  // the scan's team is kept, health and all
        }
    }

    @Test("a stale cache is used at once and refreshed")
    func staleCacheIsRefreshed() async throws {
        try await withTeam { (fleet, roster, cache) async throws in
            await #expect(try sendRound(roster, cache, ["--ttl", "0"]).status == 0)
            let first = try #require(try loadTeam(cache).discoveredAt)
            await #expect(try sendRound(roster, cache, ["--ttl", "0"]).status == 0)
            #expect(fleet.counters.totalRequests(type: "info") == 6)
            #expect(try #require(try loadTeam(cache).discoveredAt) > first)
        }
    }

    @Test("a dead specialist is skipped from the 4th invocation on, and tried again after its open period")
    func breaker() async throws {
        try await withTeam([1: .refuse]) { (fleet, roster, cache) async throws in
            let dead = fleet.specialists[1].id
            func kind(_ result: BinaryRunner.Result) throws -> String? {
                try result.jsonObjects().first { $0["specialist_id"] as? String == dead }?["error_kind"] as? String
            }
            for _ in 1...3 {
                let result = try await sendRound(roster, cache)
                #expect(result.status == 75)
                #expect(try kind(result) == "refused")
            }
            let fourth = try await sendRound(roster, cache)
            #expect(try kind(fourth) == "breaker_open")
            #expect(fourth.stdout.contains("skipped: circuit open for"))
            await #expect(try kind(try sendRound(roster, cache, ["--no-breaker"])) == "refused")
            // In words: the skipped row shows no latency (it was never asked), where the others show theirs.
            let human = try await BinaryRunner.run(["send", "--roster", roster, "--cache", cache, "hi"])
            let row = try #require(human.lines.first { $0.hasPrefix(dead) })
            #expect(row.contains("skipped: circuit open for"))
            #expect(!row.contains(" ms") && row.contains(" - "), "\(row)")
            #expect(human.lines.first { $0.hasPrefix(fleet.specialists[0].id) }?.contains(" ms") == true)

            // Let the open period pass: move the breaker's deadline into the past.
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cache))) as! [String: Any]
            var teams = json["teams"] as! [[String: Any]]
            var entries = teams[0]["specialists"] as! [[String: Any]]
            let index = entries.firstIndex { $0["id"] as? String == dead }!
            var health = entries[index]["health"] as! [String: Any]
            var breaker = health["breaker"] as! [String: Any]
            #expect((breaker["state"] as? [String: Any])?["open"] != nil)
            breaker["state"] = ["open": ["until": 0.0]]
            health["breaker"] = breaker
            entries[index]["health"] = health
            teams[0]["specialists"] = entries
            json["teams"] = teams
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: cache))

            await #expect(try kind(try sendRound(roster, cache)) == "refused")  // the half-open trial
            await #expect(try kind(try sendRound(roster, cache)) == "breaker_open")  // re-opened, for longer
        }
    }

    @Test("when every addressed specialist is open, all are tried anyway")
    func neverSkipEveryone() async throws {
        try await withTeam([0: .refuse], count: 1) { (_, roster, cache) async throws in
            for _ in 1...4 {
                let result = try await sendRound(roster, cache)
                #expect(result.status == 69)
                #expect(try result.jsonObjects().first?["error_kind"] as? String == "refused")
            }
        }
    }

    @Test("ten processes at once lose no count")
    func concurrentWriters() async throws {
        try await withTeam { (fleet, roster, cache) async throws in
            #expect(try await BinaryRunner.run(["discover", "--roster", roster, "--cache", cache]).status == 0)
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 1...10 {
                    group.addTask { try await sendRound(roster, cache).status }
                }
                for try await status in group { #expect(status == 0) }
            }
            #expect(fleet.counters.totalRequests(type: "chat") == 30)
            for entry in try loadTeam(cache).specialists {
                #expect(entry.health.requests == 11, "\(entry.id): 1 ping and 10 chats")
                #expect(entry.health.successes == 11)
            }
        }
    }

    @Test("a corrupt cache is moved aside, warned about once, and rebuilt")
    func corruptCache() async throws {
        try await withTeam { (_, roster, cache) async throws in
            try FileManager.default.createDirectory(
                atPath: (cache as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("{\"schema_version\":1,\"trunc".utf8).write(to: URL(fileURLWithPath: cache))
            let result = try await sendRound(roster, cache)
            #expect(result.status == 0)
            #expect(result.stderr.components(separatedBy: "warning").count == 2)
            #expect(result.stderr.contains(".bad"))
            #expect(FileManager.default.fileExists(atPath: cache + ".bad"))
            #expect(try loadTeam(cache).specialists.count == 3)
        }
    }

    @Test("an unwritable cache is warned about and the command still succeeds")
    func unwritableCache() async throws {
        try await withTeam { (_, roster, _) async throws in
            let result = try await sendRound(roster, "/dev/null/teamchat/specialists.json")
            #expect(result.status == 0)
            #expect(result.stderr.contains("warning"))
            #expect(try result.jsonObjects().last?["replied"] as? Int == 3)
        }
    }

    @Test("stats shows the health; --reset clears it and keeps the roster")
    func stats() async throws {
        try await withTeam([2: .error]) { (fleet, roster, cache) async throws in
            _ = try await sendRound(roster, cache)
            let stats = try await BinaryRunner.run(["stats", "--roster", roster, "--cache", cache, "--json"])
            #expect(stats.status == 0)
            let objects = try stats.jsonObjects()
            #expect(objects.first?["type"] as? String == "cache")
            let failing = objects.first { $0["specialist_id"] as? String == fleet.specialists[2].id }
            #expect(failing?["last_error_kind"] as? String == "specialist_error")
            #expect(failing?["requests"] as? Int == 2)
            #expect(try await BinaryRunner.run(["stats", "--roster", roster, "--cache", cache, "--reset"]).status == 0)
            let after = try loadTeam(cache)
            #expect(after.specialists.count == 3)
            #expect(after.specialists.allSatisfy { $0.health.requests == 0 })
        }
    }

    @Test("warm reports connect and ping per specialist and failures with their kind")
    func warm() async throws {
        try await withTeam([1: .refuse]) { (fleet, roster, cache) async throws in
            let result = try await BinaryRunner.run(["warm", "--roster", roster, "--cache", cache, "--json", "--connections", "2"])
            #expect(result.status == 75)
            let objects = try result.jsonObjects()
            let dead = objects.first { $0["specialist_id"] as? String == fleet.specialists[1].id }
            #expect(dead?["error_kind"] as? String == "refused")
            let alive = objects.first { $0["specialist_id"] as? String == fleet.specialists[0].id }
            #expect(alive?["connections"] as? Int == 2)
            #expect(fleet.counters.connections(fleet.specialists[0].id) == 2)
        }
    }
}
