import Foundation
import TeamChatFleet
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
