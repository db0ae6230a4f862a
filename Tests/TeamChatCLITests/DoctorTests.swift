import Foundation
import TeamChatFleet
import TeamChatTestSupport
import Testing

@Suite("teamchat doctor", .timeLimit(.minutes(1)))
struct DoctorTests {
    @Test("all well: every check ✓, exit 0; an unset key, a damaged cache: ✗ with the fix, exit 1; a key is never shown")
    func checks() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-doctor-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let roster = directory + "/team.json"
        try Data(#"""
            [{"id":"local","host":"127.0.0.1","port":1},
             {"id":"model","url":"http://127.0.0.1:1/v1","model":"m","api_key_env":"DOCTOR_KEY"}]
            """#.utf8).write(to: URL(fileURLWithPath: roster))
        let key = "sk-doctor-\(UUID().uuidString)"
        let environment = ["TEAMCHAT_LOG": directory + "/log.db", "XDG_RUNTIME_DIR": directory, "DOCTOR_KEY": key]

        let well = try await BinaryRunner.run(["doctor", "--roster", roster, "--cache", directory + "/c.json"], environment: environment)
        #expect(well.status == 0, "\(well.stdout)")
        #expect(well.lines.allSatisfy { $0.hasPrefix("✓") }, "\(well.stdout)")
        #expect(well.stdout.contains("model: DOCTOR_KEY is set"))
        #expect(!well.stdout.contains(key) && !well.stderr.contains(key))

        var unset = environment
        unset["DOCTOR_KEY"] = ""
        #expect(FileManager.default.createFile(atPath: directory + "/bad.json", contents: Data("{not json".utf8)))
        let ill = try await BinaryRunner.run(
            ["doctor", "--roster", roster, "--cache", directory + "/bad.json", "--json"], environment: unset)
        #expect(ill.status == 1)
        let document = try #require(try ill.jsonObjects().first)
        #expect(document["type"] as? String == "doctor")
        #expect(document["ok"] as? Bool == false)
        let failed = (document["checks"] as? [[String: Any]] ?? []).filter { $0["ok"] as? Bool == false }
        #expect(Set(failed.compactMap { $0["name"] as? String }) == ["cache", "key"])
        #expect(failed.allSatisfy { ($0["fix"] as? String)?.isEmpty == false })
        // Looking changes nothing: the damaged cache is left where it is.
        #expect(FileManager.default.contents(atPath: directory + "/bad.json") == Data("{not json".utf8))
    }

    @Test("the bus: a refused password and a bus with no bridge each fail in their own words, with the fix")
    func bus() async throws {
        try await RedisServer.with(password: "correct-horse") { server in
            let bus = "redis+unix://\(server.socket)?team=doctor"
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-doctorbus-\(UUID())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let environment = ["TEAMCHAT_NO_LOG": "1", "XDG_RUNTIME_DIR": directory]
            func busCheck(_ extra: [String: String]) async throws -> (Int32, [String: Any]) {
                let run = try await BinaryRunner.run(
                    ["doctor", "--bus", bus, "--no-cache", "--json"], environment: environment.merging(extra) { $1 })
                let checks = (try run.jsonObjects().first?["checks"] as? [[String: Any]]) ?? []
                return (run.status, checks.first { $0["name"] as? String == "bus" } ?? [:])
            }
            let (refusedStatus, refused) = try await busCheck(["TEAMCHAT_BUS_PASSWORD": "wrong"])
            #expect(refusedStatus == 1)
            #expect(refused["ok"] as? Bool == false)
            #expect((refused["fix"] as? String)?.contains("TEAMCHAT_BUS_PASSWORD") == true, "\(refused)")
            let (emptyStatus, empty) = try await busCheck(["TEAMCHAT_BUS_PASSWORD": "correct-horse"])
            #expect(emptyStatus == 1)
            #expect((empty["detail"] as? String)?.contains("no bridge publishes a specialist") == true, "\(empty)")
            #expect((empty["fix"] as? String)?.contains("teamchat bridge --bus") == true)

            // A bridge up: ✓, its specialists counted.
            try await Fleet.withRunning(SimulatedSpecialistConfiguration.team(count: 2)) { fleet in
                let roster = try BinaryRunner.rosterFile(for: fleet)
                defer { try? FileManager.default.removeItem(atPath: roster) }
                let (bridge, bridgeCache) = try BinaryRunner.launch(
                    ["bridge", "--bus", bus, "--roster", roster, "--no-cache"],
                    environment: ["TEAMCHAT_BUS_PASSWORD": "correct-horse"], output: .discarded)
                defer {
                    bridge.signal(SIGKILL)
                    try? FileManager.default.removeItem(at: bridgeCache)
                }
                var published: [String: Any] = [:]
                #expect(try await eventually(within: .seconds(20)) {
                    published = try await busCheck(["TEAMCHAT_BUS_PASSWORD": "correct-horse"]).1
                    return published["ok"] as? Bool == true
                }, "\(published)")
                #expect((published["detail"] as? String)?.hasSuffix(": 2 specialists from 1 bridge") == true, "\(published)")
            }
        }
    }
}
