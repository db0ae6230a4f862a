import Foundation
import TeamChatRoster
import TeamChatFleet
import Testing

/// What teamchat says when a first try goes wrong: what it tried, and what to do next.
@Suite("Hints for a first hour", .timeLimit(.minutes(1)))
struct HintsTests {
    @Test("nobody listening on Tekton's ports: said once, with the ports tried and what to do next")
    func nobodyOnTektonPorts() async throws {
        // Each member's port held (bound, not listening: a connect is refused), moved there one by one.
        let held = try TektonPreset.members.map { _ in try ReservedPort(host: "127.0.0.1") }
        defer { held.forEach { $0.release() } }
        var environment: [String: String] = ["TEAMCHAT_CACHE": "", "TEAMCHAT_SCAN": "", "TEAMCHAT_ROSTER": ""]
        for (member, port) in zip(TektonPreset.members, held) {
            environment["\(member.name.uppercased())_AI_PORT"] = String(port.port)
        }
        let result = try await BinaryRunner.run(["send", "--no-cache", "--direct", "hello"], environment: environment)
        #expect(result.status == 69)
        let hints = result.stderr.components(separatedBy: "nobody is listening on Tekton's ports").count - 1
        #expect(hints == 1, "\(result.stderr)")
        #expect(result.stderr.contains("teamchat demo"))
        #expect(result.stderr.contains("--scan HOST:LOW-HIGH"))
        #expect(result.stderr.contains("TEAMCHAT_SCAN"))
    }

    @Test("a remembered team that no longer answers: the cache is named, with the command that probes again")
    func cachedTeamGone() async throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-hint-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        // Two neighbouring ports below the kernel's ephemeral range (so no other test's fleet is in the scan).
        let range = try #require(ReservedRange.hold(width: 2))
        var team = SimulatedSpecialistConfiguration.team(count: 2)
        for (index, port) in range.ports.enumerated() {
            team[index].port = port.port
            port.release()
        }
        let scan = range.scan
        try await Fleet.withRunning(team) { _ in
            let first = try await BinaryRunner.run(["send", "--cache", cache, "--direct", "--scan", scan, "hi"])
            #expect(first.status == 0)
        }
        // The fleet is gone; the cache still holds its team.
        let second = try await BinaryRunner.run(["send", "--cache", cache, "--direct", "--scan", scan, "hi"])
        #expect(second.status == 69)
        #expect(second.stderr.contains("the team came from the cache"))
        #expect(second.stderr.contains("probe it again with: teamchat discover --scan \(scan)"))
    }

    @Test("a roster key teamchat does not know is warned about, once, naming the entry")
    func unknownRosterKey() async throws {
        let roster = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-keys-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: roster) }
        let port = try ReservedPort(host: "127.0.0.1")
        defer { port.release() }
        try Data(#"[{"id":"x","host":"127.0.0.1","port":\#(port.port),"modle":"llama"}]"#.utf8).write(to: roster)
        let result = try await BinaryRunner.run(["send", "--no-cache", "--direct", "--roster", roster.path, "hi"])
        #expect(result.stderr.components(separatedBy: "entry 1 (x): unknown key 'modle' ignored").count - 1 == 1)
    }
}
