import NIOCore
import NIOWebSocket
import TeamChatJSON
import TeamChatEngine

/// `GET /api/team-chat/ws` after the upgrade: each text frame `{"message":…,"to":…,"timeout":…,"stream":…}`
/// starts a round (see ``GatewayRoundRequest``), many at once on one socket; every event comes back as a text
/// frame holding the `send --json` object, its `"round"` the number the client gave (`"round"` in its frame) or
/// the socket's next one. A frame that is not a round gets `{"type":"error","error":"…"}` and the socket stays
/// open; closing the socket cancels its rounds.
final class GatewayWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let gateway: Gateway
    private var rounds: [Int: RoundHandle] = [:]
    private var nextRound = 1
    private var closing = false

    init(gateway: Gateway) {
        self.gateway = gateway
    }

    func channelInactive(context: ChannelHandlerContext) {
        for handle in rounds.values { handle.cancel() }
        rounds = [:]
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            start(Array(frame.unmaskedData.readableBytesView), context: context)
        case .ping:
            send(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData), context: context)
        case .connectionClose:
            close(context: context, code: .normalClosure)
        case .binary:
            close(context: context, code: .unacceptableData)
        default:
            return
        }
    }

    private func start(_ bytes: [UInt8], context: ChannelHandlerContext) {
        var request: GatewayRoundRequest
        switch GatewayRoundRequest.decode(json: bytes) {
        case .success(let parsed): request = parsed
        case .failure(let error):
            reportError(error, round: nil, context: context)
            return
        }
        let number = request.round ?? nextRound
        nextRound = max(nextRound, number) + 1
        guard rounds[number] == nil else {
            reportError(.badRequest("round \(number) is still running"), round: number, context: context)
            return
        }
        request.round = number
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let started = gateway.startRound(request, route: .webSocket) { batch in
            loop.execute {
                let (handler, context) = bound.value
                handler.deliver(batch, round: number, context: context)
            }
        }
        switch started {
        case .success(let round): rounds[number] = round.handle
        case .failure(let error): reportError(error, round: number, context: context)
        }
    }

    private func deliver(_ batch: [RoundEvent], round: Int, context: ChannelHandlerContext) {
        guard !closing, context.channel.isActive else { return }
        for event in batch {
            let object: JSONObjectWriter
            if case .finished(let summary) = event {
                rounds[round] = nil
                object = RoundEventCodec.summary(summary, round: round, interrupted: false, via: "gateway")
            } else {
                object = RoundEventCodec.encode(event, round: round)
            }
            var buffer = context.channel.allocator.buffer(capacity: 256)
            buffer.writeBytes(object.utf8())
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: nil)
        }
        context.flush()
    }

    private func reportError(_ error: GatewayError, round: Int?, context: ChannelHandlerContext) {
        var object = JSONObjectWriter(type: "error")
        object.add("error", error.message)
        object.add("status", Int(error.status.code))
        object.add("round", round)
        send(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(bytes: object.utf8())),
             context: context)
    }

    private func send(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        guard !closing else { return }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    private func close(context: ChannelHandlerContext, code: WebSocketErrorCode) {
        guard !closing else { return }
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
    }
}
