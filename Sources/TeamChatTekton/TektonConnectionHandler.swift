import NIOCore
import TeamChatEngine
import TeamChatModel
import TeamChatTektonWire

/// Runs exchanges on one connection to a Tekton specialist, one at a time, on the channel's event loop.
///
/// It frames reply lines (``LineFramer``), classifies each against what the exchange waits for
/// (``ReplyExpectation``), and keeps the connection honest: a reply is handed out only at the end of the read it
/// arrived in, so that a second reply in the same read marks the connection as not reusable; any byte that arrives
/// while no exchange runs is reported, and the pool closes the connection. Deadlines are the engine's: it cancels an
/// exchange by its token, and a cancel for any other token does nothing.
final class TektonConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// One exchange in flight.
    private struct Exchange {
        var token: ExchangeToken
        var observer: any ExchangeObserver
        var expectation: ReplyExpectation
        /// A probe asks `ping`, then `info` on the same connection: the `info` line still to send.
        var infoLine: ByteBuffer?
        /// The first chat on a connection is preceded, in the same write, by a guard `ping`: what comes back before
        /// the ping's own reply is a greeting (a specialist that spoke before it was asked), skipped, never read as
        /// the answer. See ``Guard``.
        var guarding: Guard = .none
        var isProbe: Bool
        var maximumReplyBytes: Int
        var sentAt: NIODeadline
        var firstByteAt: NIODeadline?
        var streamed = ""
        var chunkCount = 0
    }

    /// Where the guard ping of a connection's first chat stands.
    ///
    /// The ping's reply (`pong`, or an `error` from a specialist that refuses pings) ends it; a second `pong` later
    /// is ignored. A chat answer that comes first is held: if the ping's reply follows, it was a greeting and is
    /// dropped; if nothing follows within ``guardGrace``, the specialist ignores pings and it is the answer. A stream
    /// frame that comes first also means the ping is being ignored (a greeting is never one).
    enum Guard {
        /// No guard (a proven connection, a ping, a probe), or its reply came.
        case none
        /// The ping's reply is awaited.
        case awaiting
        /// A chat answer came before the ping's reply: a greeting, or the answer of a specialist that ignores pings.
        case holding(WireReply)
    }

    /// How long a chat answer that came before the guard ping's reply is held before it is taken as the answer. Only
    /// a specialist that ignores pings waits this long, once per new connection; a pong that is merely late (a busy
    /// server) must still come within it, or the greeting it would have exposed is taken for the answer.
    static let guardGrace = TimeAmount.milliseconds(250)

    private enum State {
        /// No exchange runs. Moves to `exchanging`; any byte received here is unsolicited.
        case idle
        /// A request was written and its reply is awaited. Moves to `replied`, or to `failed` on error or cancel.
        case exchanging
        /// The final reply arrived in the current read; handed out at the end of the read. `tainted` is set when
        /// more bytes came after it. Moves to `idle` (or back to `exchanging` for a probe's second request).
        case replied(tainted: Bool)
        /// The connection failed and is closing, for `reason`. Terminal.
        case failed(reason: ExchangeError.Kind)
    }

    private var state: State = .idle
    /// The exchange in flight: set exactly while `exchanging` or `replied`. Beside the state rather than in it, so
    /// that every step changes it where it lies: taken out of an enum to change a field and put back, it was
    /// copied (its observer retained and released) several times per exchange.
    private var exchange: Exchange?
    /// The final reply, set exactly while `replied`.
    private var reply: WireReply?
    private var closeReported = false
    private var guardTimer: Scheduled<Void>?
    /// Whether a reply already arrived on this connection (then it is known to be in step, and needs no guard).
    private var proven = false
    private var framer: LineFramer
    private var context: ChannelHandlerContext?
    private let events: @Sendable (PooledConnectionEvent) -> Void

    /// Where `-v` shows each request line and the start of each reply, and the endpoint its lines name.
    private let trace: (ExchangeTrace, endpoint: String)?

    init(
        maximumReplyBytes: Int, events: @escaping @Sendable (PooledConnectionEvent) -> Void,
        trace: (ExchangeTrace, endpoint: String)? = nil
    ) {
        self.framer = LineFramer(maximumLineLength: maximumReplyBytes)
        self.events = events
        self.trace = trace
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Exchanges (called on the event loop)

    /// Writes `line` and reports the reply (or why there is none) for `token` to `observer`. A probe (`infoLine`
    /// given) writes `ping` first, then `info` once the pong is in.
    func start(
        _ line: ByteBuffer,
        expectation: ReplyExpectation,
        infoLine: ByteBuffer?,
        maximumReplyBytes: Int,
        token: ExchangeToken,
        observer: any ExchangeObserver
    ) {
        guard case .idle = state, let context else {
            // Nothing was written: like a peer that closed an idle connection, this may be retried on a new one. A
            // reset that came in first (a specialist that resets what it accepts) is said as one, whichever of the
            // two the event loop saw first.
            let reset = if case .failed(.reset) = state { true } else { false }
            observer.exchangeCompleted(token, result: .notSent(afterReset: reset))
            return
        }
        framer.maximumLineLength = maximumReplyBytes
        // Requests that start with a ping (pings, probes) need no guard: their own pong is one.
        let guarded = !proven && expectation != .pong
        exchange = Exchange(
            token: token, observer: observer, expectation: expectation, infoLine: infoLine,
            guarding: guarded ? .awaiting : .none, isProbe: infoLine != nil, maximumReplyBytes: maximumReplyBytes,
            sentAt: .now())
        state = .exchanging
        if guarded {
            context.write(wrapOutboundOut(Self.guardLine), promise: nil)
        }
        // A write that fails closes the channel; when it failed because the specialist reset the connection, that is
        // said (not a plain close, which is all `channelInactive` would know).
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenFailure { error in
            guard let reset = ExchangeError(resetByWrite: error) else { return }
            self.fail(reset)
        }
        if let (trace, endpoint) = self.trace {
            if guarded { trace.sent(endpoint, String(decoding: Self.guardLine.readableBytesView, as: UTF8.self).trimmingNewline) }
            trace.sent(endpoint, String(decoding: line.readableBytesView.prefix(400), as: UTF8.self).trimmingNewline)
        }
        context.writeAndFlush(wrapOutboundOut(line), promise: written)
    }

    private static let guardLine = try! WireRequest.ping.encodedLine()  // a constant: cannot be too long

    /// Abandons the exchange `token` if it is the one running, and closes the connection.
    func cancel(_ token: ExchangeToken) {
        guard exchange?.token == token else { return }
        fail(.cancelled())
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        switch state {
        case .idle:
            // Out of step with the peer (a late or duplicate reply, a greeting): close at once so that the rest of
            // those bytes can never be read as the answer to a request made after this point, and tell the pool.
            events(.unsolicitedBytes)
            fail(.invalidReply("unsolicited bytes on an idle connection"))
            return
        case .failed:
            return
        case .replied:
            state = .replied(tainted: true)
            return
        case .exchanging:
            if exchange?.firstByteAt == nil { exchange?.firstByteAt = .now() }
        }
        framer.append(bytes)
        processLines()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        handOut(context: context)
    }

    /// Hands the final reply out, at the end of the read it completed in (or when a held answer's grace ran out).
    private func handOut(context: ChannelHandlerContext) {
        guard case .replied(let tainted) = state, let reply = self.reply.take(), var exchange = self.exchange.take()
        else { return }
        let reusable = !tainted && !framer.hasBufferedBytes
        if let infoLine = exchange.infoLine, case .pong = reply, reusable {
            // The probe's pong is in: now ask who it is, on the same connection.
            exchange.infoLine = nil
            exchange.expectation = .info
            self.exchange = exchange
            state = .exchanging
            context.writeAndFlush(wrapOutboundOut(infoLine), promise: nil)
            return
        }
        state = .idle
        let firstByte = exchange.firstByteAt.map { Duration($0 - exchange.sentAt) }
        let result: ExchangeResult
        switch reply {
        case .response(let content, let model, _):
            result = .reply(.answer(ChatAnswer(content: content, model: model)), firstByte: firstByte, reusable: reusable)
        case .pong:
            result = .reply(.alive, firstByte: firstByte, reusable: reusable)
        case .info(let info):
            result = .reply(.info(info.specialistInfo), firstByte: firstByte, reusable: reusable)
        case .error where exchange.isProbe:
            // Alive, but it will not say who it is.
            result = .reply(.alive, firstByte: firstByte, reusable: reusable)
        case .error(let message):
            result = ExchangeResult(
                outcome: .failure(ExchangeError(.specialistError, message)), firstByte: firstByte, reusable: reusable)
        default:
            result = .failure(.invalidReply("unexpected '\(reply.typeName)' reply"))
        }
        exchange.observer.exchangeCompleted(exchange.token, result: result)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if framer.hasBufferedBytes, case .exchanging = state {
            fail(.invalidReply("connection closed in the middle of a line"))
        } else {
            fail(ExchangeError(.closed, "connection closed by specialist before replying"))
        }
        if !closeReported {
            closeReported = true
            events(.closed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(ExchangeError(channelError: error))
    }

    // MARK: Internals

    private func processLines() {
        // `exchange` is set throughout: the state is `exchanging`.
        while case .exchanging = state {
            let line: ByteBuffer
            do {
                guard let next = try framer.nextLine() else { return }
                line = next
                if let (trace, endpoint) = self.trace {
                    trace.received(endpoint, String(decoding: line.readableBytesView.prefix(400), as: UTF8.self))  // framed: no line end
                }
            } catch {
                fail(ExchangeError(.tooLarge, "reply larger than \(error.limit) bytes"))
                return
            }
            let reply: WireReply
            do {
                reply = try WireReply.decode(line)
            } catch {
                fail(error)
                return
            }
            if case .none = exchange!.guarding {} else if !takeWhileGuarding(reply) {
                continue
            }
            proven = true
            if case .pong = reply, exchange!.expectation != .pong {
                continue  // a ping answered twice: its second reply is no answer to anything
            }
            switch exchange!.expectation.disposition(of: reply) {
            case .complete(let final):
                self.reply = final
                state = .replied(tainted: false)
            case .chunk(let index, let content):
                let limit = exchange!.maximumReplyBytes
                guard exchange!.streamed.utf8.count + content.utf8.count <= limit else {
                    fail(ExchangeError(.tooLarge, "streamed answer larger than \(limit) bytes"))
                    return
                }
                exchange!.streamed += content
                let chunk = StreamChunk(index: index ?? exchange!.chunkCount, content: content)
                exchange!.chunkCount += 1
                exchange!.observer.exchangeReceived(exchange!.token, chunk: chunk)
            case .streamEnd(let content):
                self.reply = .response(content: content ?? exchange!.streamed, model: nil, aiID: nil)
                state = .replied(tainted: false)
            case .ignore:
                continue
            case .unexpected(let message):
                fail(.invalidReply(message))
                return
            }
        }
        // A reply is complete: anything still buffered came after it.
        if case .replied = state, framer.hasBufferedBytes {
            state = .replied(tainted: true)
        }
    }

    /// A reply that came while the guard ping's reply is awaited (see ``Guard``); true when it is to be read as the
    /// exchange's own.
    private func takeWhileGuarding(_ reply: WireReply) -> Bool {
        switch reply {
        case .pong, .error:
            // The ping's reply: whatever was held before it was a greeting.
            endGuard()
            proven = true
            return false
        case .response:
            if case .holding = exchange!.guarding {} else { armGuardTimer() }
            exchange!.guarding = .holding(reply)
            return false
        case .streamChunk, .streamEnd, .streamError:
            endGuard()  // the ping is being ignored: this is the answer
            return true
        default:
            return false
        }
    }

    private func endGuard() {
        exchange?.guarding = .none
        guardTimer?.cancel()
        guardTimer = nil
    }

    private func armGuardTimer() {
        guard let context else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let token = exchange?.token
        guardTimer = context.eventLoop.scheduleTask(in: Self.guardGrace) {
            let (handler, context) = bound.value
            handler.guardGraceEnded(token: token, context: context)
        }
    }

    /// Nothing followed an answer that came before the guard ping's reply: the specialist ignores pings, and that
    /// was its answer.
    private func guardGraceEnded(token: ExchangeToken?, context: ChannelHandlerContext) {
        guardTimer = nil
        guard case .exchanging = state, let exchange, exchange.token == token, case .holding(let held) = exchange.guarding
        else { return }
        self.exchange?.guarding = .none
        proven = true
        guard case .complete(let final) = exchange.expectation.disposition(of: held) else {
            fail(.invalidReply("unexpected '\(held.typeName)' reply"))
            return
        }
        reply = final
        state = .replied(tainted: framer.hasBufferedBytes)
        handOut(context: context)
    }

    /// Fails the exchange in flight (if any) and closes the connection: whatever the peer sends later must never be
    /// read as the answer to another request.
    private func fail(_ error: ExchangeError) {
        guardTimer?.cancel()
        guardTimer = nil
        switch state {
        case .exchanging, .replied:
            state = .failed(reason: error.kind)
            reply = nil
            if let exchange = exchange.take() {
                exchange.observer.exchangeCompleted(
                    exchange.token, result: .failure(error, heardBack: exchange.firstByteAt != nil))
            }
        case .idle:
            state = .failed(reason: error.kind)
        case .failed:
            return
        }
        context?.close(promise: nil)
    }
}

extension String {
    fileprivate var trimmingNewline: String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
