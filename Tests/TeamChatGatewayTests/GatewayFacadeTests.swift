import Foundation
import TeamChatEngine
import TeamChatFleet
import TeamChatLog
@testable import TeamChatGateway
import TeamChatRoster
import TeamChatTestSupport
import Testing

@Suite("The team as a model: /v1/models and /v1/chat/completions, and the official openai SDK", .timeLimit(.minutes(1)))
struct GatewayFacadeTests {
    /// engram-ai and hermes-ai answer; athena-ai judges the named team "design".
    private static func team() -> [SimulatedSpecialistConfiguration] {
        var team = SimulatedSpecialistConfiguration.team(count: 2)
        team[0].reply = .fixed("Evict the least recently used.")
        team[1].reply = .fixed("Close the oldest idle one.")
        team.append(SimulatedSpecialistConfiguration(id: "athena-ai"))
        return team
    }

    private static var design: NamedTeam {
        var design = NamedTeam(name: "design", source: .tekton)
        design.members = ["engram-ai", "hermes-ai"]
        design.judge = ["athena-ai"]
        design.taskMember = "hermes-ai"
        return design
    }

    /// `text` as a JSON string literal.
    private func quoted(_ text: String) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed)) ?? Data(), as: UTF8.self)
    }

    private func post(_ harness: GatewayHarness, _ body: String) async throws -> TestHTTPConnection.Response {
        try await TestHTTPConnection.request(port: harness.port, .POST, "/v1/chat/completions", body: body)
    }

    @Test("models in OpenAI's shape; a completion with the judge's synthesis; without a judge every answer, named")
    func completions() async throws {
        try await GatewayHarness.with(Self.team(), configure: { $0.teams = [Self.design] }) { harness in
            let models = try await TestHTTPConnection.request(port: harness.port, .GET, "/v1/models")
            let data = try #require(try models.json()["data"] as? [[String: Any]])
            #expect(data.compactMap { $0["id"] as? String } == ["team", "team/design"])
            #expect(data.allSatisfy { $0["created"] is Int && $0["owned_by"] as? String == "teamchat" && $0["object"] as? String == "model" })

            let judged = try await post(harness, #"{"model":"team/design","messages":[{"role":"user","content":"How?"}]}"#)
            #expect(judged.status == .ok, "\(judged.text)")
            let document = try judged.json()
            #expect(document["object"] as? String == "chat.completion")
            let choice = try #require((document["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "stop")
            let content = try #require((choice["message"] as? [String: Any])?["content"] as? String)
            #expect(content.hasPrefix("athena-ai: You are the judge"))
            #expect(harness.fleet.counters.requests("athena-ai", type: "chat") == 1)  // as judge, not member

            let plain = try await post(harness, #"{"model":"team","messages":[{"role":"user","content":"How?"}],"max_tokens":500}"#)
            let text = try #require(((try plain.json()["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String)
            #expect(text.contains("**engram-ai**: Evict the least recently used.") && text.contains("**hermes-ai**: Close the oldest idle one."))

            // A UI's short task (a title by max_tokens, Open WebUI's tags by its prompt): the team's task member
            // answers alone, its answer as it is.
            let before = harness.fleet.counters.totalRequests(type: "chat")
            let hermes = harness.fleet.counters.requests("hermes-ai", type: "chat")
            let task = try await post(harness, #"{"model":"team/design","messages":[{"role":"user","content":"Title?"}],"max_tokens":16}"#)
            #expect(task.status == .ok)
            let title = ((try task.json()["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            #expect(title == "Close the oldest idle one.")
            let tags = try await post(harness, ####"{"model":"team/design","messages":[{"role":"user","content":"### Task:\nGenerate 1-3 broad tags"}]}"####)
            #expect(tags.status == .ok)
            #expect(harness.fleet.counters.totalRequests(type: "chat") == before + 2)
            #expect(harness.fleet.counters.requests("hermes-ai", type: "chat") == hermes + 2)

            let unknown = try await post(harness, #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#)
            #expect(unknown.status == .notFound)
            let error = try #require(try unknown.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "model_not_found" && error["param"] as? String == "model")
            #expect(error["type"] as? String == "invalid_request_error")
            let bad = try await post(harness, #"{"model":"team","messages":[]}"#)
            #expect(bad.status == .badRequest)
            #expect((try bad.json()["error"] as? [String: Any])?["param"] as? String == "messages")
        }
    }

    @Test("streaming: members as reasoning_content, the synthesis as content, finish_reason, usage chunk, [DONE]; history becomes each member's thread")
    func streaming() async throws {
        try await GatewayHarness.with(Self.team(), configure: { $0.teams = [Self.design] }) { harness in
            let response = try await post(harness, #"""
                {"model":"team/design","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"system","content":"ignored"},{"role":"user","content":"one"},
                             {"role":"assistant","content":"ONE"},{"role":"user","content":"two"}]}
                """#)
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            let events = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.last == "data: [DONE]")
            let chunks = events.dropLast().map { String($0.dropFirst("data: ".count)).jsonObject }
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" && $0["model"] as? String == "team/design" })
            let deltas = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
            let reasoning = deltas.compactMap { $0["reasoning_content"] as? String }.joined()
            let content = deltas.compactMap { $0["content"] as? String }.joined()
            #expect(reasoning.contains("engram-ai answered") && reasoning.contains("hermes-ai answered"))
            #expect(content.hasPrefix("athena-ai: You are the judge"))
            let finishes = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
            #expect(finishes == ["stop"])
            #expect((chunks.last?["choices"] as? [Any])?.isEmpty == true)  // the usage chunk
            // Each member was sent the client's earlier turns as its thread.
            let chat = try #require(harness.fleet.counters.lastChat("engram-ai"))
            #expect(chat.contains(#""history":[{"role":"user","content":"one"},{"role":"assistant","content":"ONE"}]"#))
        }
    }

    @Test("a chat the facade answered continues its conversation from the log, each member on its own thread; an edited one is sent as it is")
    func conversations() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-facade-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try RoundLog.open(at: directory + "/log.db").log
        var members = SimulatedSpecialistConfiguration.team(count: 2)
        members.append(SimulatedSpecialistConfiguration(id: "athena-ai"))
        try await GatewayHarness.with(members, configure: {
            $0.teams = [Self.design]
            $0.roundLog = log
        }) { harness in
            func content(_ response: TestHTTPConnection.Response) throws -> String {
                if response.headers.first(name: "content-type") == "text/event-stream" {
                    return response.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
                        .compactMap { (String($0.dropFirst(6)).jsonObject["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
                        .compactMap { $0["content"] as? String }.joined()
                }
                let choice = try #require((try response.json()["choices"] as? [[String: Any]])?.first)
                return try #require((choice["message"] as? [String: Any])?["content"] as? String)
            }
            let history = harness.fleet.lastHistory
            func turns(_ pairs: [(String, String)]) -> String {
                "[" + pairs.map { #"{"role":"\#($0.0)","content":\#(quoted($0.1))}"# }.joined(separator: ",") + "]"
            }
            let first = try await post(harness, #"{"model":"team/design","messages":[{"role":"user","content":"one"}]}"#)
            let one = try content(first)
            #expect(one.hasPrefix("athena-ai: You are the judge"))
            // Streamed, with a system message and the judge's answer as the client holds it.
            let second = try await post(harness, #"{"model":"team/design","stream":true,"messages":"# + turns(
                [("system", "be brief"), ("user", "one"), ("assistant", one), ("user", "two")]) + "}")
            let two = try content(second)
            #expect(two.hasPrefix("athena-ai: You are the judge"))
            #expect(try history("engram-ai") == [["user", "one"], ["assistant", "engram-ai: one"]])
            #expect(try history("hermes-ai") == [["user", "one"], ["assistant", "hermes-ai: one"]])
            // Not streamed; the client trimmed what it keeps.
            _ = try await post(harness, #"{"model":"team/design","messages":"# + turns(
                [("user", "one"), ("assistant", one), ("user", "two"), ("assistant", two + "\n"), ("user", "three")]) + "}")
            #expect(try history("engram-ai") == [["user", "one"], ["assistant", "engram-ai: one"], ["user", "two"], ["assistant", "engram-ai: two"]])
            // In one conversation of the log (written within the gateway's few milliseconds of gathering).
            let facadeRounds = { try log.recent(limit: 10).filter { $0.via == "facade" } }
            #expect(try await eventually { try facadeRounds().count == 3 })
            #expect(try Set(facadeRounds().map(\.conversation)).count == 1)

            // An answer the client edited: not this conversation any more; every member gets the turns as sent.
            _ = try await post(harness, #"{"model":"team/design","messages":"# + turns(
                [("user", "one"), ("assistant", "my own words"), ("user", "two")]) + "}")
            #expect(try history("hermes-ai") == [["user", "one"], ["assistant", "my own words"]])
            #expect(try await eventually { try facadeRounds().count == 4 })
            #expect(try Set(facadeRounds().map(\.conversation)).count == 2)
        }
    }

    @Test("a named team's context: server override holds at the gateway: that member is sent no thread, continued, as sent or by conversation_id")
    func serverContext() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-facade-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var quiet = NamedTeam(name: "quiet", source: .tekton)
        quiet.members = ["engram-ai", "hermes-ai"]
        quiet.overrides["hermes-ai"] = NamedTeam.Override(keepsOwnContext: true)
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 2), configure: {
            $0.teams = [quiet]
            $0.roundLog = try? RoundLog.open(at: directory + "/log.db").log
        }) { harness in
            let history = harness.fleet.lastHistory
            let first = try await post(harness, #"{"model":"team/quiet","messages":[{"role":"user","content":"one"}]}"#)
            let choice = try #require((try first.json()["choices"] as? [[String: Any]])?.first)
            let one = try #require((choice["message"] as? [String: Any])?["content"] as? String)
            // The chat continued from the log: engram-ai gets its own thread, hermes-ai none.
            _ = try await post(harness, #"{"model":"team/quiet","messages":[{"role":"user","content":"one"},"#
                + #"{"role":"assistant","content":\#(quoted(one))},{"role":"user","content":"two"}]}"#)
            #expect(try history("engram-ai") == [["user", "one"], ["assistant", "engram-ai: one"]])
            #expect(try history("hermes-ai") == [])
            // An edited chat, sent as it is: to engram-ai only.
            _ = try await post(harness, #"{"model":"team/quiet","messages":[{"role":"user","content":"one"},"#
                + #"{"role":"assistant","content":"mine"},{"role":"user","content":"two"}]}"#)
            #expect(try history("engram-ai") == [["user", "one"], ["assistant", "mine"]])
            #expect(try history("hermes-ai") == [])
            // Rhetor's body naming the team and a conversation_id holds it too.
            let round = try await TestHTTPConnection.request(
                port: harness.port, .POST, "/api/team-chat", body: #"{"message":"uno","team":"quiet"}"#)
            let id = try #require(try round.json()["conversation_id"] as? String)
            _ = try await TestHTTPConnection.request(
                port: harness.port, .POST, "/api/team-chat",
                body: #"{"message":"dos","team":"quiet","conversation_id":"\#(id)"}"#)
            #expect(try history("engram-ai") == [["user", "uno"], ["assistant", "engram-ai: uno"]])
            #expect(try history("hermes-ai") == [])
        }
    }

    @Test("at its round cap the gateway refuses with 429 and Retry-After (OpenAI's rate_limit_error on the facade), then serves again")
    func saturated() async throws {
        var members = SimulatedSpecialistConfiguration.team(count: 2)
        members[1].misbehaviour = .hang
        try await GatewayHarness.with(members, configure: {
            $0.maximumRounds = 1
            $0.roundDefaults.timeout = .milliseconds(300)
        }) { harness in
            let channel = try await TestHTTPConnection.connect(port: harness.port)
            try await channel.executeThenClose { inbound, outbound in
                // One round held open on the member that hangs: the gateway's one round.
                try await TestHTTPConnection.send(
                    .GET, "/api/team-chat/stream?message=hold&to=hermes-ai&timeout=30", body: nil, to: outbound)
                var reader = SSEReader()
                waiting: for try await part in inbound {
                    if case .body(let bytes) = part, reader.feed(String(buffer: bytes)).contains(where: { $0.name == "connected" }) {
                        break waiting
                    }
                }
                #expect(harness.gateway.roundsInFlight == 1)
                let refused = try await post(harness, #"{"model":"team","messages":[{"role":"user","content":"hi"}]}"#)
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers.first(name: "retry-after") == "1")
                let error = try #require(try refused.json()["error"] as? [String: Any])
                #expect(error["type"] as? String == "rate_limit_error")
                #expect((error["message"] as? String)?.contains("1 rounds at most") == true)
                let rhetor = try await TestHTTPConnection.request(
                    port: harness.port, .POST, "/api/team-chat", body: #"{"message":"hi"}"#)
                #expect(rhetor.status == .tooManyRequests && rhetor.headers.first(name: "retry-after") == "1")
                #expect(harness.fleet.counters.totalRequests(type: "chat") == 1)  // nothing was asked of the team
            }
            // The held round went with its client: the next one is served.
            #expect(await eventually { harness.gateway.roundsInFlight == 0 })
            let served = try await post(harness, #"{"model":"team","messages":[{"role":"user","content":"hi"}],"max_tokens":500}"#)
            #expect(served.status == .ok, "\(served.text)")
        }
    }

    @Test("the official openai SDK (PyPI): models.list, create, create(stream=True) with include_usage, NotFoundError")
    func officialSDK() async throws {
        let python = ProcessInfo.processInfo.environment["TEAMCHAT_PEER_PYTHON"] ?? "python3"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers/openai_sdk_client.py").path
        try await GatewayHarness.with(Self.team(), configure: { $0.teams = [Self.design] }) { harness in
            let run = try await ChildProcess.run(python, [script, "http://127.0.0.1:\(harness.port)/v1", "team/design"])
            guard run.status == 0 else {
                Issue.record("the openai SDK client failed (`make peers` installs openai in .build-peers): \(run.stderr)")
                return
            }
            let result = run.stdout.jsonObject
            #expect(result["models"] as? [String] == ["team", "team/design"])
            let create = try #require(result["create"] as? [String: Any])
            #expect(create["object"] as? String == "chat.completion" && create["finish_reason"] as? String == "stop")
            #expect((create["content"] as? String)?.hasPrefix("athena-ai: ") == true)
            let stream = try #require(result["stream"] as? [String: Any])
            #expect((stream["content"] as? String)?.hasPrefix("athena-ai: ") == true)
            #expect((stream["reasoning"] as? String)?.contains("engram-ai answered") == true)
            #expect(stream["finish_reason"] as? String == "stop")
            #expect(stream["usage_chunks"] as? Int == 1)
            let unknown = try #require(result["unknown"] as? [String: Any])
            #expect(unknown["status"] as? Int == 404 && unknown["code"] as? String == "model_not_found")
            let bad = try #require(result["bad"] as? [String: Any])
            #expect(bad["status"] as? Int == 400 && bad["param"] as? String == "messages")
        }
    }
}
