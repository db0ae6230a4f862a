#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatCore

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

    init(configuration: SimulatedSpecialistConfiguration, counters: FleetCounters, lateUsed: NIOLockedValueBox<Bool>) {
        self.configuration = configuration
        self.counters = counters
        self.lateUsed = lateUsed
    }

    private struct Request {
        var type: String?
        var content: String?
        var stream: Bool?
        var requestID: String?

        init(_ members: [(key: String, value: JSONObjectReader.Value)]) {
            for (key, value) in members {
                switch (key, value) {
                case ("type", .string(let text)): type = text
                case ("content", .string(let text)): content = text
                case ("stream", .bool(let flag)): stream = flag
                case ("request_id", .string(let text)): requestID = text
                default: continue
                }
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        let parsed = line.withUnsafeReadableBytes { bytes in
            Result { () throws(JSONObjectReader.Failure) in try JSONObjectReader.members(of: bytes) }
        }
        let request: Request
        switch parsed {
        case .success(let members):
            request = Request(members)
        case .failure(.notAnObject):
            context.close(promise: nil)  // what real specialists do with non-object JSON
            return
        case .failure(.malformed):
            reply(context: context, FleetReply(type: "error", error: "invalid JSON"))
            return
        }
        let type = request.type ?? "unknown"
        counters.requestReceived(configuration.id, type: type)
        switch type {
        case "ping":
            reply(context: context, FleetReply(type: "pong"))
        case "health":
            reply(context: context, FleetReply(type: "health_response", status: "healthy"))
        case "info":
            reply(
                context: context,
                FleetReply(
                    type: "info_response",
                    aiID: configuration.id,
                    component: String(configuration.id.split(separator: "-").first ?? ""),
                    description: "simulated specialist",
                    modelProvider: "teamchat-fleet",
                    modelName: configuration.model,
                    port: context.channel.localAddress?.port ?? configuration.port
                )
            )
        case "chat":
            chat(context: context, request)
        default:
            reply(context: context, FleetReply(type: "error", error: "unknown request type '\(type)'"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func chat(context: ChannelHandlerContext, _ request: Request) {
        let content = "\(configuration.id): \(request.content ?? "")"
        let answer = FleetReply(type: "response", content: content, model: configuration.model, aiID: configuration.id)
        switch configuration.misbehaviour {
        case nil, .refuse:
            if request.stream == true {
                stream(context: context, content: content, requestID: request.requestID)
            } else {
                reply(context: context, answer)
            }
        case .hang:
            return
        case .close:
            context.close(promise: nil)
        case .reset:
            // SO_LINGER with a zero timeout turns close() into a RST.
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            guard let provider = context.channel as? any SocketOptionProvider else {
                context.close(promise: nil)
                return
            }
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
                loopBound.value.close(promise: nil)
            }
        case .garbage:
            send(context: context, Self.bytes("this is not JSON }{\n"))
        case .halfLine:
            send(context: context, Self.bytes(#"{"type":"response","content":"half a li"#))
        case .huge:
            let filler = String(repeating: "x", count: configuration.hugeReplyBytes)
            reply(context: context, FleetReply(type: "response", content: filler))
        case .oneByte:
            oneByteAtATime(context: context, Self.encode(answer))
        case .late:
            let first = lateUsed.withLockedValue { used in
                defer { used = true }
                return !used
            }
            reply(context: context, answer, extraDelay: first ? configuration.lateDelay : .zero)
        case .twice:
            var both = Self.encode(answer)
            var again = Self.encode(FleetReply(type: "response", content: "\(content) (again)"))
            both.writeBuffer(&again)
            send(context: context, both)
        case .invalidUTF8:
            var bytes = Self.bytes(#"{"type":"response","content":"bad "#)
            bytes.writeBytes([0xFF, 0xFE, 0xFD])
            bytes.writeString("\"}\n")
            send(context: context, bytes)
        case .error:
            reply(context: context, FleetReply(type: "error", error: "simulated failure"))
        }
    }

    private func stream(context: ChannelHandlerContext, content: String, requestID: String?) {
        let words = content.split(separator: " ", omittingEmptySubsequences: false)
        var buffer = ByteBuffer()
        for (index, word) in words.enumerated() {
            let piece = index == words.count - 1 ? String(word) : "\(word) "
            var chunk = Self.encode(
                FleetReply(type: "stream_chunk", content: piece, requestID: requestID, chunkIndex: index))
            buffer.writeBuffer(&chunk)
        }
        var end = Self.encode(FleetReply(type: "stream_end", requestID: requestID))
        buffer.writeBuffer(&end)
        send(context: context, buffer)
    }

    private func reply(context: ChannelHandlerContext, _ reply: FleetReply, extraDelay: Duration = .zero) {
        send(context: context, Self.encode(reply), extraDelay: extraDelay)
    }

    /// Writes after the latency (plus jitter), never before an earlier reply: answers stay in request order.
    private func send(context: ChannelHandlerContext, _ bytes: ByteBuffer, extraDelay: Duration = .zero) {
        var delay = configuration.latency + extraDelay
        if configuration.jitter > .zero {
            let spread = configuration.jitter.components.seconds * 1_000_000_000
                + configuration.jitter.components.attoseconds / 1_000_000_000
            delay += .nanoseconds(Int64.random(in: -spread...spread))
        }
        let now = NIODeadline.now()
        let at = max(now + TimeAmount.nanoseconds(max(0, Int64(delay.nanosecondsClamped))), lastReplyAt)
        lastReplyAt = at
        if at <= now {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            return
        }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(deadline: at) {
            loopBound.value.writeAndFlush(NIOAny(bytes), promise: nil)
        }
    }

    private func oneByteAtATime(context: ChannelHandlerContext, _ bytes: ByteBuffer) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let interval = TimeAmount.nanoseconds(Int64(configuration.byteInterval.nanosecondsClamped))
        for (offset, byte) in bytes.readableBytesView.enumerated() {
            let single = ByteBuffer(integer: byte)
            context.eventLoop.scheduleTask(in: interval * Int64(offset)) {
                loopBound.value.writeAndFlush(NIOAny(single), promise: nil)
            }
        }
    }

    static func encode(_ reply: FleetReply) -> ByteBuffer {
        ByteBuffer(bytes: reply.object.utf8(terminator: UInt8(ascii: "\n")))
    }

    private static func bytes(_ text: String) -> ByteBuffer {
        ByteBuffer(string: text)
    }
}

/// Every field a simulated reply may carry; absent ones are left out.
struct FleetReply {
    var type: String
    var content: String?
    var error: String?
    var status: String?
    var model: String?
    var aiID: String?
    var component: String?
    var description: String?
    var modelProvider: String?
    var modelName: String?
    var port: Int?
    var requestID: String?
    var chunkIndex: Int?

    /// The reply as a JSON object, `type` first.
    var object: JSONObjectWriter {
        var object = JSONObjectWriter(type: type)
        object.add("content", content)
        object.add("error", error)
        object.add("status", status)
        object.add("model", model)
        object.add("ai_id", aiID)
        object.add("component", component)
        object.add("description", description)
        object.add("model_provider", modelProvider)
        object.add("model_name", modelName)
        object.add("port", port)
        object.add("request_id", requestID)
        object.add("chunk_index", chunkIndex)
        return object
    }

    init(
        type: String,
        content: String? = nil,
        error: String? = nil,
        status: String? = nil,
        model: String? = nil,
        aiID: String? = nil,
        component: String? = nil,
        description: String? = nil,
        modelProvider: String? = nil,
        modelName: String? = nil,
        port: Int? = nil,
        requestID: String? = nil,
        chunkIndex: Int? = nil
    ) {
        self.type = type
        self.content = content
        self.error = error
        self.status = status
        self.model = model
        self.aiID = aiID
        self.component = component
        self.description = description
        self.modelProvider = modelProvider
        self.modelName = modelName
        self.port = port
        self.requestID = requestID
        self.chunkIndex = chunkIndex
    }
}

extension Duration {
    /// Nanoseconds, clamped to `Int64`.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : product + attoseconds / 1_000_000_000
    }
}
