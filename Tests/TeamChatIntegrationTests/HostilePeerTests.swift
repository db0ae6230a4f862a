import Foundation
import TeamChatEngine
import TeamChatModel
import TeamChatOpenAI
import TeamChatTestSupport
import Testing

@Suite("OpenAI-compatible servers that end their answers badly (a hostile Python peer)", .timeLimit(.minutes(1)))
struct HostilePeerTests {
    func engine(caFile: String? = nil, environment: [String: String] = [:]) -> RoundEngine {
        RoundEngine(transports: [OpenAITransport(OpenAIProtocol(caFile: caFile, keys: APIKeys(environment: environment)))])
    }

    @Test("a body that ends when the connection closes (HTTP/1.0) is an answer, not 'closed'")
    func closeDelimited() async throws {
        try await HostileOpenAIServer.with { server in
            let engine = engine()
            let (outcomes, _) = await engine.collect(.chat("hi"), to: [server.specialist("http10")])
            #expect(outcomes.first?.answer?.content == "said over HTTP/1.0", "\(outcomes)")
            await engine.shutdown()
        }
    }

    @Test("a stream that ends with a finish_reason and EOF but no [DONE] is an answer")
    func eofAfterFinish() async throws {
        try await HostileOpenAIServer.with { server in
            let engine = engine()
            let request = TeamRequest.chat(ChatRequest(message: "hi", stream: true))
            let (outcomes, _) = await engine.collect(request, to: [server.specialist("eof-after-finish")])
            #expect(outcomes.first?.answer?.content == "ended by EOF", "\(outcomes)")
            await engine.shutdown()
        }
    }

    @Test("[DONE] without a finish_reason (an interrupted llama.cpp stream) is 'truncated', with what had come")
    func doneWithoutFinish() async throws {
        try await HostileOpenAIServer.with { server in
            let engine = engine()
            let request = TeamRequest.chat(ChatRequest(message: "hi", stream: true))
            let (outcomes, summary) = await engine.collect(request, to: [server.specialist("done-no-finish")])
            let error = try #require(outcomes.first?.error)
            #expect(error.kind == .truncated)
            #expect(error.partialContent == "cut short")
            #expect(summary.replied == 0)
            // A well-ended stream beside it is an answer: the rule is the finish_reason, not the server.
            let well = await engine.collect(request, to: [server.specialist("well")]).outcomes
            #expect(well.first?.answer?.content == "all well")
            await engine.shutdown()
        }
    }

    @Test("a certificate for another name is 'tls' (never 'refused'); a handshake that never ends takes the connect timeout")
    func tls() async throws {
        let wrongName = try await TestCertificates.make(names: "DNS:wrong.example")
        defer { try? FileManager.default.removeItem(atPath: wrongName.directory) }
        try await HostileOpenAIServer.with(["--tls", wrongName.certificate, wrongName.key]) { server in
            let engine = engine(caFile: wrongName.ca)
            let (outcomes, _) = await engine.collect(.chat("hi"), to: [server.specialist("well", scheme: "https", host: "localhost")])
            #expect(outcomes.first?.error?.kind == .tls, "\(outcomes)")
            await engine.shutdown()
        }
        try await HostileOpenAIServer.with(["--silent"]) { server in
            let engine = engine()
            let options = RoundOptions(timeout: .seconds(10), connectTimeout: .milliseconds(300))
            let (outcomes, _) = await engine.collect(
                .chat("hi"), to: [server.specialist("well", scheme: "https")], options: options)
            let outcome = try #require(outcomes.first)
            #expect(outcome.error?.kind == .connectTimeout, "\(outcome)")
            // The connect timeout, not the 10 s reply timeout (a bound for a broken fix, far above the 0.3 s it takes).
            #expect(outcome.elapsed < .seconds(5))
            await engine.shutdown()
        }
    }

    @Test("a server that echoes the API key: not one piece of it in an answer, a chunk, a model's name or an error")
    func echoedKey() async throws {
        let key = "sk-tc" + String((0..<40).map { _ in "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".randomElement()! })
        try await HostileOpenAIServer.with { server in
            let engine = engine(environment: ["PLANTED_KEY": key])
            var texts: [String] = []
            for stream in [false, true] {
                for model in ["answer", "refuse"] {
                    let request = TeamRequest.chat(ChatRequest(message: "hi", stream: stream))
                    let specialist = server.specialist("echo-key", model: model, keyVariable: "PLANTED_KEY")
                    let events = await engine.round(request, to: [specialist]).collectEvents()
                    for event in events {
                        texts.append(RoundEventCodec.encode(event).string)
                    }
                }
            }
            #expect(texts.contains { $0.contains("[redacted]") })
            #expect(texts.contains { $0.contains(#""error_kind":"auth""#) })
            for text in texts {
                for piece in Secrets.pieces(of: key, length: 6) {
                    #expect(!text.contains(piece), "\(piece) in \(text)")
                }
            }
            await engine.shutdown()
        }
    }
}

extension RoundEvents {
    /// Every event, in order.
    func collectEvents() async -> [RoundEvent] {
        var events: [RoundEvent] = []
        for await event in self { events.append(event) }
        return events
    }
}
