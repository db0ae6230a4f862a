import NIOCore
import NIOWebSocket
import TeamChatEngine
import TeamChatJSON
import TeamChatJudge
import TeamChatModel

/// `GET /api/team-chat/ws` after the upgrade: each text frame `{"message":…,"to":…,"timeout":…,"stream":…}`
/// starts a round (see ``GatewayRoundRequest``), many at once on one socket; every event comes back as a text
/// frame holding the `send --json` object, its `"round"` the number the client gave (`"round"` in its frame) or
/// the socket's next one; `{"cancel":N}` stops round N. A frame that is not a round gets `{"type":"error","error":"…"}` and the socket stays
/// open; closing the socket cancels its rounds.
///
/// What no client may do (DESIGN §7, trust): leave what it is sent unread (its reading is paused, then it is
/// dropped: ``ClientOutput``), ping faster than ``ControlFrameBudget`` allows (closed, 1008), run more than
/// ``maximumRounds`` at once, send text that is not UTF-8 (1007), or a message that breaks the framing (1002;
/// ``WebSocketFrameValidator`` holds the rest of RFC 6455). A socket with no round in flight that says nothing for
/// `--idle-timeout` is closed (1000).
final class GatewayWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Rounds one socket may run at once.
    static let maximumRounds = 64

    private typealias Output = ClientOutput<UptimeClock.Instant, WebSocketFrame>

    private enum Slot {
        case preparing
        case running(GatewayRoundHandle)
    }

    private let gateway: Gateway
    private let listener: Gateway.Listener
    /// The socket's rounds by number: reserved while the gateway reads its conversation, then running.
    private var rounds: [Int: Slot] = [:]
    private var nextRound = 1
    private var closing = false
    private var output: Output
    private var budget = ControlFrameBudget<UptimeClock.Instant>()
    private var stallTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?

    init(gateway: Gateway, listener: Gateway.Listener) {
        self.gateway = gateway
        self.listener = listener
        self.output = Output(
            maximumQueuedBytes: gateway.configuration.maximumUnreadBytes,
            stallTimeout: gateway.configuration.writeTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        gateway.connection(context.channel, is: .idle)
        armIdleTimer(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stallTimer?.cancel()
        idleTimer?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        for case .running(let handle) in rounds.values { handle.cancel() }
        rounds = [:]
        stallTimer?.cancel()
        idleTimer?.cancel()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RequestBytesWatcher.BytesArrived { return }  // the HTTP side's; frames say the same here
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let now = UptimeClock.Instant(context.eventLoop.now)
        for action in output.writabilityChanged(context.channel.isWritable, now: now) { perform(action, context) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The aggregator's: a continuation with nothing to continue, too many or too small fragments, too large.
        let code: WebSocketErrorCode =
            if case .accumulatedFrameSizeIsTooLarge? = error as? NIOWebSocketFrameAggregator.Error {
                .messageTooLarge
            } else {
                .protocolError
            }
        gateway.dropped(context.channel, reason: "\(error)", kind: "protocol")
        close(context: context, code: code)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let frame = unwrapInboundIn(data)
        armIdleTimer(context)
        switch frame.opcode {
        case .text:
            let bytes = Array(frame.unmaskedData.readableBytesView)
            guard UTF8Validation.isValid(bytes) else {
                close(context: context, code: .dataInconsistentWithMessage)
                return
            }
            start(bytes, context: context)
        case .ping, .pong:
            guard budget.take(now: UptimeClock.Instant(context.eventLoop.now)) else {
                gateway.dropped(context.channel, reason: "control frames past their budget", kind: "flood")
                close(context: context, code: .policyViolation)
                return
            }
            if frame.opcode == .ping {
                send(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData), context: context)
            }
        case .connectionClose:
            close(context: context, code: .normalClosure)
        case .binary:
            close(context: context, code: .unacceptableData)
        default:
            close(context: context, code: .protocolError)
        }
    }

    private func start(_ bytes: [UInt8], context: ChannelHandlerContext) {
        // `{"cancel": N}` stops round N (the page's stop button): its exchanges are abandoned, its summary follows.
        if let members = try? bytes.withUnsafeBytes({ try JSONObjectReader.members(of: $0) }), members.count == 1,
            members[0].key == "cancel"
        {
            // Range-checked before converting: a number a client sends never traps.
            let number = members[0].value.number.flatMap { $0 >= 0 && $0 <= Double(Int32.max) ? Int($0) : nil }
            guard let number, case .running(let handle)? = rounds[number] else {
                reportError(.badRequest("no such round is running"), round: number, context: context)
                return
            }
            handle.cancel()
            return
        }
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
        guard rounds.count < Self.maximumRounds else {
            reportError(
                GatewayError(.tooManyRequests, "\(Self.maximumRounds) rounds are running on this socket already"),
                round: number, context: context)
            return
        }
        request.round = number
        rounds[number] = .preparing
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        gateway.prepare(request, listener: listener, on: context.eventLoop).whenComplete { prepared in
            let (handler, context) = bound.value
            // Closed while the conversation was read: the round is not started.
            guard !handler.closing, case .preparing? = handler.rounds[number] else { return }
            switch prepared {
            case .success(let request):
                handler.run(request, number: number, context: context)
            case .failure(let error):
                handler.rounds[number] = nil
                handler.reportError(
                    error as? GatewayError ?? GatewayError(.internalServerError, "\(error)"), round: number,
                    context: context)
                handler.becameIdleIfDone(context)
            }
        }
    }

    private func run(_ request: GatewayRoundRequest, number: Int, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let conversation = NIOLoopBoundBox<String?>(nil, eventLoop: loop)
        let started = gateway.startRound(request, route: .webSocket, listener: listener) { output in
            loop.execute {
                let (handler, context) = bound.value
                handler.deliver(output, round: number, conversation: conversation.value, context: context)
            }
        }
        switch started {
        case .success(let round):
            conversation.value = round.conversation
            rounds[number] = .running(round.handle)
            gateway.connection(context.channel, is: .busy)
            idleTimer?.cancel()
        case .failure(let error):
            rounds[number] = nil
            reportError(error, round: number, context: context)
            becameIdleIfDone(context)
        }
    }

    private func deliver(_ output: GatewayRoundOutput, round: Int, conversation: String?, context: ChannelHandlerContext) {
        guard !closing, context.channel.isActive else { return }
        var texts: [[UInt8]] = []
        switch output {
        case .events(let batch), .lastEvents(let batch):
            texts = batch.map { RoundEventCodec.encode($0, round: round, via: "gateway", conversation: conversation).utf8() }
            if case .lastEvents = output { rounds[round] = nil }
        case .synthesis(let event, let answers):
            texts = [event.json(labels: answers, round: round).utf8()]
        case .end:
            rounds[round] = nil
        }
        for text in texts {
            send(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(bytes: text)), context: context)
        }
        becameIdleIfDone(context)
    }

    /// With no round left, the socket counts as idle (for the cap) and its idle timer runs.
    private func becameIdleIfDone(_ context: ChannelHandlerContext) {
        if rounds.isEmpty, !closing {
            gateway.connection(context.channel, is: .idle)
            armIdleTimer(context)
        }
    }

    private func reportError(_ error: GatewayError, round: Int?, context: ChannelHandlerContext) {
        var object = JSONObjectWriter(type: "error")
        object.add("error", error.message)
        object.add("status", Int(error.status.code))
        object.add("round", round)
        send(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(bytes: object.utf8())),
             context: context)
    }

    /// Sends one frame, now or once the client reads (``ClientOutput``).
    private func send(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        guard !closing else { return }
        perform(output.send(frame, bytes: frame.length), context)
    }

    private func perform(_ action: Output.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .write(let frames):
            for frame in frames { context.write(wrapOutboundOut(frame), promise: nil) }
            context.flush()
        case .wait:
            return
        case .scheduleTimer(let at):
            stallTimer?.cancel()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            stallTimer = context.eventLoop.scheduleTask(deadline: at.deadline) {
                let (handler, context) = bound.value
                handler.perform(handler.output.timerFired(now: UptimeClock.Instant(context.eventLoop.now)), context)
            }
        case .drop(let reason):
            gateway.dropped(context.channel, reason: reason, kind: "unread")
            closing = true
            context.close(promise: nil)
        case .pauseReading:
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        case .resumeReading:
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
    }

    /// Closes a socket with no round in flight once it has said nothing for the idle timeout.
    private func armIdleTimer(_ context: ChannelHandlerContext) {
        idleTimer?.cancel()
        guard rounds.isEmpty else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(in: TimeAmount(gateway.configuration.idleTimeout)) {
            let (handler, context) = bound.value
            guard handler.rounds.isEmpty else { return }
            handler.close(context: context, code: .normalClosure)
        }
    }

    private func close(context: ChannelHandlerContext, code: WebSocketErrorCode) {
        guard !closing else { return }
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
        let channel = context.channel
        // Past what the client left unread: a client that does not read is closed all the same.
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
        let bound = NIOLoopBound(channel, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .seconds(1)) { bound.value.close(promise: nil) }
    }
}
