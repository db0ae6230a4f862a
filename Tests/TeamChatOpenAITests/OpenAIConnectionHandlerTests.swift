#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOHTTP1
import TeamChatEngine
import TeamChatModel
@testable import TeamChatOpenAI
import TeamChatTestSupport
import Testing

@Suite("OpenAI connection handler")
struct OpenAIConnectionHandlerTests {
    struct Harness {
        let channel: EmbeddedChannel
        let handler: OpenAIConnectionHandler
        let events: NIOLockedValueBox<[PooledConnectionEvent]>
        let observer = RecordingObserver()
        let token = ExchangeToken(round: 1, index: 0, attempt: 1)

        init() throws {
            let events = NIOLockedValueBox<[PooledConnectionEvent]>([])
            handler = OpenAIConnectionHandler { event in events.withLockedValue { $0.append(event) } }
            self.events = events
            channel = EmbeddedChannel(handler: handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        func start(_ ask: OpenAIConnectionHandler.Ask = .chat(stream: false), limit: Int = 4_096, secret: String? = nil,
                   token: ExchangeToken? = nil) {
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions")
            handler.start(
                head: head, body: Array("{}".utf8), ask: ask, maximumReplyBytes: limit,
                redactor: Redactor(secrets: [secret].compactMap { $0 }), token: token ?? self.token, observer: observer)
        }

        func respond(_ status: HTTPResponseStatus = .ok, headers: [(String, String)] = [], body: [String], end: Bool = true,
                     keepAlive: Bool = true) throws {
            var head = HTTPResponseHead(version: .http1_1, status: status, headers: HTTPHeaders(headers))
            if !keepAlive { head.headers.add(name: "Connection", value: "close") }
            try channel.writeInbound(HTTPClientResponsePart.head(head))
            for piece in body { try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: piece))) }
            if end { try channel.writeInbound(HTTPClientResponsePart.end(nil)) }
        }

        var result: ExchangeResult? { observer.completions.first?.result }
    }

    let completion = #"{"model":"m","choices":[{"message":{"content":"hello"}}]}"#

    @Test("a whole completion is the answer; the connection stays for the next exchange")
    func whole() throws {
        let harness = try Harness()
        harness.start()
        #expect(try harness.channel.readOutbound(as: HTTPClientRequestPart.self).map { if case .head = $0 { true } else { false } } == true)
        try harness.respond(body: [String(completion.prefix(10)), String(completion.dropFirst(10))])
        let result = try #require(harness.result)
        #expect(result.outcome.map(\.answer) == .success(ChatAnswer(content: "hello", model: "m")))
        #expect(result.reusable)
        #expect(result.firstByte != nil)
        #expect(harness.channel.isActive)
    }

    @Test("a stream: deltas as chunks (null ones skipped), the answer their concatenation, at [DONE]")
    func stream() throws {
        let harness = try Harness()
        harness.start(.chat(stream: true))
        try harness.respond(
            headers: [("Content-Type", "text/event-stream")],
            body: [
                #"data: {"choices":[{"delta":{"role":"assistant","content":null}}]}"# + "\n\n",
                #"data: {"model":"m","choices":[{"delta":{"content":"hel"}}]}"# + "\n\n: ping\n\n" + #"data: {"choices":[{"delta":{"content":"lo"}}]}"#,
                "\n\n" + #"data: {"choices":[{"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n",
            ], end: false)
        #expect(harness.observer.chunks.map(\.content) == ["hel", "lo"])
        let result = try #require(harness.result)
        #expect(result.outcome.map(\.answer) == .success(ChatAnswer(content: "hello", model: "m")))
        #expect(result.reusable)
        // The body's end comes after the answer was handed out; the next exchange waits for it before writing.
        while try harness.channel.readOutbound(as: HTTPClientRequestPart.self) != nil {}
        harness.start(token: ExchangeToken(round: 2, index: 0, attempt: 1))
        #expect(try harness.channel.readOutbound(as: HTTPClientRequestPart.self) == nil)
        try harness.channel.writeInbound(HTTPClientResponsePart.end(nil))
        #expect(try harness.channel.readOutbound(as: HTTPClientRequestPart.self) != nil)
        #expect(harness.channel.isActive)
    }

    @Test("a stream that ends without [DONE], after its finish_reason, is complete")
    func noDone() throws {
        let harness = try Harness()
        harness.start(.chat(stream: true))
        try harness.respond(
            headers: [("Content-Type", "text/event-stream")],
            body: [#"data: {"choices":[{"delta":{"content":"x"},"finish_reason":"stop"}]}"# + "\n\n"])
        #expect(harness.result?.outcome.map(\.answer?.content) == .success("x"))
    }

    @Test("an error event mid-stream is the specialist's error")
    func errorEvent() throws {
        let harness = try Harness()
        harness.start(.chat(stream: true))
        try harness.respond(
            headers: [("Content-Type", "text/event-stream")],
            body: [#"data: {"choices":[{"delta":{"content":"x"}}]}"# + "\n\n" + #"data: {"error":{"message":"fell over"}}"# + "\n\n"])
        #expect(harness.result?.outcome.map(\.answer) == .failure(ExchangeError(.specialistError, "fell over")))
    }

    @Test("non-2xx is http_status with the server's words; 429 is rate_limited with Retry-After")
    func statuses() throws {
        let failing = try Harness()
        failing.start()
        try failing.respond(.serviceUnavailable, body: [#"{"error":{"message":"overloaded"}}"#])
        #expect(failing.result?.outcome.map(\.answer) == .failure(ExchangeError(.httpStatus, "HTTP 503: overloaded", status: 503)))
        let limited = try Harness()
        limited.start()
        try limited.respond(.tooManyRequests, headers: [("Retry-After", "7")], body: [#"{"error":"slow down"}"#])
        let result = try #require(limited.result)
        #expect(result.outcome.map(\.answer) == .failure(ExchangeError(.rateLimited, "rate limited (HTTP 429): slow down", status: 429)))
        #expect(result.retryAfter == .seconds(7))
    }

    @Test("a key a server echoes back is redacted from everything it says")
    func redaction() throws {
        let harness = try Harness()
        harness.start(secret: "sk-planted-123")
        try harness.respond(.unauthorized, body: [#"{"error":{"message":"bad key sk-planted-123"}}"#])
        let error = try #require(harness.result?.outcome.map(\.answer).mapError { $0 }.failureValue)
        #expect(!error.message.contains("sk-planted-123"))
        #expect(error.message.contains("[redacted]"))
    }

    @Test("Connection: close, or a body over the limit, leaves the connection unused again")
    func notReusable() throws {
        let closing = try Harness()
        closing.start()
        try closing.respond(body: [completion], keepAlive: false)
        #expect(closing.result?.reusable == false)
        #expect(!closing.channel.isActive)
        let huge = try Harness()
        huge.start(limit: 16)
        try huge.respond(body: [completion], end: false)
        #expect(huge.result?.outcome.map(\.answer).failureValue?.kind == .tooLarge)
    }

    @Test("a response on an idle connection is unsolicited; a cancel for another token does nothing")
    func idleAndCancel() throws {
        let idle = try Harness()
        try idle.respond(body: [completion])
        #expect(idle.events.withLockedValue { $0.first } == .unsolicitedBytes)
        #expect(!idle.channel.isActive)
        // A request that lost the race with that greeting gets the reason, not "closed", and is not retried.
        idle.start()
        let lost = try #require(idle.result)
        #expect(lost.outcome.map(\.answer).failureValue?.kind == .protocolError)
        #expect(!lost.nothingReceived)

        let running = try Harness()
        running.start()
        running.handler.cancel(ExchangeToken(round: 9, index: 0, attempt: 1))
        #expect(running.result == nil)
        running.handler.cancel(running.token)
        #expect(running.result?.outcome.map(\.answer).failureValue?.kind == .cancelled)
    }

    @Test("a reset seen before a request was written is said as a reset, and the request may be retried")
    func resetBeforeRequest() throws {
        let harness = try Harness()
        harness.channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNRESET, reason: "read"))
        harness.start()
        let result = try #require(harness.result)
        #expect(result.outcome.map(\.answer).failureValue?.kind == .reset)
        #expect(result.nothingReceived)

        let closed = try Harness()
        closed.channel.pipeline.fireChannelInactive()
        closed.start()
        #expect(closed.result?.outcome.map(\.answer).failureValue?.kind == .closed)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let failure) = self { failure } else { nil }
    }
}
