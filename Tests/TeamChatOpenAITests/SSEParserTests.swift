import TeamChatModel
import TeamChatOpenAI
import TeamChatOpenAICodec
import Testing

@Suite("Server-sent events parser")
struct SSEParserTests {
    let stream = "data: {\"a\":1}\n\n: a comment\r\ndata:second\r\ndata: line\r\r\nevent: custom\ndata: [DONE]\n\n"

    func parse(_ pieces: [String]) throws -> [SSEParser.Event] {
        var parser = SSEParser(maximumLength: 1_024)
        var events: [SSEParser.Event] = []
        for piece in pieces { events += try parser.feed(Array(piece.utf8)) }
        if let last = try parser.finish() { events.append(last) }
        return events
    }

    @Test("events, comments, multi-line data and every line ending; the same however the bytes are split")
    func splits() throws {
        let whole = try parse([stream])
        #expect(whole == [
            .init(name: nil, data: #"{"a":1}"#), .init(name: nil, data: "second\nline"),
            .init(name: "custom", data: "[DONE]"),
        ])
        let bytes = Array(stream.utf8)
        for cut in 0...bytes.count {
            let pieces = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
            #expect(try parse(pieces) == whole, "split at \(cut)")
        }
        #expect(try parse(stream.map { String($0) }) == whole)
    }

    @Test("an event the stream ended inside is still dispatched")
    func unterminated() throws {
        #expect(try parse(["data: tail"]) == [.init(name: nil, data: "tail")])
        #expect(try parse(["data: x\n"]) == [.init(name: nil, data: "x")])
        #expect(try parse([": only a comment\n"]) == [])
    }

    @Test("a line or an event over the limit is refused")
    func limits() {
        var parser = SSEParser(maximumLength: 8)
        #expect(throws: SSEParser.TooLong.self) { try parser.feed(Array("data: 123456789".utf8)) }
        var many = SSEParser(maximumLength: 8)
        #expect(throws: SSEParser.TooLong.self) { try many.feed(Array("data:12345\ndata:12345\n".utf8)) }
    }
}

@Suite("Chat completion JSON")
struct ChatCompletionCodecTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("the request body carries the model, the system and user messages, and the options")
    func body() {
        let endpoint = OpenAIEndpoint(
            origin: HTTPOrigin(parsing: "http://h/v1")!, model: "m", system: "be brief", maxTokens: 9, temperature: 0.5)
        let text = String(decoding: ChatCompletionCodec.body(ChatRequest(message: "hi \"you\"", stream: true), for: endpoint), as: UTF8.self)
        #expect(text == #"{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi \"you\""}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":9,"temperature":0.5}"#)
    }

    @Test("usage, whole and in a stream's last chunk; absent or null is none, never zero")
    func usage() {
        let whole = #"{"model":"m","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"#
        let completion = Array(whole.utf8).withUnsafeBytes { ChatCompletionCodec.completion($0) }
        #expect(completion == .answer(ChatAnswer(content: "hi", model: "m", usage: TokenUsage(promptTokens: 12, completionTokens: 3))))
        #expect(ChatCompletionCodec.delta(#"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7}}"#)?.usage
            == TokenUsage(promptTokens: 5, completionTokens: 7))
        #expect(ChatCompletionCodec.delta(#"{"choices":[{"delta":{"content":"x"}}],"usage":null}"#)?.usage == nil)
        #expect(ChatCompletionCodec.delta(#"{"choices":[],"usage":{"prompt_tokens":-1,"completion_tokens":7}}"#)?.usage == nil)
    }

    @Test("whole completions, null contents, errors in a 200 body")
    func completions() {
        func read(_ text: String) -> ChatCompletionCodec.Completion? {
            bytes(text).withUnsafeBytes { ChatCompletionCodec.completion($0) }
        }
        #expect(read(#"{"model":"x","choices":[{"message":{"role":"assistant","content":"hey"}}]}"#) == .answer(ChatAnswer(content: "hey", model: "x")))
        #expect(read(#"{"choices":[{"message":{"role":null,"content":null},"finish_reason":"stop"}]}"#) == .answer(ChatAnswer(content: "")))
        #expect(read(#"{"error":{"message":"no"}}"#) == .error("no"))
        #expect(read(#"{"choices":[]}"#) == nil)
        #expect(read("not json") == nil)
    }

    @Test("stream deltas: content, null content, the finish, an error")
    func deltas() {
        #expect(ChatCompletionCodec.delta(#"{"choices":[{"delta":{"content":"a"},"finish_reason":null}]}"#)?.content == "a")
        #expect(ChatCompletionCodec.delta(#"{"choices":[{"delta":{"role":null,"content":null}}]}"#)?.content == nil)
        #expect(ChatCompletionCodec.delta(#"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#)?.finished == true)
        #expect(ChatCompletionCodec.delta(#"{"error":{"message":"boom"}}"#)?.error == "boom")
        #expect(ChatCompletionCodec.delta("[") == nil)
    }

    @Test("error texts and model lists in their usual shapes")
    func errorsAndModels() {
        func text(_ body: String) -> String { bytes(body).withUnsafeBytes { ChatCompletionCodec.errorText($0) } }
        #expect(text(#"{"error":{"message":"bad key"}}"#) == "bad key")
        #expect(text(#"{"error":"plain"}"#) == "plain")
        #expect(text(#"{"detail":"Not Found"}"#) == "Not Found")
        #expect(text("Service Unavailable") == "Service Unavailable")
        func models(_ body: String) -> [String]? { bytes(body).withUnsafeBytes { ChatCompletionCodec.models($0) } }
        #expect(models(#"{"object":"list","data":[{"id":"a"},{"id":"b"}]}"#) == ["a", "b"])
        #expect(models(#"{"models":[{"name":"llama3.2:latest"}]}"#) == ["llama3.2:latest"])
        #expect(models("[]") == nil)
    }

    @Test("base URLs and globs")
    func urls() {
        let origin = HTTPOrigin(parsing: "HTTPS://[::1]:8443/api/v1/")
        #expect(origin?.isSecure == true && origin?.host == "::1" && origin?.port == 8443 && origin?.basePath == "/api/v1")
        #expect(origin?.description == "https://[::1]:8443/api/v1")
        #expect(HTTPOrigin(parsing: "http://h")?.port == 80)
        for bad in ["ftp://h", "http://", "http://h:0", "http://h:99999", "http://u@h", "http://h/?q", "h:80"] {
            #expect(HTTPOrigin(parsing: bad) == nil, "\(bad)")
        }
        #expect(Glob.matches("gpt-4*", "gpt-4.1"))
        #expect(Glob.matches("*mini*", "gpt-4o-mini-tts"))
        #expect(Glob.matches("llama?.?", "llama3.2"))
        #expect(!Glob.matches("gpt-4*", "o1"))
    }
}
