import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import TeamChatJSON
import TeamChatEngine

/// One connection to a simulated OpenAI-compatible specialist: `GET /v1/models` lists its model, `POST
/// /v1/chat/completions` answers (whole, or as server-sent events), after the configured latency, misbehaving as
/// configured. Keep-alive, one request at a time.
final class SimulatedOpenAIHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let configuration: SimulatedSpecialistConfiguration
    private let counters: FleetCounters
    private let lateUsed: NIOLockedValueBox<Bool>
    /// Writes bytes straight to the socket, bypassing the HTTP encoder (for replies that are not HTTP at all).
    private let raw: RawOutlet
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var idleClose: Scheduled<Void>?

    init(
        configuration: SimulatedSpecialistConfiguration, counters: FleetCounters, lateUsed: NIOLockedValueBox<Bool>,
        raw: RawOutlet
    ) {
        self.configuration = configuration
        self.counters = counters
        self.lateUsed = lateUsed
        self.raw = raw
    }

    private var misbehaviour: Misbehaviour? { configuration.misbehaviour }

    func channelActive(context: ChannelHandlerContext) {
        switch misbehaviour {
        case .slam:
            context.resetConnection()
            return
        case .greet:
            raw.write(Self.rawResponse(status: "200 OK", body: #"{"greeting":"welcome"}"#))
        default:
            break
        }
        // `idle-close` arms its timer after each response, not here: it closes a kept-alive connection, the race
        // every pooled client meets, and not one that is new and merely slow to send (a test under load would be).
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
            idleClose?.cancel()
        case .body(var bytes):
            body.writeBuffer(&bytes)
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: Routes

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        switch (head.method, path) {
        case (.GET, "/v1/models"):
            counters.requestReceived(configuration.id, type: "models")
            if misbehaviour == .mute { return }
            var model = JSONObjectWriter()
            model.add("id", configuration.model)
            model.add("object", "model")
            model.add("owned_by", "teamchat-fleet")
            var list = JSONObjectWriter()
            list.add("object", "list")
            list.add("data", objects: [model])
            send(.ok, json: list.utf8(), context: context)
        case (.POST, "/v1/chat/completions"):
            counters.requestReceived(configuration.id, type: "chat")
            counters.chatReceived(configuration.id, String(buffer: body))
            counters.authorizationReceived(configuration.id, head.headers.first(name: "authorization"))
            if misbehaviour == .mute { return }
            chat(context: context, authorization: head.headers.first(name: "authorization"))
        default:
            var error = JSONObjectWriter()
            var detail = JSONObjectWriter()
            detail.add("message", "no route \(head.method) \(path)")
            error.add("error", object: detail)
            send(.notFound, json: error.utf8(), context: context)
        }
    }

    private func chat(context: ChannelHandlerContext, authorization: String?) {
        let root = body.withUnsafeReadableBytes { try? JSONObjectReader.value(of: $0).object }
        let message = root?["messages"]?.array?.last?.object?["content"]?.string ?? ""
        let stream = root?["stream"]?.bool ?? false
        let content = configuration.content(for: message)
        // Tokens counted as words, deterministically: the prompt's (every message) and the answer's.
        let promptTokens = (root?["messages"]?.array ?? []).reduce(0) { total, message in
            total + (message.object?["content"]?.string ?? "").split(separator: " ").count
        }
        let usage = (prompt: promptTokens, completion: content.split(separator: " ").count)
        let includeUsage = root?["stream_options"]?.object?["include_usage"]?.bool ?? false
        switch misbehaviour {
        case .hang:
            return
        case .close:
            context.close(promise: nil)
        case .reset:
            context.resetConnection()
        case .garbage:
            raw.write(ByteBuffer(string: "this is not HTTP }{\r\n\r\n"))
        case .halfLine:
            send(.ok, json: Array(#"{"choices":[{"message":{"content":"half a"#.utf8), context: context, end: false)
        case .huge:
            send(.ok, json: hugeCompletion(), context: context)
        case .oneByte:
            oneByteAtATime(Self.rawResponse(status: "200 OK", body: String(decoding: completion(content), as: UTF8.self)),
                           context: context)
        case .late:
            let first = lateUsed.withLockedValue { used in
                defer { used = true }
                return !used
            }
            send(.ok, json: completion(content), context: context, extraDelay: first ? configuration.lateDelay : .zero)
        case .twice:
            send(.ok, json: completion(content), context: context)
            send(.ok, json: completion("\(content) (again)"), context: context)
        case .invalidUTF8:
            var bytes = Array(#"{"choices":[{"message":{"content":"bad "#.utf8)
            bytes += [0xFF, 0xFE, 0xFD]
            bytes += Array(#""}}]}"#.utf8)
            send(.ok, json: bytes, context: context)
        case .error:
            send(.ok, json: errorBody("simulated failure"), context: context)
        case .http500:
            // Careless servers echo what they were sent, the API key included: teamchat must never show it.
            let echo = authorization.map { " (you sent \($0))" } ?? ""
            send(.internalServerError, json: errorBody("simulated server error" + echo), context: context)
        case .http429:
            var headers = HTTPHeaders()
            headers.add(name: "Retry-After", value: String(Int(configuration.retryAfter.seconds.rounded(.up))))
            send(.tooManyRequests, json: errorBody("slow down"), context: context, headers: headers)
        case .endless:
            startStream(context: context)
            endless(context: context, index: 0)
        case nil, .refuse, .greet, .mute, .slam, .foreignID, .idleClose, .noDone, .nullDeltas, .errorMidStream, .stall,
            .pingError, .pingIgnored, .pingTwice:
            if stream {
                streamAnswer(content, usage: includeUsage ? usage : nil, context: context)
            } else if misbehaviour == .stall {
                return  // a stall without a stream is a hang
            } else {
                send(.ok, json: completion(content, usage: usage), context: context)
            }
        }
    }

    // MARK: Replies

    /// `huge` answers, made once per size: making 16 MiB of JSON took three times longer than the client reading it,
    /// which hid the client's own cost in the benchmark that holds it.
    private static let hugeCompletions = NIOLockedValueBox<[Int: [UInt8]]>([:])

    private func hugeCompletion() -> [UInt8] {
        let size = configuration.hugeReplyBytes
        if let made = Self.hugeCompletions.withLockedValue({ $0[size] }) { return made }
        let made = completion(String(repeating: "x", count: size))
        Self.hugeCompletions.withLockedValue { $0[size] = made }
        return made
    }

    private func completion(_ content: String, usage: (prompt: Int, completion: Int)? = nil) -> [UInt8] {
        var message = JSONObjectWriter()
        message.add("role", "assistant")
        message.add("content", content)
        var choice = JSONObjectWriter()
        choice.add("index", 0)
        choice.add("message", object: message)
        choice.add("finish_reason", "stop")
        var root = JSONObjectWriter()
        root.add("id", "chatcmpl-sim")
        root.add("object", "chat.completion")
        root.add("model", configuration.model)
        root.add("choices", objects: [choice])
        if let usage { root.add("usage", object: Self.usage(usage)) }
        return root.utf8()
    }

    private static func usage(_ usage: (prompt: Int, completion: Int)) -> JSONObjectWriter {
        var object = JSONObjectWriter()
        object.add("prompt_tokens", usage.prompt)
        object.add("completion_tokens", usage.completion)
        object.add("total_tokens", usage.prompt + usage.completion)
        return object
    }

    private func errorBody(_ message: String) -> [UInt8] {
        var detail = JSONObjectWriter()
        detail.add("message", message)
        detail.add("type", "simulated")
        var root = JSONObjectWriter()
        root.add("error", object: detail)
        return root.utf8()
    }

    /// One server-sent event carrying a delta (`content` nil: a `null` content, as some servers send).
    private func event(_ content: String?, role: Bool = false, finish: Bool = false) -> String {
        var delta = JSONObjectWriter()
        if role { delta.add("role", "assistant") }
        if let content { delta.add("content", content) } else if !role { delta.addNull("content") }
        var choice = JSONObjectWriter()
        choice.add("index", 0)
        choice.add("delta", object: delta)
        if finish { choice.add("finish_reason", "stop") } else { choice.addNull("finish_reason") }
        var root = JSONObjectWriter()
        root.add("object", "chat.completion.chunk")
        root.add("model", configuration.model)
        root.add("choices", objects: [choice])
        return "data: " + root.string + "\n\n"
    }

    private func streamAnswer(_ content: String, usage: (prompt: Int, completion: Int)?, context: ChannelHandlerContext) {
        startStream(context: context)
        var events = [event(nil, role: true)]
        let words = content.split(separator: " ", omittingEmptySubsequences: false)
        for (index, word) in words.enumerated() {
            events.append(event(index == words.count - 1 ? String(word) : "\(word) "))
            if misbehaviour == .nullDeltas { events.append(event(nil)) }
            if index == 0, misbehaviour == .errorMidStream {
                events.append("data: " + String(decoding: errorBody("the model fell over"), as: UTF8.self) + "\n\n")
                break
            }
            if index == 0, misbehaviour == .stall {
                sendEvents(events, context: context, end: false)
                return
            }
        }
        if misbehaviour != .errorMidStream {
            events.append(": keep-alive comment\n\n")
            events.append(event(nil, finish: true))
            if let usage {
                var root = JSONObjectWriter()
                root.add("object", "chat.completion.chunk")
                root.add("model", configuration.model)
                root.add("choices", objects: [])
                root.add("usage", object: Self.usage(usage))
                events.append("data: " + root.string + "\n\n")
            }
            if misbehaviour != .noDone { events.append("data: [DONE]\n\n") }
        }
        sendEvents(events, context: context, end: true)
    }

    private func startStream(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        headers.add(name: "Cache-Control", value: "no-cache")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
    }

    private func sendEvents(_ events: [String], context: ChannelHandlerContext, end: Bool) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        after(configuration.thinkTime()) {
            let (handler, context) = loopBound.value
            context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: events.joined())))), promise: nil)
            if end {
                context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                handler.armIdleClose(context)
            } else {
                context.flush()
            }
        }
    }

    private func endless(context: ChannelHandlerContext, index: Int) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(
            wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: event(String(repeating: "x", count: 1_024)))))),
            promise: nil)
        context.eventLoop.scheduleTask(in: .milliseconds(1)) {
            let (handler, context) = loopBound.value
            guard context.channel.isActive else { return }
            handler.endless(context: context, index: index + 1)
        }
    }

    private func send(
        _ status: HTTPResponseStatus, json: [UInt8], context: ChannelHandlerContext, end: Bool = true,
        extraDelay: Duration = .zero, headers: HTTPHeaders = HTTPHeaders()
    ) {
        var headers = headers
        headers.add(name: "Content-Type", value: "application/json")
        if end { headers.add(name: "Content-Length", value: String(json.count)) }
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        after(configuration.thinkTime() + extraDelay) {
            let (handler, context) = loopBound.value
            context.write(handler.wrapOutboundOut(.head(head)), promise: nil)
            context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: json)))), promise: nil)
            if end {
                context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                handler.armIdleClose(context)
            } else {
                context.flush()
            }
        }
    }

    /// The configured think time, with its jitter.
    private func after(_ delay: Duration, _ work: @escaping () -> Void) {
        guard delay > .zero, let loop = MultiThreadedEventLoopGroup.currentEventLoop else {
            work()
            return
        }
        let bound = NIOLoopBound(work, eventLoop: loop)
        loop.scheduleTask(in: TimeAmount(delay)) { bound.value() }
    }

    private func oneByteAtATime(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        let interval = TimeAmount(configuration.byteInterval)
        let raw = self.raw
        for (offset, byte) in bytes.readableBytesView.enumerated() {
            context.eventLoop.scheduleTask(in: interval * Int64(offset)) { raw.write(ByteBuffer(integer: byte)) }
        }
    }

    /// An `idle-close` specialist closes a keep-alive connection that idles past its delay, without a word.
    private func armIdleClose(_ context: ChannelHandlerContext) {
        guard misbehaviour == .idleClose else { return }
        idleClose?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let counters = self.counters
        let id = configuration.id
        idleClose = context.eventLoop.scheduleTask(in: TimeAmount(configuration.idleCloseDelay)) {
            counters.idleConnectionClosed(id)
            loopBound.value.close(promise: nil)
        }
    }

    static func rawResponse(status: String, body: String) -> ByteBuffer {
        ByteBuffer(
            string: "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }
}

/// The first handler of a simulated HTTP server's pipeline: writes from it go straight to the socket.
final class RawOutlet: ChannelOutboundHandler, @unchecked Sendable {
    // Safe: `context` is set and used only on the channel's event loop (added, written, removed there).
    typealias OutboundIn = ByteBuffer
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func write(_ bytes: ByteBuffer) {
        context?.writeAndFlush(NIOAny(bytes), promise: nil)
    }
}
