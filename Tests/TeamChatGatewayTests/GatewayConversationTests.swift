import Foundation
import TeamChatFleet
@testable import TeamChatGateway
import TeamChatLog
import TeamChatTestSupport
import Testing

@Suite("Conversations at the gateway: conversation_id, the thread, restarts", .timeLimit(.minutes(1)))
struct GatewayConversationTests {
    /// A fresh round log in a temporary directory, removed after `body`.
    private func withLogFile<Value>(_ body: (String) async throws -> Value) async throws -> Value {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-gwconv-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory + "/log.db")
    }

    private func withGateway<Value: Sendable>(
        logAt path: String?, _ body: @Sendable (GatewayHarness) async throws -> Value
    ) async throws -> Value {
        let log = try path.map { try RoundLog.open(at: $0).log }
        return try await GatewayHarness.with(
            SimulatedSpecialistConfiguration.team(count: 2), configure: { $0.roundLog = log }, body)
    }

    /// A thread as (role, content) pairs, from what a Tekton member received.

    private func post(_ harness: GatewayHarness, _ path: String, _ body: String) async throws -> TestHTTPConnection.Response {
        try await TestHTTPConnection.request(port: harness.port, .POST, path, body: body)
    }

    @Test("no id: a new conversation, returned; its id continues it with each member's own thread, on every route")
    func continuesOverHTTP() async throws {
        try await withLogFile { path in
            try await withGateway(logAt: path) { harness in
                let ids = harness.fleet.specialists.map(\.id)
                let first = try await post(harness, "/api/team-chat", #"{"message":"one"}"#)
                let id = try #require(try first.json()["conversation_id"] as? String)
                #expect(ConversationThreads.isValidID(id))
                #expect(try harness.fleet.lastHistory(ids[0]) == [])

                // The moment the first answer is back, the next round continues it (the record is read behind it).
                let second = try await post(harness, "/api/team-chat", #"{"message":"two","conversation_id":"\#(id)"}"#)
                #expect(second.status == .ok)
                #expect(try second.json()["conversation_id"] as? String == id)
                #expect(try harness.fleet.lastHistory(ids[0]) == [["user", "one"], ["assistant", "\(ids[0]): one"]])
                #expect(try harness.fleet.lastHistory(ids[1]) == [["user", "one"], ["assistant", "\(ids[1]): one"]])

                // NDJSON: the summary names the conversation.
                let third = try await post(harness, "/v1/rounds", #"{"message":"three","conversation_id":"\#(id)"}"#)
                let summary = try #require(third.text.split(separator: "\n").last.map { String($0).jsonObject })
                #expect(summary["type"] as? String == "summary")
                #expect(summary["conversation_id"] as? String == id)
                #expect(try harness.fleet.lastHistory(ids[0]).count == 4)

                // The thread: every round of it, every answer, oldest first.
                let thread = try await TestHTTPConnection.request(port: harness.port, .GET, "/v1/conversations/\(id)")
                #expect(thread.status == .ok)
                let rounds = try #require(try thread.json()["rounds"] as? [[String: Any]])
                #expect(rounds.map { $0["message"] as? String } == ["one", "two", "three"])
                #expect(rounds.allSatisfy { ($0["answers"] as? [Any])?.count == 2 && $0["conversation"] as? String == id })

                // Another round without an id is another conversation.
                let other = try await post(harness, "/v1/rounds", #"{"message":"fresh"}"#)
                let otherID = other.text.split(separator: "\n").last.map { String($0).jsonObject["conversation_id"] as? String }
                #expect(otherID != nil && otherID != id)
                #expect(try harness.fleet.lastHistory(ids[0]) == [])
            }
        }
    }

    @Test("an unknown id starts a conversation by that name; bad ids, threads with an id, and pings are refused")
    func refusals() async throws {
        try await withLogFile { path in
            try await withGateway(logAt: path) { harness in
                let named = try await post(harness, "/api/team-chat", #"{"message":"hello","conversation_id":"design-1"}"#)
                #expect(try named.json()["conversation_id"] as? String == "design-1")
                let missing = try await TestHTTPConnection.request(port: harness.port, .GET, "/v1/conversations/nothing-here")
                #expect(missing.status == .notFound)
                let bad = try await TestHTTPConnection.request(port: harness.port, .GET, "/v1/conversations/a%20b")
                #expect(bad.status == .badRequest)
                for body in [
                    #"{"message":"x","conversation_id":"has space"}"#,
                    #"{"message":"x","conversation_id":"c","threads":{"engram-ai":[{"role":"user","content":"u"}]}}"#,
                    #"{"ping":true,"conversation_id":"c"}"#,
                ] {
                    let refused = try await post(harness, "/v1/rounds", body)
                    #expect(refused.status == .badRequest, "\(body): \(refused.text)")
                }
                #expect(harness.fleet.counters.totalRequests(type: "chat") == 2)  // the named round only
            }
        }
    }

    @Test("WebSocket rounds carry conversation_id both ways; SSE names it when connected")
    func webSocketAndStream() async throws {
        try await withLogFile { path in
            try await withGateway(logAt: path) { harness in
                let engram = harness.fleet.specialists[0].id
                let socket = try await TestWebSocket.connect(port: harness.port)
                try await socket.send(#"{"message":"one","round":1}"#)
                var id: String?
                for await text in socket.messages where text.jsonObject["type"] as? String == "summary" {
                    id = text.jsonObject["conversation_id"] as? String
                    break
                }
                let conversation = try #require(id)
                try await socket.send(#"{"message":"two","round":2,"conversation_id":"\#(conversation)"}"#)
                for await text in socket.messages where text.jsonObject["type"] as? String == "summary" {
                    #expect(text.jsonObject["conversation_id"] as? String == conversation)
                    break
                }
                #expect(try harness.fleet.lastHistory(engram) == [["user", "one"], ["assistant", "\(engram): one"]])
                await socket.close()

                let stream = try await post(
                    harness, "/api/team-chat/stream", #"{"message":"three","conversation_id":"\#(conversation)"}"#)
                var parser = SSEReader()
                let events = parser.feed(stream.text)
                #expect(events.first?.name == "connected")
                #expect(events.first.map { $0.data.jsonObject["conversation_id"] as? String } == conversation)
                #expect(events.last.map { $0.data.jsonObject["conversation_id"] as? String } == conversation)
                #expect(try harness.fleet.lastHistory(engram).count == 4)
            }
        }
    }

    @Test("history survives a gateway restart: it is in the log")
    func survivesRestart() async throws {
        try await withLogFile { path in
            let id = try await withGateway(logAt: path) { harness in
                try #require(try await post(harness, "/api/team-chat", #"{"message":"before"}"#).json()["conversation_id"] as? String)
            }
            try await withGateway(logAt: path) { harness in
                let engram = harness.fleet.specialists[0].id
                let after = try await post(harness, "/api/team-chat", #"{"message":"after","conversation_id":"\#(id)"}"#)
                #expect(after.status == .ok)
                #expect(try harness.fleet.lastHistory(engram) == [["user", "before"], ["assistant", "\(engram): before"]])
                let thread = try await TestHTTPConnection.request(port: harness.port, .GET, "/v1/conversations/\(id)")
                #expect((try thread.json()["rounds"] as? [Any])?.count == 2)
            }
        }
    }

    @Test("a gateway without a round log has no conversations: naming one is a 409, none is returned")
    func withoutLog() async throws {
        try await withGateway(logAt: nil) { harness in
            let plain = try await post(harness, "/api/team-chat", #"{"message":"hi"}"#)
            #expect(plain.status == .ok)
            #expect(try plain.json()["conversation_id"] == nil)
            let named = try await post(harness, "/api/team-chat", #"{"message":"hi","conversation_id":"c1"}"#)
            #expect(named.status == .conflict)
            #expect(named.text.contains("--no-log"))
            let thread = try await TestHTTPConnection.request(port: harness.port, .GET, "/v1/conversations/c1")
            #expect(thread.status == .conflict)
        }
    }
}
