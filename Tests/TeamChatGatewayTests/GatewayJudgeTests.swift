import Foundation
import TeamChatEngine
import TeamChatFleet
@testable import TeamChatGateway
import TeamChatRoster
import TeamChatTestSupport
import Testing

@Suite("The judge, the council and named teams at the gateway", .timeLimit(.minutes(1)))
struct GatewayJudgeTests {
    /// engram-ai and hermes-ai answer fixed texts, ranking by content; athena-ai (the judge) echoes.
    private static func team() -> [SimulatedSpecialistConfiguration] {
        var team = SimulatedSpecialistConfiguration.team(count: 2)
        team[0].reply = .fixed("alpha")
        team[0].ranking = .byContent
        team[1].reply = .fixed("bravo")
        team[1].ranking = .byContent
        team.append(SimulatedSpecialistConfiguration(id: "athena-ai"))
        return team
    }

    private func post(_ harness: GatewayHarness, _ path: String, _ body: String) async throws -> TestHTTPConnection.Response {
        try await TestHTTPConnection.request(port: harness.port, .POST, path, body: body)
    }

    @Test("judge in Rhetor's body: the synthesis comes in the document; NDJSON and SSE stream judge_chunk then judge")
    func judge() async throws {
        try await GatewayHarness.with(Self.team()) { harness in
            let rhetor = try await post(harness, "/api/team-chat", #"{"message":"Which?","target_sockets":["engram","hermes"],"judge":"athena-ai"}"#)
            #expect(rhetor.status == .ok, "\(rhetor.text)")
            let synthesis = try #require(try rhetor.json()["synthesis"] as? [String: Any])
            #expect(synthesis["judge"] as? String == "athena-ai")
            #expect(synthesis["success"] as? Bool == true)
            let content = try #require(synthesis["content"] as? String)
            #expect(content.hasPrefix("athena-ai: You are the judge"))
            #expect(!content.contains("engram-ai") && !content.contains("hermes-ai"))
            #expect(Set(synthesis["based_on"] as? [String] ?? []) == ["engram-ai", "hermes-ai"])

            let ndjson = try await post(harness, "/v1/rounds", #"{"message":"Which?","to":"engram,hermes","judge":["athena-ai"]}"#)
            let types = ndjson.text.split(separator: "\n").compactMap { String($0).jsonObject["type"] as? String }
            #expect(types.filter { $0 == "reply" }.count == 2)
            let summary = try #require(types.firstIndex(of: "summary"))
            #expect(types[(summary + 1)...].dropLast().allSatisfy { $0 == "judge_chunk" })
            #expect(types.last == "judge")

            let stream = try await post(harness, "/api/team-chat/stream", #"{"message":"Which?","to":"engram,hermes","mode":"council","judge":"athena-ai"}"#)
            var reader = SSEReader()
            let names = reader.feed(stream.text).map(\.name)
            #expect(names.filter { $0 == "ballot" }.count == 2)
            #expect(names.contains("ranking"))
            #expect(names.last == "judge")
            #expect(names.firstIndex(of: "complete")! < names.firstIndex(of: "ranking")!)
            #expect(await eventually { harness.gateway.roundsInFlight == 0 })
        }
    }

    @Test("WebSocket rounds carry the synthesis tagged with their round; the round ends after the verdict")
    func webSocket() async throws {
        try await GatewayHarness.with(Self.team()) { harness in
            let socket = try await TestWebSocket.connect(port: harness.port)
            try await socket.send(#"{"message":"Which?","to":"engram,hermes","judge":"athena-ai","round":5}"#)
            var types: [String] = []
            for await text in socket.messages {
                let object = text.jsonObject
                #expect(object["round"] as? Int == 5)
                types.append(object["type"] as? String ?? "")
                if types.last == "judge" { break }
            }
            #expect(types.contains("summary") && types.contains("judge_chunk"))
            await socket.close()
        }
    }

    @Test("a named team: its members asked, its overrides sent, its judge used; an unknown one is a 404")
    func namedTeam() async throws {
        var design = NamedTeam(name: "design", source: .tekton)
        design.members = ["engram-ai"]
        design.overrides = ["engram-ai": .init(temperature: 0.4)]
        design.judge = ["athena-ai"]
        try await GatewayHarness.with(Self.team(), configure: { $0.teams = [design] }) { harness in
            let response = try await post(harness, "/api/team-chat", #"{"message":"Which?","team":"design"}"#)
            #expect(response.status == .ok, "\(response.text)")
            #expect((try response.json()["responses"] as? [[String: Any]])?.compactMap { $0["socket_id"] as? String } == ["engram-ai"])
            #expect((try response.json()["synthesis"] as? [String: Any])?["judge"] as? String == "athena-ai")
            #expect(harness.fleet.counters.requests("hermes-ai", type: "chat") == 0)
            let chat = try #require(harness.fleet.counters.lastChat("engram-ai"))
            #expect(chat.contains(#""temperature":0.4"#))
            let unknown = try await post(harness, "/api/team-chat", #"{"message":"Which?","team":"nope"}"#)
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains("no team 'nope' here (teams: design)"))
            let badJudge = try await post(harness, "/v1/rounds", #"{"message":"Which?","judge":"zeus-ai"}"#)
            #expect(badJudge.status == .badRequest)
            let badMode = try await post(harness, "/v1/rounds", #"{"message":"Which?","mode":"jury"}"#)
            #expect(badMode.status == .badRequest)
        }
    }

    @Test("a client that goes away during the synthesis stops it: the judge's exchange is abandoned, nothing leaks")
    func clientGoesAway() async throws {
        var team = Self.team()
        team[2].misbehaviour = .hang
        try await GatewayHarness.with(team) { harness in
            let socket = try await TestWebSocket.connect(port: harness.port)
            try await socket.send(#"{"message":"Which?","to":"engram,hermes","judge":"athena-ai"}"#)
            for await text in socket.messages where text.jsonObject["type"] as? String == "summary" { break }
            #expect(await eventually { harness.fleet.counters.requests("athena-ai", type: "chat") == 1 })
            #expect(harness.gateway.roundsInFlight == 1)  // the synthesis holds the round
            await socket.close()
            #expect(await eventually { harness.gateway.roundsInFlight == 0 })
        }
    }
}
