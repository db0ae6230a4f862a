// nio-floor BASE_PORT COUNT ROUNDS: cfloor's measurement with SwiftNIO — one event loop, one persistent connection
// per specialist, the same request to each, a round over when every connection has answered a line; prints the
// p50/p90/p99/max of the round time in microseconds. Everything after the connects runs on the loop: a round
// starts the next from the handler that completes it, as cfloor's loop does.
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The rounds, driven from the event loop's thread only.
final class FanOut: @unchecked Sendable {
    // Safe: created before any channel exists and touched afterwards only on the one event loop (every handler
    // callback and `start` run there).
    let request: ByteBuffer
    let rounds: Int
    let done: EventLoopPromise<[Double]>
    var channels: [any Channel] = []
    var left = 0
    var round = -50  // warm-up rounds, as cfloor's
    var started = NIODeadline.now()
    var times: [Double] = []

    init(rounds: Int, done: EventLoopPromise<[Double]>) {
        self.request = ByteBuffer(string: #"{"type":"chat","content":"hi"}"# + "\n")
        self.rounds = rounds
        self.done = done
        times.reserveCapacity(rounds)
    }

    func start() {
        left = channels.count
        started = .now()
        for channel in channels { channel.writeAndFlush(request, promise: nil) }
    }

    func answered(lines: Int) {
        left -= lines
        guard left <= 0 else { return }
        if round >= 0 { times.append(Double((NIODeadline.now() - started).nanoseconds) / 1_000) }
        round += 1
        if round < rounds { start() } else { done.succeed(times) }
    }
}

/// Counts the reply lines of one connection.
final class ReplyCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let fanOut: FanOut

    init(_ fanOut: FanOut) { self.fanOut = fanOut }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let lines = buffer.readableBytesView.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        if lines > 0 { fanOut.answered(lines: lines) }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let base = Int(arguments[1]), let count = Int(arguments[2]), let rounds = Int(arguments[3]),
    count > 0, rounds > 0
else {
    let usage = "usage: nio-floor BASE_PORT COUNT ROUNDS\n"
    _ = usage.withCString { write(2, $0, strlen($0)) }
    exit(64)
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let loop = group.next()
let fanOut = FanOut(rounds: rounds, done: loop.makePromise())
for index in 0..<count {
    let channel = try ClientBootstrap(group: loop)
        .channelOption(.tcpOption(.tcp_nodelay), value: 1)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ReplyCounter(fanOut)) }
        }
        .connect(host: "127.0.0.1", port: base + index).wait()
    try loop.submit { fanOut.channels.append(channel) }.wait()
}
loop.execute { fanOut.start() }
let times = try fanOut.done.futureResult.wait().sorted()
print(#"{"p50_us":\#(times[rounds / 2]),"p90_us":\#(times[rounds * 9 / 10]),"p99_us":\#(times[rounds * 99 / 100]),"max_us":\#(times[rounds - 1])}"#)
try group.syncShutdownGracefully()
