import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TeamChatFleet
@testable import TeamChatGateway
import TeamChatModel
import TeamChatTestSupport
import Testing

@Suite("The gateway over real sockets: routes, SSE, rounds, limits, lifecycle", .timeLimit(.minutes(1)))
struct GatewayHTTPTests {
    static func team(_ count: Int, _ misbehaving: [Int: Misbehaviour] = [:], latency: [Int: Duration] = [:])
        -> [SimulatedSpecialistConfiguration]
    {
        SimulatedSpecialistConfiguration.team(count: count).enumerated().map { index, configuration in
            var configuration = configuration
            configuration.misbehaviour = misbehaving[index]
            configuration.latency = latency[index] ?? .zero
            return configuration
        }
    }

    @Test("the guide's curl command, verbatim: Rhetor's response, plus the failures Rhetor drops")
    func rhetorCurl() async throws {
        try await GatewayHarness.with(Self.team(3, [2: .refuse])) { harness in
            // curl -X POST http://localhost:8003/api/team-chat -H "Content-Type: application/json"
            //      -d '{"message": "Quick test", "timeout": 2.0}'
            let response = try await TestHTTPConnection.request(
                port: harness.port, .POST, "/api/team-chat", body: #"{"message": "Quick test", "timeout": 2.0}"#)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type") == "application/json")
            let document = try response.json()
            #expect((document["request_id"] as? String)?.isEmpty == false)
            #expect(document["moderation_mode"] as? String == "pass_through")
            #expect((document["timestamp"] as? String)?.hasSuffix("Z") == true)
            #expect(document["elapsed_time"] is Double)
            let responses = try #require(document["responses"] as? [[String: Any]])
            #expect(Set(responses.compactMap { $0["socket_id"] as? String })
                == Set(harness.fleet.specialists.prefix(2).map(\.id)))
            for reply in responses {
                #expect(reply["content"] as? String == "\(reply["socket_id"] as? String ?? ""): Quick test")
                #expect(reply["timestamp"] is String)
                #expect((reply["metadata"] as? [String: Any])?["elapsed_ms"] is Double)
            }
            let errors = try #require(document["errors"] as? [[String: Any]])
            #expect(errors.count == 1)
            #expect(errors.first?["socket_id"] as? String == harness.fleet.specialists[2].id)
            #expect(errors.first?["error_kind"] as? String == "refused")
            let summary = try #require(document["summary"] as? [String: Any])
            #expect(summary["replied"] as? Int == 2)
            #expect(summary["via"] as? String == "gateway")
        }
    }

    @Test("SSE: the first answer reaches the client while a slow specialist is still thinking")
    func streamIsIncremental() async throws {
        // The second specialist never answers: the first `message` event can only have come before the round
        // ended, and the `complete` event has not come when it arrives.
        try await GatewayHarness.with(Self.team(2, [1: .hang])) { harness in
            let channel = try await TestHTTPConnection.connect(port: harness.port)
            let seen = try await channel.executeThenClose { inbound, outbound in
                try await TestHTTPConnection.send(.GET, "/api/team-chat/stream?message=hello%20team&timeout=30", body: nil, to: outbound)
                var reader = SSEReader()
                var names: [String] = []
                var head: HTTPResponseHead?
                reading: for try await part in inbound {
                    switch part {
                    case .head(let response): head = response
                    case .body(let bytes):
                        for event in reader.feed(String(buffer: bytes)) {
                            names.append(event.name)
                            if event.name == "message" {
                                #expect(event.data.jsonObject["content"] as? String == "engram-ai: hello team")
                                break reading
                            }
                        }
                    case .end: break reading
                    }
                }
                #expect(head?.headers.first(name: "content-type") == "text/event-stream")
                return names
            }
            #expect(seen == ["connected", "message"])
            // Closing the stream cancelled the round: the hung specialist's lease went back (closed, not leaked).
            #expect(await eventually { harness.gateway.session.engine.statistics(for: harness.fleet.specialists[1]).leased == 0 })
            #expect(await eventually { harness.gateway.roundsInFlight == 0 })
        }
    }

    @Test("SSE: error per failure and complete with the summary, by GET and by POST")
    func streamComplete() async throws {
        try await GatewayHarness.with(Self.team(2, [1: .garbage])) { harness in
            for (method, uri, body) in [
                (HTTPMethod.GET, "/api/team-chat/stream?message=hi&to=engram,hermes", nil as String?),
                (.POST, "/api/team-chat/stream", #"{"message":"hi"}"#),
            ] {
                let response = try await TestHTTPConnection.request(port: harness.port, method, uri, body: body)
                var reader = SSEReader()
                let events = reader.feed(response.text)
                #expect(events.map(\.name).sorted() == ["complete", "connected", "error", "message"])
                #expect(events.last?.name == "complete")
                #expect(events.last?.data.jsonObject["replied"] as? Int == 1)
                #expect(events.first { $0.name == "error" }?.data.jsonObject["error_kind"] as? String == "protocol")
            }
        }
    }

    @Test("dozens of simultaneous rounds over the shared pools, each getting only its own answers")
    func concurrentRounds() async throws {
        try await GatewayHarness.with(Self.team(6)) { harness in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<48 {
                    group.addTask {
                        let response = try await TestHTTPConnection.request(
                            port: harness.port, .POST, "/v1/rounds", body: #"{"message":"m\#(number)"}"#)
                        #expect(response.status == .ok)
                        let lines = response.text.split(separator: "\n").map { String($0).jsonObject }
                        let replies = lines.filter { $0["type"] as? String == "reply" }
                        #expect(replies.count == 6)
                        #expect(replies.allSatisfy {
                            $0["content"] as? String == "\($0["specialist_id"] as? String ?? ""): m\(number)"
                        })
                        #expect(lines.last?["type"] as? String == "summary")
                        #expect(lines.last?["via"] as? String == "gateway")
                    }
                }
                try await group.waitForAll()
            }
            // Shared pools: at most the pool's cap of connections per specialist, however many clients.
            for specialist in harness.fleet.specialists {
                #expect(harness.fleet.counters.connections(specialist.id) <= 5)
            }
            #expect(harness.gateway.roundsInFlight == 0)
        }
    }

    @Test("a client that disconnects mid-round cancels its round and leaks no lease; others are undisturbed")
    func disconnectMidRound() async throws {
        try await GatewayHarness.with(Self.team(3, [2: .hang])) { harness in
            let channel = try await TestHTTPConnection.connect(port: harness.port)
            try await channel.executeThenClose { inbound, outbound in
                try await TestHTTPConnection.send(.POST, "/v1/rounds", body: #"{"message":"bye","timeout":60}"#, to: outbound)
                var replies = 0
                for try await part in inbound {
                    if case .body(let bytes) = part { replies += String(buffer: bytes).components(separatedBy: "\"reply\"").count - 1 }
                    if replies == 2 { break }  // the two that answer; the third hangs
                }
            }
            #expect(await eventually { harness.gateway.roundsInFlight == 0 })
            let hung = harness.fleet.specialists[2]
            #expect(await eventually { harness.gateway.session.engine.statistics(for: hung).leased == 0 })
            // Meanwhile and after, another client's round is whole.
            let after = try await TestHTTPConnection.request(
                port: harness.port, .POST, "/v1/rounds", body: #"{"message":"next","to":["engram","hermes"]}"#)
            #expect(after.text.contains(#""replied":2"#))
        }
    }

    @Test("roster, metrics and health routes")
    func documents() async throws {
        try await GatewayHarness.with(Self.team(2)) { harness in
            _ = try await TestHTTPConnection.request(port: harness.port, .POST, "/v1/rounds", body: #"{"message":"x"}"#)
            let sockets = try await TestHTTPConnection.request(port: harness.port, .GET, "/api/team-chat/sockets").json()
            let entries = try #require(sockets["sockets"] as? [[String: Any]])
            #expect(entries.map { $0["socket_id"] as? String } == harness.fleet.specialists.map(\.id))
            #expect(entries.allSatisfy { $0["circuit"] as? String == "closed" && $0["requests"] as? Int == 1 })
            let metrics = try await TestHTTPConnection.request(port: harness.port, .GET, "/metrics")
            #expect(metrics.headers.first(name: "content-type")?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains(#"teamchat_round_duration_seconds_bucket{le="0.00005"}"#))
            #expect(metrics.text.contains(#"teamchat_specialist_outcomes_total{specialist="engram-ai",kind="ok"} 1"#))
            let health = try await TestHTTPConnection.request(port: harness.port, .GET, "/healthz").json()
            #expect(health["status"] as? String == "ok")
            #expect(health["specialists"] as? Int == 2)
            let team = try await TestHTTPConnection.request(port: harness.port, .GET, "/v1/team?source=file:/elsewhere")
            #expect(team.status == .conflict)
        }
    }

    @Test("clear JSON errors: unknown route, wrong method, bad JSON, unknown specialist, too large")
    func errors() async throws {
        try await GatewayHarness.with(Self.team(1), configure: { $0.maximumBodyBytes = 4_096 }) { harness in
            let cases: [(HTTPMethod, String, String?, HTTPResponseStatus, String)] = [
                (.GET, "/nope", nil, .notFound, "no route /nope"),
                (.GET, "/api/team-chat", nil, .methodNotAllowed, "takes POST"),
                (.POST, "/api/team-chat", "{not json", .badRequest, "not a JSON object"),
                (.POST, "/v1/rounds", #"{"message":"x","to":["zeus"]}"#, .badRequest, "unknown specialist"),
                (.POST, "/v1/rounds", #"{"message":""# + String(repeating: "y", count: 5_000) + #""}"#, .payloadTooLarge,
                 "larger than 4096 bytes"),
                (.GET, "/api/team-chat/ws", nil, .badRequest, "WebSocket upgrade"),
            ]
            for (method, uri, body, status, words) in cases {
                let response = try await TestHTTPConnection.request(port: harness.port, method, uri, body: body)
                #expect(response.status == status, "\(method) \(uri)")
                #expect(response.headers.first(name: "content-type") == "application/json")
                #expect((try response.json()["error"] as? String)?.contains(words) == true, "\(response.text)")
            }
        }
    }

    @Test("with a token, every request needs it: 401 without, 200 with")
    func token() async throws {
        let token = "s3cret-token-0123456789"
        try await GatewayHarness.with(Self.team(1), configure: { $0.token = token }) { harness in
            let without = try await TestHTTPConnection.request(port: harness.port, .GET, "/healthz")
            #expect(without.status == .unauthorized)
            #expect(without.headers.first(name: "www-authenticate") == "Bearer")
            #expect(!without.text.contains(token))
            let wrong = try await TestHTTPConnection.request(
                port: harness.port, .POST, "/api/team-chat", body: #"{"message":"x"}"#,
                headers: [("Authorization", "Bearer s3cret-token-0123456780")])
            #expect(wrong.status == .unauthorized)
            let with = try await TestHTTPConnection.request(
                port: harness.port, .POST, "/api/team-chat", body: #"{"message":"x"}"#,
                headers: [("Authorization", "Bearer \(token)")])
            #expect(with.status == .ok)
        }
    }

    @Test("at the connection cap, the longest-idle connection makes room for a new client")
    func connectionCap() async throws {
        try await GatewayHarness.with(Self.team(1), configure: { $0.maximumConnections = 4 }) { harness in
            var idle: [NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>] = []
            for _ in 0..<4 { idle.append(try await TestHTTPConnection.connect(port: harness.port)) }
            #expect(await eventually { harness.gateway.connectionCount == 4 })
            let round = try await TestHTTPConnection.request(port: harness.port, .POST, "/v1/rounds", body: #"{"message":"x"}"#)
            #expect(round.status == .ok)
            // One idle connection (the longest idle) was closed to make room.
            #expect(await eventually { idle.filter { !$0.channel.isActive }.count == 1 })
            for channel in idle { try? await channel.channel.close() }
        }
    }

    @Test("a client that trickles its request body gets 408 at the request timeout and is closed, not held for good")
    func requestTimeout() async throws {
        try await GatewayHarness.with(Self.team(1), configure: { $0.requestTimeout = .milliseconds(200) }) { harness in
            let trickle = try await TestHTTPConnection.connect(port: harness.port)
            // The response stream ends after the 408 (a read error would fail the test, and a server that never
            // closed would run into the suite's time limit).
            let statuses = try await trickle.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/rounds")
                head.headers.add(name: "content-length", value: "100")
                try await outbound.write(.head(head))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(string: "{"))))
                var statuses: [HTTPResponseStatus] = []
                for try await part in inbound { if case .head(let head) = part { statuses.append(head.status) } }
                return statuses
            }
            #expect(statuses == [.requestTimeout])
            #expect(await eventually { harness.gateway.connectionCount == 0 })
            #expect(harness.fleet.counters.totalRequests(type: "chat") == 0)
        }
    }

    @Test("graceful shutdown lets a round in flight finish, then stops accepting")
    func gracefulShutdown() async throws {
        let port = try await GatewayHarness.with(Self.team(2, latency: [1: .milliseconds(400)])) { harness in
            let channel = try await TestHTTPConnection.connect(port: harness.port)
            return try await channel.executeThenClose { inbound, outbound in
                try await TestHTTPConnection.send(.POST, "/v1/rounds", body: #"{"message":"last"}"#, to: outbound)
                var parts = inbound.makeAsyncIterator()
                var text = ""
                while let part = try await parts.next() {
                    if case .body(let bytes) = part {
                        text += String(buffer: bytes)
                        if text.contains(#""reply""#) { break }  // the fast one answered: the round is in flight
                    }
                }
                async let shutdown: Void = harness.services.triggerGracefulShutdown()
                while let part = try await parts.next() {
                    if case .body(let bytes) = part { text += String(buffer: bytes) }
                    if case .end = part { break }
                }
                await shutdown
                #expect(text.contains(#""replied":2"#))
                #expect(text.contains("\(harness.fleet.specialists[1].id): last"))
                return harness.port
            }
        }
        await #expect(throws: (any Error).self) { try await TestHTTPConnection.connect(port: port) }
    }

    @Test("the team is re-probed in the background before its TTL runs out")
    func backgroundRefresh() async throws {
        try await GatewayHarness.with(Self.team(2), ttl: .seconds(1)) { harness in
            let before = harness.fleet.counters.totalRequests(type: "info")
            #expect(await eventually { harness.fleet.counters.totalRequests(type: "info") >= before + 2 })
            let response = try await TestHTTPConnection.request(port: harness.port, .POST, "/v1/rounds", body: #"{"message":"x"}"#)
            #expect(response.text.contains(#""replied":2"#))
        }
    }
}

@Suite("The gateway's own client", .timeLimit(.minutes(1)))
struct GatewayClientTests {
    @Test("rounds as events; a connection the gateway closed for idling fails at once, never hangs")
    func client() async throws {
        try await GatewayHarness.with(
            // Long enough that a loaded machine gets from connecting to the first request inside it (the gateway
            // closes a connection that sends nothing for this long), short enough to wait for.
            SimulatedSpecialistConfiguration.team(count: 2), configure: { $0.idleTimeout = .seconds(2) }
        ) { harness in
            let client = try #require(await GatewayClient.connect(host: "127.0.0.1", port: harness.port, token: nil))
            var request = GatewayRoundRequest(message: "hi")
            request.to = ["engram"]
            var events: [RoundEvent] = []
            for await event in try await client.round(request) { events.append(event) }
            #expect(events.count == 2)
            #expect(events.first.flatMap { if case .outcome(let outcome) = $0 { outcome.answer?.content } else { nil } } == "engram-ai: hi")
            let team = try #require(try await client.team(source: nil))
            #expect(team.roster.map(\.id) == harness.fleet.specialists.map(\.id))
            #expect(await eventually { !client.isOpen })
            await #expect(throws: GatewayClient.Failure.self) { _ = try await client.round(request) }
            await #expect(throws: GatewayClient.Failure.self) { _ = try await client.team(source: nil) }
        }
    }
}
