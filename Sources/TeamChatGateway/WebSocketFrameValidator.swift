import NIOCore
import NIOWebSocket

/// The rules of RFC 6455 that NIO's frame decoder leaves to the server (it checks control frames' length and
/// fragmentation itself): every frame from a client must be masked (§5.1), no reserved bit may be set without an
/// extension that defines it (§5.2: none is agreed here), and no reserved opcode may be used (§5.2). A frame that
/// breaks one is not passed on: the connection is closed with 1002 (protocol error), its rounds with it.
final class WebSocketFrameValidator: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private static let opcodes: [WebSocketOpcode] = [.continuation, .text, .binary, .connectionClose, .ping, .pong]
    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let frame = unwrapInboundIn(data)
        let broken: String? =
            if frame.maskKey == nil {
                "an unmasked frame"
            } else if frame.rsv1 || frame.rsv2 || frame.rsv3 {
                "a reserved bit set"
            } else if !Self.opcodes.contains(frame.opcode) {
                "a reserved opcode"
            } else {
                nil
            }
        guard broken != nil else {
            context.fireChannelRead(data)
            return
        }
        closing = true
        var reason = context.channel.allocator.buffer(capacity: 2)
        reason.write(webSocketErrorCode: .protocolError)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reason)))
            .whenComplete { _ in channel.close(promise: nil) }
    }
}
