import Foundation
import TeamChatFleet
import TeamChatRoster
import TeamChatTestSupport
import Testing

@Suite("Named teams: --team, teams, --dry-run, overrides seen by the members", .timeLimit(.minutes(1)))
struct NamedTeamCommandTests {
    /// engram-ai, hermes-ai, athena-ai (Tekton) and model-ai (OpenAI-compatible); a teams file naming "design".
    private func withTeams(_ teams: String? = nil, _ body: (Fleet, String) async throws -> Void) async throws {
        var configurations = SimulatedSpecialistConfiguration.team(count: 2)
        configurations.append(SimulatedSpecialistConfiguration(id: "athena-ai"))
        var openai = SimulatedSpecialistConfiguration.team(count: 1, wire: .openai)[0]
        openai.id = "model-ai"
        configurations.append(openai)
        try await Fleet.withRunning(configurations) { fleet in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-teams-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try RosterFile.encode(fleet.specialists).write(to: directory.appendingPathComponent("team.json"))
            let file = directory.appendingPathComponent("teams.json")
            try (teams ?? """
                {"teams": {
                  "design": {
                    "description": "two members and a judge",
                    "roster": "team.json",
                    "members": ["engram-ai", "model-ai"],
                    "overrides": {
                      "engram-ai": {"temperature": 0.3, "max_tokens": 50},
                      "model-ai": {"system": "Be brief.", "temperature": 0.1}
                    },
                    "judge": ["athena-ai"],
                    "timeout": "3s"
                  },
                  "everyone": {"roster": "team.json"}
                }}
                """).write(to: file, atomically: true, encoding: .utf8)
            try await body(fleet, file.path)
        }
    }

    private func object(_ text: String?) throws -> NSDictionary {
        let text = try #require(text)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }

    @Test("--dry-run prints exactly what each member then receives: the team's members, overrides and all")
    func dryRun() async throws {
        try await withTeams { fleet, teams in
            let dry = try await BinaryRunner.run(
                ["send", "--config", teams, "--team", "design", "--dry-run", "--json", "--no-log", "hello"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let requests = try dry.jsonObjects()
            #expect(requests.map { $0["specialist_id"] as? String } == ["engram-ai", "model-ai"])
            #expect(fleet.counters.totalRequests(type: "chat") == 0)  // nothing sent

            let sent = try await BinaryRunner.run(
                ["send", "--config", teams, "--team", "design", "--json", "--no-log", "hello"])
            #expect(sent.status == 0, "\(sent.stderr)")
            for request in requests {
                let id = try #require(request["specialist_id"] as? String)
                let body = try #require(request["body"] as? NSDictionary)
                #expect(try object(fleet.counters.lastChat(id)) == body, "\(id)")
            }
            let engram = try object(fleet.counters.lastChat("engram-ai"))
            #expect(engram["temperature"] as? Double == 0.3 && engram["max_tokens"] as? Int == 50)
            let model = try object(fleet.counters.lastChat("model-ai"))
            let messages = try #require(model["messages"] as? [[String: Any]])
            #expect(messages.first?["role"] as? String == "system" && messages.first?["content"] as? String == "Be brief.")
            #expect(model["temperature"] as? Double == 0.1)
            #expect(fleet.counters.requests("hermes-ai", type: "chat") == 0)  // not a member
            // The team's judge wrote the synthesis.
            #expect(try sent.jsonObjects().last?["judge"] as? String == "athena-ai")
        }
    }

    @Test("the summary line names the team; -o and --temperature override the team for this run")
    func summaryAndOverrides() async throws {
        try await withTeams { fleet, teams in
            let human = try await BinaryRunner.run(
                ["send", "--config", teams, "--team", "everyone", "--no-log", "-o", "temperature=0.9", "-o", "max_tokens=7", "hi"])
            #expect(human.status == 0, "\(human.stderr)")
            #expect(human.lines.last?.hasSuffix(" · team everyone") == true, "\(human.stdout)")
            let engram = try object(fleet.counters.lastChat("engram-ai"))
            #expect(engram["temperature"] as? Double == 0.9 && engram["max_tokens"] as? Int == 7)
            // Without --team the summary names where the team came from.
            let roster = (teams as NSString).deletingLastPathComponent + "/team.json"
            let plain = try await BinaryRunner.run(["send", "--roster", roster, "--no-log", "--to", "engram-ai", "hi"])
            #expect(plain.lines.last?.hasSuffix(" · roster team.json") == true, "\(plain.stdout)")
            let bad = try await BinaryRunner.run(["send", "--roster", roster, "--no-log", "-o", "top_k=3", "hi"])
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("-o: unknown key 'top_k'"))
        }
    }

    @Test("a member's own timeout: the slow one is given up at its own, the rest keep the team's")
    func memberTimeout() async throws {
        var configurations = SimulatedSpecialistConfiguration.team(count: 2)
        configurations[1].misbehaviour = .hang
        try await Fleet.withRunning(configurations) { fleet in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-teams-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try RosterFile.encode(fleet.specialists).write(to: directory.appendingPathComponent("team.json"))
            let file = directory.appendingPathComponent("teams.json")
            try #"{"teams": {"t": {"roster": "team.json", "timeout": "30s", "overrides": {"hermes-ai": {"timeout": "300ms"}}}}}"#
                .write(to: file, atomically: true, encoding: .utf8)
            let sent = try await BinaryRunner.run(["send", "--config", file.path, "--team", "t", "--no-log", "--json", "hi"])
            let replies = try sent.jsonObjects().filter { $0["type"] as? String == "reply" }
            #expect(replies.first { $0["specialist_id"] as? String == "hermes-ai" }?["error"] as? String == "timeout after 0.3s")
            #expect(replies.first { $0["specialist_id"] as? String == "engram-ai" }?["success"] as? Bool == true)
        }
    }

    @Test("teams lists the named teams and shows one; errors name the file, the line and the key")
    func listAndErrors() async throws {
        try await withTeams { _, teams in
            let list = try await BinaryRunner.run(["teams", "--config", teams])
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.lines.first?.hasPrefix("TEAM") == true)
            #expect(list.lines.dropFirst().map { String($0.prefix(8)) } == ["design  ", "everyone"])
            let show = try await BinaryRunner.run(["teams", "show", "design", "--config", teams, "--json"])
            let team = try #require(try show.jsonObjects().first)
            #expect(team["members"] as? [String] == ["engram-ai", "model-ai"])
            #expect(team["mode"] as? String == "judge")
            let unknown = try await BinaryRunner.run(["send", "--config", teams, "--team", "nope", "hi"])
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("no team 'nope' in \(teams) (there: design, everyone)"))
            let both = try await BinaryRunner.run(["send", "--config", teams, "--team", "design", "--tekton", "hi"])
            #expect(both.status == 64)
        }
        try await withTeams("{\"teams\": {\n  \"broken\": {\"roster\": \"team.json\",\n    \"members\": [\"engram-ai\"],\n    \"judje\": [\"athena-ai\"]}}}") { _, teams in
            let broken = try await BinaryRunner.run(["send", "--config", teams, "--team", "broken", "hi"])
            #expect(broken.status == 65)
            #expect(broken.stderr.contains("\(teams):4: team 'broken': unknown key 'judje'"), "\(broken.stderr)")
        }
        try await withTeams("{\"teams\": {\"ghosts\": {\"roster\": \"team.json\", \"members\": [\"casper-ai\"]}}}") { fleet, teams in
            let ghosts = try await BinaryRunner.run(["send", "--config", teams, "--team", "ghosts", "--no-log", "hi"])
            #expect(ghosts.status == 65)
            #expect(ghosts.stderr.contains("team 'ghosts' names casper-ai, which its source"))
            #expect(fleet.counters.totalRequests(type: "chat") == 0)
        }
    }
}
