import NIOCore
import TeamChatModel
@testable import TeamChatTekton
import TeamChatTektonWire
import Testing

@Suite("Wire codec")
struct WireCodecTests {
    func decode(_ text: String) throws(ExchangeError) -> WireReply {
        try WireReply.decode(ByteBuffer(string: text))
    }

    @Test("requests are one JSON object per line, optional fields only when set")
    func requests() throws {
        #expect(String(buffer: try WireRequest.ping.encodedLine()) == "{\"type\":\"ping\"}\n")
        let chat = String(buffer: try WireRequest.chat(ChatRequest(message: "a/b \"q\"\n")).encodedLine())
        #expect(chat.hasSuffix("\n"))
        #expect(chat.filter { $0 == "\n" }.count == 1)
        #expect(chat.contains(#""content":"a/b \"q\"\n""#))
        #expect(!chat.contains("stream"))
        let streamed = String(
            buffer: try WireRequest.chat(ChatRequest(message: "x", stream: true, requestID: "r1")).encodedLine())
        #expect(streamed.contains(#""stream":true"#) && streamed.contains(#""request_id":"r1""#))
    }

    @Test("a request over 64 KiB is refused")
    func oversized() {
        #expect(throws: ExchangeError.self) {
            try WireRequest.chat(ChatRequest(message: String(repeating: "x", count: 65_536))).encodedLine()
        }
        #expect((try? WireRequest.chat(ChatRequest(message: String(repeating: "x", count: 60_000))).encodedLine()) != nil)
    }

    @Test("response and chat_response carry content and model; extra fields are ignored")
    func responses() throws {
        #expect(try decode(#"{"type":"response","content":"hi","model":"m1","ai_id":"a","extra":[1,{"x":null}]}"#)
            == .response(content: "hi", model: "m1", aiID: "a"))
        #expect(try decode(#"{"type":"chat_response","content":"yo","model_name":"m2"}"#)
            == .response(content: "yo", model: "m2", aiID: nil))
        #expect(try decode(#"{"type":"something_new","content":"ok"}"#) == .response(content: "ok", model: nil, aiID: nil))
    }

    @Test("member names are matched by what they say: escaped, prefixed, extended or cut short")
    func memberNames() throws {
        // Escapes in a name decode before it is matched.
        #expect(try decode(#"{"typ\u0065":"response","\u0063ontent":"hi","ai\u005fid":"a"}"#)
            == .response(content: "hi", model: nil, aiID: "a"))
        // A name that only starts or ends like a known one is someone else's field.
        #expect(try decode(#"{"type":"response","content":"hi","contents":"no","conten":"no","model_":"m"}"#)
            == .response(content: "hi", model: nil, aiID: nil))
        #expect(throws: ExchangeError.self) { try decode(#"{"types":"pong"}"#) }
        #expect(throws: ExchangeError.self) { try decode(#"{"type":"response","Content":"hi"}"#) }
    }

    @Test("error, pong, info and health replies")
    func otherReplies() throws {
        #expect(try decode(#"{"type":"error","error":"busy"}"#) == .error("busy"))
        #expect(try decode(#"{"type":"pong"}"#) == .pong(aiID: nil))
        #expect(try decode(#"{"type":"info_response","ai_id":"apollo-ai","model_name":"llama","port":"oops"}"#)
            == .info(WireInfo(aiID: "apollo-ai", modelName: "llama")))
        #expect(try decode(#"{"type":"health_response","status":"ok"}"#) == .health(status: "ok"))
    }

    @Test(
        "anything else is a protocol error",
        arguments: [
            "[1,2]", "\"text\"", "42", "not json", "{\"type\":\"mystery\"}", "{\"content\":5,\"type\":\"response\"}",
            "{\"type\":\"response\"}", "{}",
        ]
    )
    func protocolErrors(_ line: String) {
        #expect(throws: ExchangeError.self) { try decode(line) }
        do {
            _ = try decode(line)
        } catch {
            #expect(error.kind == .protocolError)
        }
    }

    @Test("invalid UTF-8 is a protocol error that says so")
    func invalidUTF8() {
        var line = ByteBuffer(string: #"{"type":"response","content":""#)
        line.writeBytes([0xFF, 0xFE])
        line.writeString("\"}")
        do {
            _ = try WireReply.decode(line)
            Issue.record("decoded invalid UTF-8")
        } catch {
            #expect(error.kind == .protocolError)
            #expect(error.message.contains("UTF-8"))
        }
    }

    @Test("every reply encodes to a line that decodes back to it")
    func replyRoundTrip() throws {
        let replies: [WireReply] = [
            .response(content: "a \"b\"\n", model: "m", aiID: "x-ai"), .error("no"), .pong(aiID: "p"),
            .info(WireInfo(aiID: "i", component: "c", description: "d", modelProvider: "mp", modelName: "mn", port: 5)),
            .health(status: "ok"), .streamStart(requestID: "r"), .streamChunk(requestID: "r", index: 2, content: "c"),
            .streamEnd(requestID: "r", content: nil), .streamError(requestID: nil, message: "m"),
        ]
        for reply in replies {
            var line = reply.encodedLine
            #expect(line.readableBytesView.last == UInt8(ascii: "\n"))
            line.moveWriterIndex(to: line.writerIndex - 1)
            #expect(try WireReply.decode(line) == reply)
        }
    }

    @Test("requests decode as the serving side reads them; bad ones say why")
    func requestDecoding() throws {
        let chat = WireRequest.chat(ChatRequest(message: "hi", stream: true, requestID: "r9"))
        var line = try chat.encodedLine()
        line.moveWriterIndex(to: line.writerIndex - 1)
        #expect(try WireRequest.decode(line) == chat)
        #expect(throws: WireRequest.DecodeError.notAnObject) { try WireRequest.decode(ByteBuffer(string: "[1]")) }
        #expect(throws: WireRequest.DecodeError.malformed) { try WireRequest.decode(ByteBuffer(string: "{")) }
        #expect(throws: WireRequest.DecodeError.unknownType("dance")) {
            try WireRequest.decode(ByteBuffer(string: #"{"type":"dance"}"#))
        }
    }

    @Test("what completes an exchange depends on what it waits for")
    func dispositions() {
        #expect(ReplyExpectation.chat.disposition(of: .pong(aiID: nil)) == .unexpected("unexpected 'pong' reply to chat"))
        #expect(ReplyExpectation.pong.disposition(of: .pong(aiID: nil)) == .complete(.pong(aiID: nil)))
        #expect(ReplyExpectation.pong.disposition(of: .error("x")) == .complete(.error("x")))
        let stream = ReplyExpectation.stream
        #expect(stream.disposition(of: .streamChunk(requestID: "r1", index: 0, content: "a")) == .chunk(index: 0, content: "a"))
        // The connection carries one exchange: a stream tagged with an id of the specialist's own is still ours.
        #expect(stream.disposition(of: .streamChunk(requestID: "other", index: 1, content: "b")) == .chunk(index: 1, content: "b"))
        #expect(stream.disposition(of: .pong(aiID: nil)) == .ignore)
        #expect(stream.disposition(of: .streamEnd(requestID: "r1", content: nil)) == .streamEnd(content: nil))
        #expect(stream.disposition(of: .streamError(requestID: "r1", message: "m")) == .complete(.error("m")))
    }
}

@Suite("Line framer")
struct LineFramerTests {
    @Test("splits lines, drops \\r before \\n, keeps partial lines for later")
    func framing() throws {
        var framer = LineFramer(maximumLineLength: 100)
        framer.append(ByteBuffer(string: "one\r\ntwo\nthr"))
        #expect(try framer.nextLine().map { String(buffer: $0) } == "one")
        #expect(try framer.nextLine().map { String(buffer: $0) } == "two")
        #expect(try framer.nextLine() == nil)
        #expect(framer.hasBufferedBytes)
        framer.append(ByteBuffer(string: "ee\n"))
        #expect(try framer.nextLine().map { String(buffer: $0) } == "three")
        #expect(!framer.hasBufferedBytes)
        framer.append(ByteBuffer(string: "a\n\r\n\nb\r\n"))
        #expect(try framer.nextLine().map { String(buffer: $0) } == "a")
        #expect(try framer.nextLine().map { String(buffer: $0) } == "")
        #expect(try framer.nextLine().map { String(buffer: $0) } == "")
        #expect(try framer.nextLine().map { String(buffer: $0) } == "b")
        #expect(try framer.nextLine() == nil)
    }

    @Test("a line over the limit fails, whether or not its end has arrived")
    func limit() throws {
        var framer = LineFramer(maximumLineLength: 8)
        framer.append(ByteBuffer(string: "12345678\n"))
        #expect(try framer.nextLine().map { String(buffer: $0) } == "12345678")
        framer.append(ByteBuffer(string: "123456789\n"))
        #expect(throws: LineFramer.LineTooLong.self) { try framer.nextLine() }
        var unterminated = LineFramer(maximumLineLength: 8)
        for byte in "1234567890".utf8 {
            unterminated.append(ByteBuffer(bytes: [byte]))
        }
        #expect(throws: LineFramer.LineTooLong.self) { try unterminated.nextLine() }
    }

    @Test("a line arriving a byte at a time is assembled")
    func byteAtATime() throws {
        var framer = LineFramer(maximumLineLength: 100)
        var lines: [String] = []
        for byte in "{\"a\":1}\n{\"b\":2}\n".utf8 {
            framer.append(ByteBuffer(bytes: [byte]))
            while let line = try framer.nextLine() { lines.append(String(buffer: line)) }
        }
        #expect(lines == [#"{"a":1}"#, #"{"b":2}"#])
    }
}
