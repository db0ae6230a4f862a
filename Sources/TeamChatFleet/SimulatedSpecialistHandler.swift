import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatModel
import TeamChatTektonWire

/// One connection to a simulated specialist: reads request lines, answers strictly in order after the configured
/// latency, and misbehaves on chats as configured.
final class SimulatedSpecialistHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let configuration: SimulatedSpecialistConfiguration
    private let counters: FleetCounters
    /// Shared by the specialist's connections: whether its `late` first chat was already answered late.
    private let lateUsed: NIOLockedValueBox<Bool>
    /// When the last scheduled reply goes out; later replies never overtake it.
    private var lastReplyAt = NIODeadline.uptimeNanoseconds(0)
    /// Replies scheduled and not yet written. While there are any, a reply due now is scheduled too (the loop runs
    /// tasks in deadline order, ties in order of scheduling) rather than written at once: one that is overdue but
    /// has not run yet would be overtaken.
    private var scheduledReplies = 0

    init(configuration: SimulatedSpecialistConfiguration, counters: FleetCounters, lateUsed: NIOLockedValueBox<Bool>) {
        self.configuration = configuration
        self.counters = counters
        self.lateUsed = lateUsed
    }

    func channelActive(context: ChannelHandlerContext) {
        if configuration.misbehaviour == .slam {
            context.resetConnection()
            return
        }
        if configuration.misbehaviour == .greet {
            context.writeAndFlush(
                wrapOutboundOut(WireReply.response(content: "welcome to \(configuration.id)", model: nil, aiID: nil).encodedLine),
                promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request: WireRequest
        let line = unwrapInboundIn(data)
        do {
            request = try WireRequest.decode(line)
        } catch .notAnObject {
            context.close(promise: nil)  // what real specialists do with non-object JSON
            return
        } catch .malformed {
            reply(context: context, .error("invalid JSON"))
            return
        } catch {
            guard case .unknownType(let type) = error else { return }
            counters.requestReceived(configuration.id, type: type ?? "unknown")
            reply(context: context, .error("unknown request type '\(type ?? "")'"))
            return
        }
        counters.requestReceived(configuration.id, type: request.typeName)
        if case .chat = request { counters.chatReceived(configuration.id, String(buffer: line)) }
        if configuration.misbehaviour == .mute { return }
        switch request {
        case .ping:
            switch configuration.misbehaviour {
            case .pingError: reply(context: context, .error("unknown request type 'ping'"))
            case .pingIgnored: return
            case .pingTwice:
                reply(context: context, .pong(aiID: configuration.id))
                reply(context: context, .pong(aiID: configuration.id))
            default: reply(context: context, .pong(aiID: configuration.id))
            }
        case .health:
            reply(context: context, .health(status: "healthy"))
        case .info:
            reply(
                context: context,
                .info(
                    WireInfo(
                        aiID: configuration.id,
                        component: String(configuration.id.split(separator: "-").first ?? ""),
                        description: "simulated specialist",
                        modelProvider: "teamchat-fleet",
                        modelName: configuration.model,
                        port: context.channel.localAddress?.port ?? configuration.port
                    )
                )
            )
        case .chat(let chat):
            self.chat(context: context, chat)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func chat(context: ChannelHandlerContext, _ request: ChatRequest) {
        var content = configuration.content(for: request.message)
        if configuration.answerPaddingBytes > 0 { content += String(repeating: ".", count: configuration.answerPaddingBytes) }
        let answer = WireReply.response(content: content, model: configuration.model, aiID: configuration.id)
        switch configuration.misbehaviour {
        case nil, .refuse, .greet, .mute, .slam, .http500, .http429, .noDone, .nullDeltas, .errorMidStream, .idleClose, .stall,
            .pingError, .pingIgnored, .pingTwice:
            // HTTP's own misbehaviours mean nothing on a Tekton socket.
            if request.stream {
                stream(context: context, content: content, requestID: request.requestID)
            } else {
                reply(context: context, answer)
            }
        case .hang:
            return
        case .close:
            context.close(promise: nil)
        case .reset:
            context.resetConnection()
        case .garbage:
            send(context: context, Self.bytes("this is not JSON }{\n"))
        case .halfLine:
            send(context: context, Self.bytes(#"{"type":"response","content":"half a li"#))
        case .huge:
            let filler = String(repeating: "x", count: configuration.hugeReplyBytes)
            reply(context: context, .response(content: filler, model: nil, aiID: nil))
        case .oneByte:
            oneByteAtATime(context: context, answer.encodedLine)
        case .late:
            let first = lateUsed.withLockedValue { used in
                defer { used = true }
                return !used
            }
            reply(context: context, answer, extraDelay: first ? configuration.lateDelay : .zero)
        case .twice:
            var both = answer.encodedLine
            var again = WireReply.response(content: "\(content) (again)", model: nil, aiID: nil).encodedLine
            both.writeBuffer(&again)
            send(context: context, both)
        case .invalidUTF8:
            var bytes = Self.bytes(#"{"type":"response","content":"bad "#)
            bytes.writeBytes([0xFF, 0xFE, 0xFD])
            bytes.writeString("\"}\n")
            send(context: context, bytes)
        case .error:
            reply(context: context, .error("simulated failure"))
        case .foreignID:
            stream(context: context, content: content, requestID: "\(configuration.id)-own-id")
        case .endless:
            endless(context: context, chunk: String(repeating: "x", count: 1_024), index: 0)
        }
    }

    /// A chunk every millisecond until the connection closes.
    private func endless(context: ChannelHandlerContext, chunk: String, index: Int) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(
            wrapOutboundOut(WireReply.streamChunk(requestID: nil, index: index, content: chunk).encodedLine), promise: nil)
        context.eventLoop.scheduleTask(in: .milliseconds(1)) {
            let (handler, context) = loopBound.value
            guard context.channel.isActive else { return }
            handler.endless(context: context, chunk: chunk, index: index + 1)
        }
    }

    private func stream(context: ChannelHandlerContext, content: String, requestID: String?) {
        let words = content.split(separator: " ", omittingEmptySubsequences: false)
        var buffer = ByteBuffer()
        for (index, word) in words.enumerated() {
            let piece = index == words.count - 1 ? String(word) : "\(word) "
            var chunk = WireReply.streamChunk(requestID: requestID, index: index, content: piece).encodedLine
            buffer.writeBuffer(&chunk)
        }
        var end = WireReply.streamEnd(requestID: requestID, content: nil).encodedLine
        buffer.writeBuffer(&end)
        send(context: context, buffer)
    }

    private func reply(context: ChannelHandlerContext, _ reply: WireReply, extraDelay: Duration = .zero) {
        send(context: context, reply.encodedLine, extraDelay: extraDelay)
    }

    /// Writes after the latency (plus jitter), never before an earlier reply: answers stay in request order.
    private func send(context: ChannelHandlerContext, _ bytes: ByteBuffer, extraDelay: Duration = .zero) {
        let now = NIODeadline.now()
        let at = max(now + TimeAmount(configuration.thinkTime() + extraDelay), lastReplyAt)
        lastReplyAt = at
        if at <= now, scheduledReplies == 0 {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            return
        }
        scheduledReplies += 1
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(deadline: at) {
            let (handler, context) = loopBound.value
            handler.scheduledReplies -= 1
            context.writeAndFlush(NIOAny(bytes), promise: nil)
        }
    }

    private func oneByteAtATime(context: ChannelHandlerContext, _ bytes: ByteBuffer) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let interval = TimeAmount(configuration.byteInterval)
        for (offset, byte) in bytes.readableBytesView.enumerated() {
            let single = ByteBuffer(integer: byte)
            context.eventLoop.scheduleTask(in: interval * Int64(offset)) {
                loopBound.value.writeAndFlush(NIOAny(single), promise: nil)
            }
        }
    }

    private static func bytes(_ text: String) -> ByteBuffer {
        ByteBuffer(string: text)
    }
}
