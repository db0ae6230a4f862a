import Foundation
import TeamChatModel
import TeamChatRoster
import Testing

@Suite("teams.json: named teams, and errors that name the file, the line and the key")
struct TeamsFileTests {
    private func parse(_ text: String) throws(TeamsFile.Problem) -> [NamedTeam] {
        try TeamsFile.parse(Data(text.utf8), path: "/home/me/.config/teamchat/teams.json")
    }

    @Test("every key read; names in the file's order; a roster path relative to the file")
    func reads() throws {
        let teams = try parse("""
            {"teams": {
              "zeta": {"tekton": true},
              "design": {
                "description": "the design review",
                "roster": "team.json",
                "members": ["athena-ai", "hermes-ai"],
                "overrides": {"hermes-ai": {"system": "Be brief.", "temperature": 0.2, "max_tokens": 400, "context": "server", "timeout": "30s"}},
                "judge": ["athena-ai", "apollo-ai"], "mode": "council",
                "quorum": 2, "timeout": "5s", "deadline": 10, "judge_timeout": "1m", "task_member": "hermes-ai"
              },
              "models": {"openai": "http://127.0.0.1:11434/v1", "model": "llama*", "api_key_env": "KEY"}
            }}
            """)
        #expect(teams.map(\.name) == ["zeta", "design", "models"])
        let design = teams[1]
        #expect(design.source == .file("/home/me/.config/teamchat/team.json"))
        #expect(design.members == ["athena-ai", "hermes-ai"])
        #expect(design.overrides["hermes-ai"] == NamedTeam.Override(
            system: "Be brief.", temperature: 0.2, maxTokens: 400, keepsOwnContext: true, timeout: .seconds(30)))
        #expect(design.judge == ["athena-ai", "apollo-ai"])
        #expect(design.mode == .council)
        #expect(design.quorum == 2)
        #expect(design.taskMember == "hermes-ai")
        #expect(design.timeout == .seconds(5) && design.deadline == .seconds(10) && design.judgeTimeout == .seconds(60))
        #expect(teams[0].source == .tekton)
        guard case .openAI(let openAI) = teams[2].source else { Issue.record("not openai"); return }
        #expect(openAI.models == "llama*" && openAI.apiKeyVariable == "KEY")
    }

    @Test("a wrong entry is an error at its line, naming the team and the key")
    func errors() {
        let cases: [(String, String)] = [
            ("{\"teams\": {\n  \"a\": {\"tekton\": true,\n    \"modee\": \"judge\"}}}", ":3: team 'a': unknown key 'modee'"),
            ("{\"teams\": {\n  \"a\": {\"tekton\": true,\n\n    \"mode\": \"jury\"}}}", ":4: team 'a': 'mode' is panel, judge or council, not 'jury'"),
            ("{\"teams\": {\"a\": {\"tekton\": true, \"roster\": \"x.json\"}}}", ":1: team 'a': needs exactly one source"),
            ("{\"teams\": {\"a\": {}}}", "team 'a': needs exactly one source"),
            ("{\"teams\": {\n\"a\": {\"tekton\": true,\n\"timeout\": \"soon\"}}}", ":3: team 'a': 'timeout' is not a duration"),
            ("{\"teams\": {\"a\": {\"tekton\": true, \"mode\": \"judge\"}}}", "team 'a': mode 'judge' needs a 'judge'"),
            ("{\"teams\": {\"a\": {\"tekton\": true,\n \"overrides\": {\"x\": {\n \"top_k\": 3}}}}}", ":3: team 'a': override of 'x': unknown key 'top_k'"),
            ("{\"teams\": {\"a\": {\"tekton\": true, \"quorum\": \"two\"}}}", "team 'a': 'quorum' is not"),
            ("{\"teams\": {\"a\": {\"tekton\": true}}, \"default\": \"a\"}", ":1: unknown key"),
            ("{\"teams\": {\"a\": {\"tekton\": true, \"members\": [\"x\"],\n \"task_member\": \"y\"}}}", ":2: team 'a': 'task_member' y is not one of its members"),
            ("{\"teams\": [1]}", "must be an object of teams by name"),
            ("{\"teams\": {\"a\": {\"tekton\": true},\n \"a\": {\"tekton\": true}}}", "team 'a' is named twice"),
            ("{\"teams\": {\"a\": {\"tekton\": true}", "not JSON"),
        ]
        for (text, expected) in cases {
            do {
                _ = try parse(text)
                Issue.record("no error for \(text)")
            } catch {
                #expect(error.message.hasPrefix("/home/me/.config/teamchat/teams.json"), "\(error.message)")
                #expect(error.message.contains(expected), "\(error.message) lacks \(expected)")
            }
        }
    }

    @Test("a team's members and overrides applied to a roster; unknown ids reported")
    func apply() {
        var team = NamedTeam(name: "t", source: .tekton)
        team.members = ["b", "a"]
        team.overrides = ["a": .init(temperature: 0.5, keepsOwnContext: true), "zz": .init(system: "x")]
        let roster = [Specialist.tekton(id: "a", host: "h", port: 1), .tekton(id: "b", host: "h", port: 2), .tekton(id: "c", host: "h", port: 3)]
        let applied = team.apply(to: roster)
        #expect(applied.map(\.id) == ["b", "a"])
        #expect(applied[1].temperature == 0.5 && applied[1].keepsOwnContext)
        #expect(team.unknownMembers(in: roster) == ["zz"])
    }

    @Test("prices per model: dollars per million tokens; a wrong one names its line; a round's cost is partial, never $0")
    func prices() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-prices-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "{\"teams\": {},\n \"prices\": {\"gpt-x\": {\"prompt\": 2.5, \"completion\": 10}}}".write(toFile: path, atomically: true, encoding: .utf8)
        let prices = try TeamsFile.prices(path: path)
        #expect(prices == ["gpt-x": ModelPrice(promptPerMillion: 2.5, completionPerMillion: 10)])
        var tally = CostTally(prices: prices)
        #expect(tally.words == "cost —")
        let priced = SpecialistOutcome(
            index: 0, specialistID: "a",
            result: .success(.answer(ChatAnswer(content: "x", model: "gpt-x", usage: TokenUsage(promptTokens: 1_000, completionTokens: 500)))),
            elapsed: .zero)
        #expect(tally.add(priced) == 0.0075)
        #expect(tally.words == "$0.007500")
        tally.add(SpecialistOutcome(index: 1, specialistID: "b", result: .success(.answer(ChatAnswer(content: "y"))), elapsed: .zero))
        #expect(tally.words == "$0.007500 (partial)")
        try "{\"teams\": {},\n \"prices\": {\n \"gpt-x\": {\"prompt\": \"cheap\"}}}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TeamsFile.Problem.self) { try TeamsFile.prices(path: path) }
        do { _ = try TeamsFile.prices(path: path) } catch { #expect(error.message.contains(":3: price of 'gpt-x'"), "\(error.message)") }
    }
}
