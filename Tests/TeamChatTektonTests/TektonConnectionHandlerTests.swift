#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import TeamChatEngine
import TeamChatModel
@testable import TeamChatTekton
@testable import TeamChatTektonWire
import TeamChatTestSupport
import Testing

@Suite("Tekton connection handler")
struct TektonConnectionHandlerTests {
    /// A handler on an embedded channel, with what it tells its pool.
    struct Harness {
        let channel: EmbeddedChannel
        let handler: TektonConnectionHandler
        let events: NIOLockedValueBox<[PooledConnectionEvent]>
        let observer = RecordingObserver()

        init(maximumReplyBytes: Int = 1_024) throws {
            let events = NIOLockedValueBox<[PooledConnectionEvent]>([])
            handler = TektonConnectionHandler(maximumReplyBytes: maximumReplyBytes) { event in
                events.withLockedValue { $0.append(event) }
            }
            self.events = events
            channel = EmbeddedChannel(handler: handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        func start(
            _ request: WireRequest, token: ExchangeToken = .init(round: 1, index: 0, attempt: 1), limit: Int = 1_024
        ) throws {
            handler.start(
                try request.encodedLine(), expectation: ReplyExpectation(request), infoLine: nil, maximumReplyBytes: limit,
                token: token, observer: observer)
        }

        func receive(_ text: String) throws {
            try channel.writeInbound(ByteBuffer(string: text))
        }

        func written() throws -> String? {
            try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) }
        }

        /// The pong answering the guard ping that precedes the first chat on a connection.
        static let pong = #"{"type":"pong"}"# + "\n"
    }

    let token = ExchangeToken(round: 1, index: 0, attempt: 1)

    @Test("a chat writes one line and completes with the answer; the connection stays reusable")
    func chat() throws {
        let harness = try Harness()
        try harness.start(.chat(ChatRequest(message: "hi")))
        // The first chat on a connection is preceded by a guard ping in the same write.
        #expect(try harness.written() == #"{"type":"ping"}"# + "\n")
        #expect(try harness.written() == #"{"type":"chat","content":"hi"}"# + "\n")
        try harness.receive(Harness.pong)
        #expect(harness.observer.completions.isEmpty)
        try harness.receive(#"{"type":"response","content":"hello","model":"m"}"# + "\n")
        let completion = try #require(harness.observer.completions.first)
        #expect(completion.token == token)
        #expect(completion.result.outcome.map(\.answer) == .success(ChatAnswer(content: "hello", model: "m")))
        #expect(completion.result.reusable)
        #expect(completion.result.firstByte != nil)
        #expect(harness.channel.isActive)
    }

    @Test("a second reply in the same read marks the connection not reusable")
    func twice() throws {
        let harness = try Harness()
        try harness.start(.chat(ChatRequest(message: "hi")))
        try harness.receive(
            Harness.pong + #"{"type":"response","content":"a"}"# + "\n" + #"{"type":"response","content":"b"}"# + "\n")
        let completion = try #require(harness.observer.completions.first)
        #expect(completion.result.outcome.map(\.answer?.content) == .success("a"))
        #expect(!completion.result.reusable)
    }

    @Test("a cancel for another token does nothing; for its own it fails the exchange and closes the connection")
    func cancelByToken() throws {
        let harness = try Harness()
        try harness.start(.chat(ChatRequest(message: "hi")))
        harness.handler.cancel(ExchangeToken(round: 2, index: 0, attempt: 1))
        #expect(harness.observer.completions.isEmpty)
        #expect(harness.channel.isActive)
        harness.handler.cancel(token)
        #expect(harness.observer.completions.first?.result.outcome.map(\.answer) == .failure(.cancelled()))
        #expect(!harness.channel.isActive)
    }

    @Test("a late cancel of a finished exchange cannot touch the next one on the same connection")
    func lateCancel() throws {
        let harness = try Harness()
        try harness.start(.chat(ChatRequest(message: "one")))
        try harness.receive(Harness.pong + #"{"type":"response","content":"1"}"# + "\n")
        let next = ExchangeToken(round: 2, index: 0, attempt: 1)
        try harness.start(.chat(ChatRequest(message: "two")), token: next)
        harness.handler.cancel(token)  // the first round's cancel, arriving late
        try harness.receive(#"{"type":"response","content":"2"}"# + "\n")
        #expect(harness.observer.completions.map(\.token) == [token, next])
        #expect(harness.observer.completions.last?.result.outcome.map(\.answer?.content) == .success("2"))
    }

    @Test("a stream tagged with the specialist's own request id is still this exchange's answer")
    func foreignRequestID() throws {
        let harness = try Harness()
        try harness.start(.chat(ChatRequest(message: "hi", stream: true, requestID: "teamchat-1")))
        try harness.receive(
            Harness.pong + #"{"type":"stream_chunk","request_id":"srv-9","chunk_index":0,"content":"hel"}"# + "\n"
                + #"{"type":"health_response","status":"ok"}"# + "\n")
        try harness.receive(#"{"type":"stream_chunk","request_id":"srv-9","content":"lo"}"# + "\n")
        try harness.receive(#"{"type":"stream_end","request_id":"srv-9"}"# + "\n")
        #expect(harness.observer.chunks.map(\.content) == ["hel", "lo"])
        #expect(harness.observer.completions.first?.result.outcome.map(\.answer?.content) == .success("hello"))
    }

    @Test("a streamed answer is capped as a whole: chunks past the limit fail it as too large")
    func streamCap() throws {
        let harness = try Harness()
        try harness.start(.chat(ChatRequest(message: "hi", stream: true)), limit: 100)
        try harness.receive(Harness.pong)
        try harness.receive(#"{"type":"stream_chunk","content":"\#(String(repeating: "a", count: 60))"}"# + "\n")
        try harness.receive(#"{"type":"stream_chunk","content":"\#(String(repeating: "b", count: 50))"}"# + "\n")
        #expect(harness.observer.chunks.count == 1)
        let completion = try #require(harness.observer.completions.first)
        #expect(completion.result.outcome.failureKind == .tooLarge)
        #expect(!harness.channel.isActive)
    }

    @Test("a greeting (a line before the guard ping's reply) is skipped, never read as the answer")
    func greeting() throws {
        let harness = try Harness()
        try harness.start(.chat(ChatRequest(message: "hi")))
        // The greeting was on its way when the request went out: it arrives before the pong.
        try harness.receive(#"{"type":"response","content":"welcome!"}"# + "\n" + Harness.pong)
        #expect(harness.observer.completions.isEmpty)
        try harness.receive(#"{"type":"response","content":"hello"}"# + "\n")
        let completion = try #require(harness.observer.completions.first)
        #expect(completion.result.outcome.map(\.answer?.content) == .success("hello"))
        #expect(completion.result.reusable)
        // However long it waits, the greeting is not taken for an answer later.
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(harness.observer.completions.count == 1)
    }

    @Test("a guard ping answered with an error, or twice, fails nothing: the chat's answer is still matched")
    func pingRefusedOrTwice() throws {
        for guardReply in [#"{"type":"error","error":"unknown type: ping"}"# + "\n", Harness.pong + Harness.pong] {
            let harness = try Harness()
            try harness.start(.chat(ChatRequest(message: "hi")))
            try harness.receive(guardReply)
            #expect(harness.observer.completions.isEmpty)
            try harness.receive(#"{"type":"response","content":"hello"}"# + "\n")
            let completion = try #require(harness.observer.completions.first)
            #expect(completion.result.outcome.map(\.answer?.content) == .success("hello"), "\(guardReply)")
            #expect(completion.result.reusable)
            #expect(harness.channel.isActive)
        }
    }

    @Test("a specialist that ignores the guard ping: its answer is taken once the grace passes with no pong")
    func pingIgnored() throws {
        let harness = try Harness()
        try harness.start(.chat(ChatRequest(message: "hi")))
        try harness.receive(#"{"type":"response","content":"hello"}"# + "\n")
        #expect(harness.observer.completions.isEmpty)  // a greeting, or the answer? The ping's reply would say.
        harness.channel.embeddedEventLoop.advanceTime(by: TektonConnectionHandler.guardGrace - .milliseconds(1))
        #expect(harness.observer.completions.isEmpty)
        harness.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        let completion = try #require(harness.observer.completions.first)
        #expect(completion.result.outcome.map(\.answer?.content) == .success("hello"))
        #expect(completion.result.reusable)
        // A streamed answer needs no grace: a greeting is never a stream frame.
        let streaming = try Harness()
        try streaming.start(.chat(ChatRequest(message: "hi", stream: true)))
        try streaming.receive(#"{"type":"stream_chunk","content":"hel"}"# + "\n" + #"{"type":"stream_end"}"# + "\n")
        #expect(streaming.observer.completions.first?.result.outcome.map(\.answer?.content) == .success("hel"))
    }

    @Test("once a reply proved the connection in step, later chats need no guard")
    func provenConnection() throws {
        let harness = try Harness()
        try harness.start(.ping)
        _ = try harness.written()
        try harness.receive(Harness.pong)
        try harness.start(.chat(ChatRequest(message: "hi")), token: ExchangeToken(round: 2, index: 0, attempt: 1))
        #expect(try harness.written() == #"{"type":"chat","content":"hi"}"# + "\n")
        #expect(try harness.written() == nil)
    }

    @Test("bytes on an idle connection are reported and the connection is closed")
    func unsolicited() throws {
        let harness = try Harness()
        try harness.receive(#"{"type":"response","content":"who asked?"}"# + "\n")
        #expect(harness.events.withLockedValue { $0.first } == .unsolicitedBytes)
        #expect(!harness.channel.isActive)
        // An exchange started now writes nothing and can be retried on a new connection.
        try harness.start(.chat(ChatRequest(message: "hi")))
        let completion = try #require(harness.observer.completions.first)
        #expect(completion.result.nothingReceived)
        #expect(try harness.written() == nil)
    }

    @Test("a probe asks ping, then info on the same connection, and completes with what the specialist said")
    func probe() throws {
        let harness = try Harness()
        harness.handler.start(
            try WireRequest.ping.encodedLine(), expectation: .pong, infoLine: try WireRequest.info.encodedLine(),
            maximumReplyBytes: 1_024, token: token, observer: harness.observer)
        #expect(try harness.written() == #"{"type":"ping"}"# + "\n")
        try harness.receive(#"{"type":"pong"}"# + "\n")
        #expect(try harness.written() == #"{"type":"info"}"# + "\n")
        #expect(harness.observer.completions.isEmpty)
        try harness.receive(#"{"type":"info_response","ai_id":"x-ai","model_name":"m"}"# + "\n")
        let completion = try #require(harness.observer.completions.first)
        #expect(completion.result.outcome.map { $0 } == .success(.info(SpecialistInfo(id: "x-ai", model: "m"))))
    }

    @Test("the peer closing mid-line is a protocol error; closing before any byte may be retried elsewhere")
    func closes() throws {
        let half = try Harness()
        try half.start(.chat(ChatRequest(message: "hi")))
        try half.receive(#"{"type":"respo"#)
        half.channel.pipeline.fireChannelInactive()
        #expect(half.observer.completions.first?.result.outcome.failureKind == .protocolError)
        #expect(half.observer.completions.first?.result.nothingReceived == false)

        let silent = try Harness()
        try silent.start(.chat(ChatRequest(message: "hi")))
        silent.channel.pipeline.fireChannelInactive()
        let completion = try #require(silent.observer.completions.first)
        #expect(completion.result.outcome.failureKind == .closed)
        #expect(completion.result.nothingReceived)
        #expect(silent.events.withLockedValue { $0 } == [.closed])
    }

    @Test("a reset seen before a request was written is said as a reset, and the request may be retried")
    func resetBeforeRequest() throws {
        let reset = try Harness()
        reset.channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNRESET, reason: "read"))
        try reset.start(.chat(ChatRequest(message: "hi")))
        let completion = try #require(reset.observer.completions.first)
        #expect(completion.result.outcome.failureKind == .reset)
        #expect(completion.result.nothingReceived)
        #expect(try reset.written() == nil)

        let closed = try Harness()
        closed.channel.pipeline.fireChannelInactive()
        try closed.start(.chat(ChatRequest(message: "hi")))
        #expect(closed.observer.completions.first?.result.outcome.failureKind == .closed)
    }
}

extension Result where Failure == ExchangeError {
    /// The kind of the failure, if it is one.
    var failureKind: ExchangeError.Kind? {
        if case .failure(let error) = self { error.kind } else { nil }
    }
}
