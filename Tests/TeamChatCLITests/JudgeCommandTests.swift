import Foundation
import TeamChatFleet
import TeamChatModel
import TeamChatRoster
import TeamChatTestSupport
import Testing

@Suite("send --judge and --council against a fleet that judges and ranks deterministically", .timeLimit(.minutes(1)))
struct JudgeCommandTests {
    /// engram-ai, hermes-ai and an OpenAI-compatible model-ai answer fixed texts; ergon-ai never answers; athena-ai
    /// (the judge) echoes; gone-judge is an OpenAI endpoint that answers 404.
    private func withTeam(
        _ configure: (inout [SimulatedSpecialistConfiguration]) -> Void = { _ in },
        _ body: (Fleet, String, String) async throws -> Void
    ) async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 6)
        team[0].reply = .fixed("Evict the least recently used connection.")
        team[1].reply = .fixed("Close the oldest idle one first.")
        team[2].misbehaviour = .hang
        team.remove(at: 3)  // rhetor-ai: not needed
        team.remove(at: 3)  // terma-ai
        var openai = SimulatedSpecialistConfiguration.team(count: 1, wire: .openai)[0]
        openai.id = "model-ai"
        openai.reply = .fixed("Keep them warm and cap them.")
        team.append(openai)
        configure(&team)
        try await Fleet.withRunning(team) { fleet in
            var specialists = fleet.specialists
            if case .openAI(var endpoint) = fleet.specialists.last?.address {
                endpoint.origin.basePath = "/missing"
                specialists.append(Specialist(id: "gone-judge", address: .openAI(endpoint)))
            }
            let roster = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-judge-\(UUID()).json")
            try RosterFile.encode(specialists).write(to: roster)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-judgelog-\(UUID())").path
            defer {
                try? FileManager.default.removeItem(at: roster)
                try? FileManager.default.removeItem(atPath: directory)
            }
            try await body(fleet, roster.path, directory + "/log.db")
        }
    }

    private static let members = ["engram-ai", "hermes-ai", "ergon-ai", "model-ai"]

    private func chatContent(_ fleet: Fleet, _ id: String) throws -> String {
        let text = try #require(fleet.counters.lastChat(id))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(object["content"] as? String)
    }

    @Test("--judge: a 404 judge gives way to the next; its prompt names nobody; the synthesis streams; the verdict maps labels back")
    func judge() async throws {
        try await withTeam { fleet, roster, log in
            let sent = try await BinaryRunner.run(
                ["send", "--roster", roster, "--to", Self.members.joined(separator: ","), "--timeout", "0.5s",
                 "--judge", "gone-judge,athena-ai", "--json", "How should the pool evict?"],
                environment: ["TEAMCHAT_LOG": log])
            #expect(sent.status == 75, "\(sent.stderr)")  // ergon-ai never answers
            let events = try sent.jsonObjects()
            let types = events.compactMap { $0["type"] as? String }
            // The members' round first, then the judge's words, then its verdict.
            #expect(types.firstIndex(of: "summary")! < types.firstIndex(of: "judge_chunk")!)
            #expect(types.last == "judge")
            let chunks = events.filter { $0["type"] as? String == "judge_chunk" }
            #expect(chunks.count > 10 && chunks.allSatisfy { $0["judge"] as? String == "athena-ai" })
            let verdict = try #require(events.last)
            #expect(verdict["judge"] as? String == "athena-ai")
            #expect(verdict["success"] as? Bool == true && verdict["truncated"] as? Bool == false)
            let attempts = try #require(verdict["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["judge"] as? String } == ["gone-judge"])
            #expect(attempts.first?["error_kind"] as? String == "http_status")
            let missing = try #require(verdict["missing"] as? [[String: Any]])
            #expect(missing.map { $0["specialist_id"] as? String } == ["ergon-ai"])
            #expect(missing.first?["error_kind"] as? String == "timeout")
            #expect(Set(verdict["based_on"] as? [String] ?? []) == ["engram-ai", "hermes-ai", "model-ai"])

            // What the judge was sent: each label's answer, and no member's id anywhere.
            let prompt = try chatContent(fleet, "athena-ai")
            let labels = try #require(verdict["labels"] as? [String: String])
            #expect(labels.keys.sorted() == ["A", "B", "C"])
            let texts = [
                "engram-ai": "Evict the least recently used connection.", "hermes-ai": "Close the oldest idle one first.",
                "model-ai": "Keep them warm and cap them.",
            ]
            for (label, id) in labels { #expect(prompt.contains("Response \(label):\n\(texts[id] ?? "?")\n")) }
            for id in Self.members { #expect(!prompt.contains(id), "the judge was told \(id)") }
            #expect(prompt.contains("Question:\nHow should the pool evict?\n"))
            #expect(prompt.hasSuffix("(1 more specialist was asked and did not answer.)"))
            // The synthesis is what the judge said, every chunk of it.
            #expect(verdict["content"] as? String == "athena-ai: " + prompt)
            #expect(chunks.compactMap { $0["content"] as? String }.joined() == "athena-ai: " + prompt)

            // The log keeps the synthesis beside the answers, as the judge's.
            let shown = try await BinaryRunner.run(["log", "show", "--json", String(try #require(
                try await BinaryRunner.run(["log", "--json"], environment: ["TEAMCHAT_LOG": log]).jsonObjects().first?["id"] as? String))],
                environment: ["TEAMCHAT_LOG": log])
            let answers = try #require(try shown.jsonObjects().first?["answers"] as? [[String: Any]])
            #expect(answers.last?["role"] as? String == "judge")
            #expect(answers.last?["specialist_id"] as? String == "athena-ai")
        }
    }

    @Test("a judge cut short after it began is truncated: its words so far, said in red, and status 75")
    func truncated() async throws {
        try await withTeam({ team in team[3].misbehaviour = .endless }) { fleet, roster, _ in
            let human = try await BinaryRunner.run(
                ["send", "--roster", roster, "--to", "engram-ai,hermes-ai", "--judge", "athena-ai", "--judge-timeout", "300ms",
                 "--no-log", "How?"])
            #expect(human.status == 75, "\(human.stderr)")
            #expect(human.stdout.contains("judge · athena-ai"))
            #expect(human.stdout.contains("xxxxxxxx"))
            #expect(human.stdout.contains("✗ the judge was cut short: timeout"))
        }
    }

    @Test("--council: each member ranks the others (a self-rank attempt dropped, an unparseable ranking abstains); Borda by hand")
    func council() async throws {
        try await withTeam({ team in
            team[0].reply = .fixed("alpha")
            team[0].ranking = .byContent
            team[1].reply = .fixed("bravo")
            team[1].ranking = .withUnshownLabel
            team[2].misbehaviour = nil
            team[2].reply = .fixed("charlie")
            team[2].ranking = .unparseable
        }) { fleet, roster, _ in
            let sent = try await BinaryRunner.run(
                ["send", "--roster", roster, "--to", "engram-ai,hermes-ai,ergon-ai", "--council", "--judge", "athena-ai",
                 "--json", "--no-log", "Which?"])
            #expect(sent.status == 0, "\(sent.stderr)")
            let events = try sent.jsonObjects()
            let ballots = events.filter { $0["type"] as? String == "ballot" }
            #expect(Set(ballots.compactMap { $0["specialist_id"] as? String }) == ["engram-ai", "hermes-ai", "ergon-ai"])
            let byRanker = Dictionary(uniqueKeysWithValues: ballots.map { ($0["specialist_id"] as? String ?? "", $0) })
            // engram-ai saw bravo and charlie: bravo first. hermes-ai put a label it was not shown (its own) first:
            // dropped, then alpha, charlie. ergon-ai ranked nothing.
            #expect(byRanker["engram-ai"]?["ranked_ids"] as? [String] == ["hermes-ai", "ergon-ai"])
            #expect(byRanker["hermes-ai"]?["ranked_ids"] as? [String] == ["engram-ai", "ergon-ai"])
            #expect(byRanker["ergon-ai"]?["abstained"] as? Bool == true)
            // Borda, two shown each: first 1 point, second 0. engram 1 (from hermes), hermes 1 (from engram), ergon 0.
            let ranking = try #require(events.first { $0["type"] as? String == "ranking" })
            let totals = try #require(ranking["totals"] as? [[String: Any]])
            #expect(Dictionary(uniqueKeysWithValues: totals.map { ($0["specialist_id"] as? String ?? "", $0["points"] as? Int ?? -1) })
                == ["engram-ai": 1, "hermes-ai": 1, "ergon-ai": 0])
            #expect(totals.last?["specialist_id"] as? String == "ergon-ai")
            #expect(ranking["abstained"] as? Int == 1)
            // Nobody was shown their own answer to rank.
            for (id, text) in [("engram-ai", "alpha"), ("hermes-ai", "bravo")] {
                #expect(!(fleet.counters.lastChat(id) ?? "").contains(text))
            }
            // The judge writes with the ranking.
            let prompt = try chatContent(fleet, "athena-ai")
            let labels: [String] = totals.map { total in (total["label"] as? String) ?? "?" }
            let order = labels.map { label in "Response " + label }.joined(separator: ", ")
            #expect(prompt.hasSuffix("The team ranked the responses, best first: \(order)."))
            #expect(events.last?["ranked"] as? Bool == true)
        }
    }

    @Test("/share judge: the synthesis goes to every member's next turn, attributed to the judge")
    func shareJudge() async throws {
        try await withTeam { fleet, roster, log in
            let environment = ["TEAMCHAT_LOG": log]
            _ = try await BinaryRunner.run(
                ["send", "--roster", roster, "--to", "engram-ai,hermes-ai", "--judge", "athena-ai", "--conversation", "j", "one"],
                environment: environment)
            let next = try await BinaryRunner.run(
                ["send", "--roster", roster, "--to", "engram-ai,hermes-ai", "-c", "--share", "judge", "two"], environment: environment)
            #expect(next.status == 0, "\(next.stderr)")
            let text = try #require(fleet.counters.lastChat("engram-ai"))
            let chat = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let history = try #require(chat["history"] as? [[String: Any]])
            // Its own thread (the judge's synthesis is not its answer), then the shared synthesis.
            #expect(history.prefix(2).map { $0["content"] as? String } == ["one", "Evict the least recently used connection."])
            let shared = try #require(history.last?["content"] as? String)
            #expect(shared.hasPrefix("Others on the team answered the last message:\n\n[the judge's synthesis]: athena-ai: "))
        }
    }

    @Test("a judge prompt of one's own is used as written; a bad one names the file; an unknown judge is a usage error")
    func promptFile() async throws {
        try await withTeam { fleet, roster, _ in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-prompt-\(UUID()).txt")
            defer { try? FileManager.default.removeItem(at: file) }
            try "Q={{question}}\n{{responses}}".write(to: file, atomically: true, encoding: .utf8)
            let custom = try await BinaryRunner.run(
                ["send", "--roster", roster, "--to", "engram-ai", "--judge", "athena-ai", "--judge-prompt", file.path,
                 "--no-log", "Why?"])
            #expect(custom.status == 0, "\(custom.stderr)")
            #expect(try chatContent(fleet, "athena-ai") == "Q=Why?\nResponse A:\nEvict the least recently used connection.")

            try "{{question}} and {{answers}}".write(to: file, atomically: true, encoding: .utf8)
            let bad = try await BinaryRunner.run(
                ["send", "--roster", roster, "--judge", "athena-ai", "--judge-prompt", file.path, "--no-log", "Why?"])
            #expect(bad.status == 65)
            #expect(bad.stderr.contains(file.path) && bad.stderr.contains("unknown placeholder {{answers}}"))
            let missing = try await BinaryRunner.run(
                ["send", "--roster", roster, "--judge", "athena-ai", "--judge-prompt", "/nonexistent/prompt", "--no-log", "Why?"])
            #expect(missing.status == 66)
            let unknown = try await BinaryRunner.run(["send", "--roster", roster, "--judge", "zeus-ai", "--no-log", "Why?"])
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("--judge: no specialist 'zeus-ai'"))
            #expect(fleet.counters.totalRequests(type: "chat") == 2)  // the custom round's member and judge only
        }
    }
}
