import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import TeamChatEngine
import TeamChatFleet
@testable import TeamChatGateway
import TeamChatTestSupport
import Testing

/// A WebSocket client for the tests: text frames out (masked, as a client must), text frames in as a stream.
final class TestWebSocket: Sendable {
    let channel: any Channel
    let messages: AsyncStream<String>

    private init(channel: any Channel, messages: AsyncStream<String>) {
        self.channel = channel
        self.messages = messages
    }

    static func connect(
        port: Int, path: String = "/api/team-chat/ws", headers: [(String, String)] = []
    ) async throws -> TestWebSocket {
        let (messages, continuation) = AsyncStream.makeStream(of: String.self)
        let upgraded = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                // Large frames: the browser's DevTools answer a screenshot in one message.
                let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 26, upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            NIOWebSocketFrameAggregator(
                                minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 100_000,
                                maxAccumulatedFrameSize: 1 << 26),
                            Collector(continuation),
                        ])
                        upgraded.succeed(())
                    }
                })
                var headers = HTTPHeaders(headers)
                headers.add(name: "host", value: "127.0.0.1")
                headers.add(name: "content-length", value: "0")
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
                return channel.eventLoop.makeCompletedFuture {
                    let requester = Requester(head: head, failed: upgraded)
                    let bound = NIOLoopBound(requester, eventLoop: channel.eventLoop)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { context in
                            _ = context.pipeline.syncOperations.removeHandler(bound.value)
                        }))
                    try channel.pipeline.syncOperations.addHandler(requester)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await upgraded.futureResult.get()
        return TestWebSocket(channel: channel, messages: messages)
    }

    func send(_ text: String) async throws {
        let frame = WebSocketFrame(
            fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: text))
        try await channel.writeAndFlush(frame)
    }

    func close() async {
        try? await channel.close()
    }

    /// Writes the upgrade request once connected; fails `failed` when the server answers without upgrading.
    private final class Requester: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundOut = HTTPClientRequestPart
        let head: HTTPRequestHead
        let failed: EventLoopPromise<Void>

        init(head: HTTPRequestHead, failed: EventLoopPromise<Void>) {
            self.head = head
            self.failed = failed
        }

        func channelActive(context: ChannelHandlerContext) {
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let response) = unwrapInboundIn(data) {
                failed.fail(UpgradeRefused(status: response.status))
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            failed.fail(error)
            context.close(promise: nil)
        }
    }

    struct UpgradeRefused: Error {
        var status: HTTPResponseStatus
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = WebSocketFrame
        let continuation: AsyncStream<String>.Continuation

        init(_ continuation: AsyncStream<String>.Continuation) {
            self.continuation = continuation
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            if frame.opcode == .text { continuation.yield(String(buffer: frame.unmaskedData)) }
            if frame.opcode == .connectionClose { continuation.finish() }
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
            context.fireChannelInactive()
        }
    }
}

@Suite("WebSocket rounds", .timeLimit(.minutes(1)))
struct GatewayWebSocketTests {
    @Test("many rounds on one socket, concurrently, each event tagged with its round; bad frames answered, socket kept")
    func concurrentRounds() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 3)
        // Slow enough that the quick rounds end first on a loaded machine (at 200 ms a full suite once let the
        // streamed round end after it), well within the round's 2 s timeout.
        team[2].latency = .milliseconds(600)
        try await GatewayHarness.with(team) { harness in
            let socket = try await TestWebSocket.connect(port: harness.port)
            try await socket.send(#"{"message":"slow one","round":1}"#)
            try await socket.send(#"{"message":"quick one","to":["engram"],"round":2}"#)
            try await socket.send(#"{"mesage":"typo"}"#)
            try await socket.send(#"{"message":"streamed words","to":["hermes"],"stream":true}"#)
            var summaries: [Int: [String: Any]] = [:]
            var replies: [Int: [String]] = [:]
            var chunks = 0
            var errors: [String] = []
            var order: [Int] = []
            for await text in socket.messages {
                let object = text.jsonObject
                let round = object["round"] as? Int ?? -1
                switch object["type"] as? String {
                case "reply": replies[round, default: []].append(object["content"] as? String ?? "")
                case "chunk": chunks += 1
                case "summary":
                    summaries[round] = object
                    order.append(round)
                case "error": errors.append(object["error"] as? String ?? "")
                default: Issue.record("unexpected frame \(text)")
                }
                if summaries.count == 3 { break }
            }
            #expect(Set(replies[1] ?? []) == Set(harness.fleet.specialists.map { "\($0.id): slow one" }))
            #expect(replies[2] == ["engram-ai: quick one"])
            #expect(replies[3] == ["hermes-ai: streamed words"])
            #expect(chunks == 3)  // "hermes-ai: ", "streamed ", "words"
            #expect(errors == ["unknown member 'mesage'"])
            #expect(summaries[1]?["replied"] as? Int == 3)
            #expect(summaries.values.allSatisfy { $0["via"] as? String == "gateway" })
            // The quick rounds finished while the slow one was still running: concurrent, not queued.
            #expect(order.last == 1)
            await socket.close()
            #expect(await eventually { harness.gateway.roundsInFlight == 0 })
        }
    }

    @Test("closing the socket cancels its rounds; no lease leaks")
    func closeCancels() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 2)
        team[1].misbehaviour = .hang
        try await GatewayHarness.with(team) { harness in
            let socket = try await TestWebSocket.connect(port: harness.port)
            try await socket.send(#"{"message":"hi","timeout":60}"#)
            for await text in socket.messages where text.contains(#""reply""#) { break }
            #expect(harness.gateway.roundsInFlight == 1)
            await socket.close()
            #expect(await eventually { harness.gateway.roundsInFlight == 0 })
            #expect(await eventually {
                harness.gateway.session.engine.statistics(for: harness.fleet.specialists[1]).leased == 0
            })
        }
    }

    @Test("with a token, the upgrade needs it")
    func token() async throws {
        let token = "another-secret-0123456789"
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 1), configure: { $0.token = token }) {
            harness in
            await #expect(throws: TestWebSocket.UpgradeRefused.self) { try await TestWebSocket.connect(port: harness.port) }
            let socket = try await TestWebSocket.connect(port: harness.port, headers: [("Authorization", "Bearer \(token)")])
            try await socket.send(#"{"message":"ok"}"#)
            var summary: String?
            for await text in socket.messages where text.contains(#""summary""#) {
                summary = text
                break
            }
            // A socket that closed, or never sent a summary, fails here rather than skipping the loop's check.
            let received = try #require(summary)
            #expect(received.contains(#""replied":1"#))
            await socket.close()
        }
    }
}
