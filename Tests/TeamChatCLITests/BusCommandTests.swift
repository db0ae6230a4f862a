import Foundation
import TeamChatFleet
import TeamChatRoster
import TeamChatTestSupport
import Testing

/// `teamchat bridge` and `--bus`, the built binary on both sides of a real redis-server.
@Suite("Teams across machines, from the command line", .serialized, .timeLimit(.minutes(1)))
struct BusCommandTests {
    @Test("a bridge puts a roster on the bus; discover, send and --to reach it; stopped, it is gone at once")
    func bridgeAndSend() async throws {
        try await RedisServer.with { server in
            try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 3)) { fleet in
                let roster = try BinaryRunner.rosterFile(for: fleet)
                let bus = "redis+unix://\(server.socket)?team=cli"
                let cache = FileManager.default.temporaryDirectory.appendingPathComponent("tc-bus-\(UUID()).json").path
                defer { try? FileManager.default.removeItem(atPath: cache) }
                let log = FileManager.default.temporaryDirectory.appendingPathComponent("tc-bridge-\(UUID()).log")
                _ = FileManager.default.createFile(atPath: log.path, contents: nil)
                defer { try? FileManager.default.removeItem(at: log) }
                let (bridge, bridgeCache) = try BinaryRunner.launch(
                    ["bridge", "--bus", bus, "--roster", roster, "--no-cache"], output: .discarded,
                    error: .handle(try FileHandle(forWritingTo: log)))
                defer {
                    bridge.signal(SIGKILL)  // when the test failed before it stopped it
                    try? FileManager.default.removeItem(at: bridgeCache)
                }

                // Discovery reads the registry: wait until the bridge is in it (bounded).
                var found: [[String: Any]] = []
                _ = try await eventually(within: .seconds(20)) {
                    let discover = try await BinaryRunner.run(["discover", "--bus", bus, "--cache", cache, "--json"])
                    found = try discover.jsonObjects().filter { $0["type"] as? String == "specialist" }
                    return found.count >= 3
                }
                #expect(Set(found.compactMap { $0["specialist_id"] as? String }) == ["engram-ai", "hermes-ai", "ergon-ai"])
                #expect(found.allSatisfy { $0["transport"] as? String == "bus" })

                let send = try await BinaryRunner.run(["send", "--bus", bus, "--cache", cache, "--direct", "--json", "over the bus"])
                #expect(send.status == 0)
                let replies = try send.jsonObjects().filter { $0["type"] as? String == "reply" }
                #expect(replies.count == 3)
                #expect(replies.allSatisfy { ($0["content"] as? String)?.hasSuffix(": over the bus") == true })

                let one = try await BinaryRunner.run(["send", "--bus", bus, "--cache", cache, "--direct", "--to", "hermes", "hi"])
                #expect(one.status == 0)
                #expect(one.stdout.contains("hermes-ai: hi"))
                #expect(!one.stdout.contains("engram-ai"))

                bridge.signal(SIGINT)
                #expect(await bridge.exits())
                #expect(await bridge.status() == 0)
                let said = try String(contentsOf: log, encoding: .utf8)
                #expect(said.contains("presence withdrawn"))

                let gone = try await BinaryRunner.run(["send", "--bus", bus, "--cache", cache, "--direct", "--timeout", "5s", "anyone?"])
                #expect(gone.status == 69)
                #expect(gone.stdout.components(separatedBy: "no bridge on").count - 1 == 3)
            }
        }
    }

    @Test("a bridge killed with SIGKILL: its specialists fail at once as no_responders, long before its presence expires")
    func killedBridge() async throws {
        try await RedisServer.with { server in
            let team = SimulatedSpecialistConfiguration.team(count: 4)
            try await Fleet.withRunning(team) { fleet in
                let bus = "redis+unix://\(server.socket)?team=killed"
                let halves = [Array(fleet.specialists.prefix(2)), Array(fleet.specialists.suffix(2))]
                var bridges: [ChildProcess] = []
                var files: [URL] = []
                defer {
                    for bridge in bridges { bridge.signal(SIGKILL) }
                    for file in files { try? FileManager.default.removeItem(at: file) }
                }
                for half in halves {
                    let roster = FileManager.default.temporaryDirectory.appendingPathComponent("tc-half-\(UUID()).json")
                    try RosterFile.encode(half).write(to: roster)
                    let (bridge, cache) = try BinaryRunner.launch(
                        ["bridge", "--bus", bus, "--roster", roster.path, "--no-cache"], output: .discarded, error: .discarded)
                    bridges.append(bridge)
                    files += [roster, cache]
                }
                let cache = FileManager.default.temporaryDirectory.appendingPathComponent("tc-killed-\(UUID()).json")
                files.append(cache)
                let listed = try await eventually(within: .seconds(20)) {
                    let discover = try await BinaryRunner.run(["discover", "--bus", bus, "--cache", cache.path, "--json"])
                    return try discover.jsonObjects().filter { $0["type"] as? String == "specialist" }.count == 4
                }
                try #require(listed)
                // The second bridge dies without a word: its presence stays in the registry for its TTL (3 s).
                bridges[1].signal(SIGKILL)
                #expect(await bridges[1].exits())
                let send = try await BinaryRunner.run(
                    ["send", "--bus", bus, "--cache", cache.path, "--direct", "--json", "--timeout", "5s", "still there?"])
                #expect(send.status == 75)
                let replies = try send.jsonObjects().filter { $0["type"] as? String == "reply" }
                let dead = Set(halves[1].map(\.id))
                for reply in replies where dead.contains(reply["specialist_id"] as? String ?? "") {
                    #expect(reply["error_kind"] as? String == "no_responders")
                    #expect((reply["error"] as? String)?.contains("is gone") == true, "\(reply)")
                    // At once: not the 5 s timeout, not the 3 s the presence lingers.
                    #expect((reply["elapsed_ms"] as? Double ?? .infinity) < 100, "\(reply)")
                }
                #expect(replies.filter { ($0["content"] as? String)?.hasSuffix(": still there?") == true }.count == 2)
            }
        }
    }

    @Test("a wrong or missing password, no server and no bridge each say what they are, with their own status")
    func busWords() async throws {
        try await RedisServer.with(password: "correct-horse") { server in
            let bus = "redis+unix://\(server.socket)?team=words"
            let wrong = try await BinaryRunner.run(
                ["send", "--bus", bus, "--no-cache", "hi"], environment: ["TEAMCHAT_BUS_PASSWORD": "wrong"])
            #expect(wrong.status == 77, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("refused our credentials"), "\(wrong.stderr)")
            #expect(wrong.stderr.contains("TEAMCHAT_BUS_PASSWORD"))
            #expect(!wrong.stderr.contains("roster is empty"))
            let missing = try await BinaryRunner.run(["send", "--bus", bus, "--no-cache", "hi"])
            #expect(missing.status == 77, "\(missing.stderr)")
            #expect(missing.stderr.contains("refused our credentials"))

            let right = try await BinaryRunner.run(
                ["send", "--bus", bus, "--no-cache", "hi"], environment: ["TEAMCHAT_BUS_PASSWORD": "correct-horse"])
            #expect(right.status == 69)
            #expect(right.stderr.contains("no bridge is on the bus"), "\(right.stderr)")
            // No team secret: said once, whatever else goes wrong.
            #expect(right.stderr.components(separatedBy: "is unauthenticated").count == 2, "\(right.stderr)")
            let signed = try await BinaryRunner.run(
                ["send", "--bus", bus, "--no-cache", "hi"],
                environment: ["TEAMCHAT_BUS_PASSWORD": "correct-horse", "TEAMCHAT_BUS_SECRET": "s3cret"])
            #expect(!signed.stderr.contains("unauthenticated"))

            let nobody = try await BinaryRunner.run(
                ["send", "--bus", "redis+unix:///nonexistent/redis.sock?team=words", "--no-cache", "hi"])
            #expect(nobody.status == 69)
            #expect(nobody.stderr.contains("cannot reach the bus"), "\(nobody.stderr)")
            #expect(!nobody.stderr.contains("roster is empty"))

            // A password on the command line works, and is warned about: ps shows it to everyone.
            let visible = try await BinaryRunner.run(
                ["send", "--bus", "redis://:correct-horse@127.0.0.1:1/words", "--no-cache", "hi"])
            #expect(visible.stderr.contains("visible to every user of this machine"), "\(visible.stderr)")
            #expect(!visible.stderr.contains("correct-horse"))
        }
    }

    @Test("send --async posts for whoever the bus had, even with every bridge down; collect --wait gathers them later")
    func asynchronous() async throws {
        try await RedisServer.with { server in
            try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
                let roster = try BinaryRunner.rosterFile(for: fleet)
                let bus = "redis+unix://\(server.socket)?team=later"
                let cache = FileManager.default.temporaryDirectory.appendingPathComponent("tc-async-\(UUID()).json").path
                defer { try? FileManager.default.removeItem(atPath: cache) }
                var caches: [URL] = []
                var bridges: [ChildProcess] = []
                defer {
                    for bridge in bridges { bridge.signal(SIGKILL) }  // when the test failed before it stopped them
                    for cache in caches { try? FileManager.default.removeItem(at: cache) }
                }
                func startBridge() throws -> ChildProcess {
                    let (bridge, bridgeCache) = try BinaryRunner.launch(
                        ["bridge", "--bus", bus, "--roster", roster, "--no-cache"], output: .discarded, error: .discarded)
                    caches.append(bridgeCache)
                    bridges.append(bridge)
                    return bridge
                }
                // The client learns the team once, then the bridge goes away.
                let first = try startBridge()
                var known = 0
                _ = try await eventually(within: .seconds(20)) {
                    known = try await BinaryRunner.run(["discover", "--bus", bus, "--cache", cache, "--json"])
                        .jsonObjects().filter { $0["type"] as? String == "specialist" }.count
                    return known >= 2
                }
                #expect(known == 2)
                first.signal(SIGINT)
                #expect(await first.exits())

                let posted = try await BinaryRunner.run(["send", "--bus", bus, "--cache", cache, "--async", "--json", "while away"])
                #expect(posted.status == 0)
                let line = try #require(try posted.jsonObjects().first)
                let round = try #require(line["round"] as? String)
                #expect((line["expected"] as? [String])?.sorted() == ["engram-ai", "hermes-ai"])
                let early = try await BinaryRunner.run(["collect", round, "--bus", bus])
                #expect(early.status == 75)
                #expect(early.stdout.contains("no answer yet"))

                let second = try startBridge()
                let late = try await BinaryRunner.run(["collect", round, "--bus", bus, "--wait", "15s", "--json"])
                #expect(late.status == 0)
                let replies = try late.jsonObjects().filter { $0["type"] as? String == "reply" }
                #expect(replies.compactMap { $0["content"] as? String }.sorted()
                    == ["engram-ai: while away", "hermes-ai: while away"])
                second.signal(SIGINT)
                #expect(await second.exits())

                let unknown = try await BinaryRunner.run(["collect", "no-such-round", "--bus", bus])
                #expect(unknown.status == 69)
            }
        }
    }

    @Test("a bad bus URL is a usage error that says what is wrong; the password is never shown")
    func badURL() async throws {
        let noTeam = try await BinaryRunner.run(["send", "--bus", "redis://127.0.0.1:6379", "hi"])
        #expect(noTeam.status == 64)
        #expect(noTeam.stderr.contains("the team is missing"))
        let both = try await BinaryRunner.run(["send", "--bus", "redis://h:1/t", "--scan", "127.0.0.1:1-2", "hi"])
        #expect(both.status == 64)
        let bridge = try await BinaryRunner.run(["bridge", "--roster", "x.json"])
        #expect(bridge.status == 64)
        #expect(bridge.stderr.contains("--bus names the bus"))
        let secret = try await BinaryRunner.run(["discover", "--bus", "redis://u:hunter2-secret@127.0.0.1:1/t", "--no-cache"])
        #expect(!secret.stdout.contains("hunter2-secret"))
        #expect(!secret.stderr.contains("hunter2-secret"))
    }
}
