import NIOHTTP1
@testable import TeamChatGateway
import TeamChatJSON
import TeamChatModel
import Testing

@Suite("Gateway routes and request bodies", .timeLimit(.minutes(1)))
struct GatewayRequestTests {
    @Test("every route of DESIGN §7 by method and path; 404 and 405 with Allow otherwise")
    func routes() {
        let table: [(HTTPMethod, String, GatewayRoute)] = [
            (.POST, "/api/team-chat", .teamChat), (.GET, "/api/team-chat/stream?message=hi", .stream),
            (.POST, "/api/team-chat/stream", .stream), (.GET, "/api/team-chat/ws", .webSocket),
            (.GET, "/api/team-chat/sockets", .sockets), (.POST, "/v1/rounds", .rounds), (.POST, "/v1/warm", .warm),
            (.GET, "/v1/team?source=x", .team), (.GET, "/metrics", .metrics), (.GET, "/healthz", .health),
            (.HEAD, "/healthz", .health), (.GET, "/v1/conversations/3fa9c2d01b7e", .conversation),
        ]
        for (method, uri, route) in table {
            #expect((try? GatewayRoute.match(method: method, uri: uri).get()) == route, "\(method) \(uri)")
        }
        guard case .failure(let missing) = GatewayRoute.match(method: .GET, uri: "/api/nope") else {
            Issue.record("no 404")
            return
        }
        #expect(missing.status == .notFound)
        guard case .failure(let wrong) = GatewayRoute.match(method: .GET, uri: "/api/team-chat") else {
            Issue.record("no 405")
            return
        }
        #expect(wrong.status == .methodNotAllowed)
        #expect(wrong.allow == ["POST"])
        #expect(GatewayRoute.conversationID("/v1/conversations/design-1?x=1") == "design-1")
        // The collection itself is no route: a conversation is asked for by id.
        #expect((try? GatewayRoute.match(method: .GET, uri: "/v1/conversations/").get()) == nil)
        guard case .failure(let written) = GatewayRoute.match(method: .POST, uri: "/v1/conversations/c1") else {
            Issue.record("no 405 for a POST to a conversation")
            return
        }
        #expect(written.allow == ["GET"])
    }

    @Test("a round request: budgets in seconds, lists or comma strings, unknown members and bad values refused")
    func roundRequest() throws {
        let body = #"{"message":"hi","to":"apollo,athena","timeout":1.5,"quorum":2,"stream":true,"round":4}"#
        let request = try GatewayRoundRequest.decode(json: Array(body.utf8)).get()
        #expect(request.message == "hi")
        #expect(request.to == ["apollo", "athena"])
        #expect(request.timeout == .milliseconds(1_500))
        #expect(request.quorum == 2)
        #expect(request.stream)
        #expect(request.round == 4)
        // What a client writes, the gateway reads back the same.
        #expect(try GatewayRoundRequest.decode(json: request.json.utf8()).get() == request)

        let refused: [(String, String)] = [
            (#"{"message":"hi","tiemout":2}"#, "unknown member 'tiemout'"),
            (#"{"message":"hi","timeout":-1}"#, "'timeout'"),
            (#"{"message":"hi","timeout":"2s"}"#, "'timeout' is not a number"),
            (#"{"message":"hi","quorum":0}"#, "'quorum'"),
            (#"{"to":["a"]}"#, "'message' is missing"),
            (#"["hi"]"#, "not a JSON object"),
            ("not json", "not a JSON object"),
        ]
        for (body, words) in refused {
            guard case .failure(let error) = GatewayRoundRequest.decode(json: Array(body.utf8)) else {
                Issue.record("accepted \(body)")
                continue
            }
            #expect(error.status == .badRequest)
            #expect(error.message.contains(words), "\(body): \(error.message)")
        }
        let huge = #"{"message":""# + String(repeating: "x", count: 70_000) + #""}"#
        guard case .failure(let tooLong) = GatewayRoundRequest.decode(json: Array(huge.utf8)) else {
            Issue.record("accepted a 70 kB message")
            return
        }
        #expect(tooLong.status == .payloadTooLarge)
    }

    @Test("Rhetor's body: target_sockets, timeout, moderation_mode and metadata")
    func rhetor() throws {
        let body = #"{"message":"Quick test","timeout":2.0,"target_sockets":["apollo-ai"],"moderation_mode":"raw","metadata":{"k":[1,true,null]}}"#
        let request = try GatewayRoundRequest.decode(rhetor: Array(body.utf8)).get()
        #expect(request.to == ["apollo-ai"])
        #expect(request.timeout == .seconds(2))
        #expect(request.moderationMode == "raw")
        var echoed = JSONObjectWriter()
        echoed.add("metadata", json: try #require(request.metadata))
        #expect(echoed.string == #"{"metadata":{"k":[1.0,true,null]}}"#)
    }

    @Test("query strings: percent escapes, plus as space, a stray percent kept")
    func query() {
        let parameters = QueryString.parameters(of: "/s?message=hello+team%21%20%E2%9C%93&timeout=2&odd=100%&x")
        #expect(parameters["message"] == "hello team! ✓")
        #expect(parameters["timeout"] == "2")
        #expect(parameters["odd"] == "100%")
        #expect(parameters["x"] == "")
        #expect(GatewayClient.escape("file:/tmp/a b.json") == "file:/tmp/a%20b.json")
    }

    @Test("bearer tokens compare whole, whatever their lengths")
    func tokens() {
        let token = Array("0123456789abcdef".utf8)
        #expect(BearerToken.equal(token, token))
        #expect(!BearerToken.equal(Array("0123456789abcdeX".utf8), token))
        #expect(!BearerToken.equal(Array("0123456789abcdef0".utf8), token))
        #expect(!BearerToken.equal([], token))
    }

    @Test("the page's WebSocket token: base64url without padding, anything else refused")
    func base64URL() {
        // As the page's script encodes: btoa, then + → -, / → _, padding dropped.
        #expect(BearerToken.base64URLDecoded("cGFnZS1zZWNyZXQ") == Array("page-secret".utf8))
        #expect(BearerToken.base64URLDecoded("-_8") == [0xFB, 0xFF])
        #expect(BearerToken.base64URLDecoded("w6k") == Array("é".utf8))
        #expect(BearerToken.base64URLDecoded("") == [])
        #expect(BearerToken.base64URLDecoded("cGFnZQ==") == nil)  // padding
        #expect(BearerToken.base64URLDecoded("cG+n") == nil)  // plain base64's alphabet
        #expect(BearerToken.base64URLDecoded("cGFnZ") == nil)  // a lone 6-bit character
        #expect(BearerToken.base64URLDecoded("w6l") == nil)  // leftover bits not zero
    }

    @Test("ISO 8601 timestamps, across a leap day and before 1970")
    func timestamps() {
        #expect(WallTime(secondsSince1970: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(WallTime(secondsSince1970: 951_782_400.25).iso8601 == "2000-02-29T00:00:00.250Z")
        #expect(WallTime(secondsSince1970: 1_795_644_385.4167).iso8601 == "2026-11-25T22:06:25.416Z")
        #expect(WallTime(secondsSince1970: -1).iso8601 == "1969-12-31T23:59:59.000Z")
    }

    @Test("a round's SSE events: message per answer, error per failure, complete with the summary")
    func serverSentEvents() {
        let answer = SpecialistOutcome(
            index: 0, specialistID: "a", result: .success(.answer(ChatAnswer(content: "line\nbreak"))),
            elapsed: .milliseconds(3))
        let event = ServerSentEvent(.outcome(answer))
        #expect(event.name == "message")
        let text = String(decoding: event.bytes, as: UTF8.self)
        #expect(text.hasPrefix("event: message\ndata: {\"type\":\"reply\""))
        #expect(text.hasSuffix("}\n\n"))
        #expect(text.filter { $0 == "\n" }.count == 3)  // the answer's newline is escaped inside the one data line
        let failure = SpecialistOutcome(
            index: 1, specialistID: "b", result: .failure(.timeout(after: .seconds(2))), elapsed: .seconds(2))
        #expect(ServerSentEvent(.outcome(failure)).name == "error")
        #expect(ServerSentEvent(.finished(RoundSummary(addressed: 2, quorum: 2))).name == "complete")
    }
}
