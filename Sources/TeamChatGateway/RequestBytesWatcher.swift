import NIOCore

/// First in a client connection's pipeline: says, as an inbound user event, that bytes arrived, before the HTTP
/// decoder has a whole request head to hand on. The gateway's handler then switches a waiting connection from its
/// idle timer (minutes) to its request timer (seconds): a request that starts must arrive whole soon, so that a
/// client trickling a head or a body holds nothing for long (slowloris).
final class RequestBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The event it sends.
    struct BytesArrived: Sendable {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(BytesArrived())
        context.fireChannelRead(data)
    }
}
