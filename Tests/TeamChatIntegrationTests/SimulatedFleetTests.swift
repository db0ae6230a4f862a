import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatFleet
import TeamChatModel
import TeamChatTektonWire
import TeamChatTestSupport
import Testing

/// The simulated specialists the other tests rely on behave like real ones where it matters.
@Suite("The simulated fleet", .timeLimit(.minutes(1)))
struct SimulatedFleetTests {
    @Test("a specialist with jitter answers pipelined requests strictly in order, on fresh connections and busy ones")
    func pipelinedInOrder() async throws {
        var configuration = team(1)[0]
        configuration.jitter = .milliseconds(1)
        let expected = { (pairs: Int) in (0..<pairs).flatMap { _ in ["pong", "response"] } }
        try await Fleet.withRunning([configuration]) { fleet in
            let (host, port) = try #require(fleet.specialists[0].address.tektonEndpoint)
            // A reply due at once must not overtake an earlier one that is due (overdue, even) but not yet written:
            // the client's guard ping relies on it. A fresh connection is where that shows: a ping's small think
            // time can pass while the chat behind it is read.
            for _ in 0..<1_500 {
                let lines = try await LineCollector.collect(2, from: host, port: port, sending: Self.requests(1))
                let types = try lines.map { try WireReply.decode($0).typeName }
                try #require(types == expected(1))
            }
            // A busy one: a hundred pairs at once (more would hold an event loop that every other suite shares).
            let lines = try await LineCollector.collect(200, from: host, port: port, sending: Self.requests(100))
            let types = try lines.map { try WireReply.decode($0).typeName }
            #expect(types == expected(100), "first out of order at \(types.indices.first { types[$0] != expected(100)[$0] } ?? -1)")
        }
    }

    private static func requests(_ pairs: Int) throws -> ByteBuffer {
        // Every pair is a ping then a chat, all written at once.
        var requests = ByteBuffer()
        for index in 0..<pairs {
            var ping = try WireRequest.ping.encodedLine()
            var chat = try WireRequest.chat(ChatRequest(message: "m\(index)")).encodedLine()
            requests.writeBuffer(&ping)
            requests.writeBuffer(&chat)
        }
        return requests
    }
}

/// Writes bytes on a new connection and collects the first `count` lines that come back.
private final class LineCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let count: Int
    private let promise: EventLoopPromise<[ByteBuffer]>
    /// Read on the channel's event loop; a lock rather than loop-binding keeps the handler simply `Sendable`.
    private let state = NIOLockedValueBox(
        (framer: LineFramer(maximumLineLength: 1 << 20), lines: [ByteBuffer](), finished: false))

    private init(count: Int, promise: EventLoopPromise<[ByteBuffer]>) {
        self.count = count
        self.promise = promise
    }

    static func collect(_ count: Int, from host: String, port: Int, sending bytes: ByteBuffer) async throws -> [ByteBuffer] {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: [ByteBuffer].self)
        let collector = LineCollector(count: count, promise: promise)
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in channel.pipeline.addHandler(collector) }
            .connect(host: host, port: port).get()
        try await channel.writeAndFlush(bytes)
        // A specialist that stops answering fails the test rather than hanging it.
        let giveUp = loop.scheduleTask(in: .seconds(10)) { collector.end(ChannelError.ioOnClosedChannel) }
        defer {
            giveUp.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        let done = state.withLockedValue { state -> [ByteBuffer]? in
            guard !state.finished else { return nil }
            state.framer.append(bytes)
            while state.lines.count < count, let line = try? state.framer.nextLine() {
                state.lines.append(line)
            }
            guard state.lines.count == count else { return nil }
            state.finished = true
            return state.lines
        }
        if let done { promise.succeed(done) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(ChannelError.eof)
    }

    /// Fails the collection with `error` unless it already ended.
    func end(_ error: any Error) {
        let unfinished = state.withLockedValue { state in
            defer { state.finished = true }
            return !state.finished
        }
        if unfinished { promise.fail(error) }
    }
}
