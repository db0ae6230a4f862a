import NIOCore

/// Runs exchanges on one connection to a specialist, one at a time, on the channel's event loop.
///
/// It frames reply lines (``LineFramer``), classifies each against what the exchange waits for
/// (``ReplyExpectation``), enforces the exchange's deadline, and keeps the connection honest: a reply is handed out
/// only at the end of the read it arrived in, so that a second reply in the same read marks the connection as not
/// reusable; any byte that arrives while no exchange runs is reported, and the pool closes the connection.
final class SpecialistConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// One exchange in flight.
    private struct Exchange {
        var promise: EventLoopPromise<ExchangeReply>
        var expectation: ReplyExpectation
        var timeoutError: ExchangeError
        var deadlineTask: Scheduled<Void>?
        var onChunk: (@Sendable (StreamChunk) -> Void)?
        var sentAt: NIODeadline
        var firstByteAt: NIODeadline?
        var streamed: String = ""
        var chunkCount = 0
    }

    private enum State {
        /// No exchange runs. Moves to `exchanging`; any byte received here is unsolicited.
        case idle
        /// A request was written and its reply is awaited. Moves to `replied`, or to `failed` on error or deadline.
        case exchanging(Exchange)
        /// The final reply arrived in the current read; handed out at the end of the read. `tainted` is set when
        /// more bytes came after it. Moves to `idle`.
        case replied(Exchange, WireReply, tainted: Bool)
        /// The exchange failed and the channel is closing. Terminal.
        case failed
    }

    private var state: State = .idle
    private var framer: LineFramer
    private var context: ChannelHandlerContext?
    private let onEvent: @Sendable (ConnectionEvent) -> Void

    init(maximumReplyBytes: Int, onEvent: @escaping @Sendable (ConnectionEvent) -> Void) {
        self.framer = LineFramer(maximumLineLength: maximumReplyBytes)
        self.onEvent = onEvent
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Exchanges (called on the event loop)

    /// Writes `request` and completes the returned future with its reply, or fails it with an ``ExchangeError``.
    func exchange(
        request: ByteBuffer,
        expectation: ReplyExpectation,
        deadline: NIODeadline,
        timeoutError: ExchangeError,
        onChunk: (@Sendable (StreamChunk) -> Void)?,
        eventLoop: any EventLoop
    ) -> EventLoopFuture<ExchangeReply> {
        eventLoop.assertInEventLoop()
        guard case .idle = state, let context else {
            // Nothing was written: like a peer that closed an idle connection, this may be retried on a new one.
            var error = ExchangeError(.closed, "connection closed before the request was sent")
            error.beforeAnyReply = true
            return eventLoop.makeFailedFuture(error)
        }
        let promise = eventLoop.makePromise(of: ExchangeReply.self)
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        let task = eventLoop.scheduleTask(deadline: deadline) {
            this.value.fail(timeoutError)
        }
        state = .exchanging(
            Exchange(
                promise: promise,
                expectation: expectation,
                timeoutError: timeoutError,
                deadlineTask: task,
                onChunk: onChunk,
                sentAt: .now()
            )
        )
        // No write promise: a failed write closes the channel, and `channelInactive` fails the exchange.
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
        return promise.futureResult
    }

    /// Abandons the exchange in flight, if any, and closes the connection.
    func cancel() {
        fail(ExchangeError(.cancelled, "cancelled"))
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        switch state {
        case .idle:
            // Out of step with the peer (a late or duplicate reply): close at once so that the rest of those bytes
            // can never be read as the answer to a request made after this point, and tell the pool.
            onEvent(.unsolicitedBytes)
            fail(ExchangeError(.protocolError, "unsolicited bytes on an idle connection"))
            return
        case .failed:
            return
        case .replied(let exchange, let reply, _):
            state = .replied(exchange, reply, tainted: true)
            return
        case .exchanging(var exchange):
            if exchange.firstByteAt == nil {
                exchange.firstByteAt = .now()
                state = .exchanging(exchange)
            }
        }
        framer.append(bytes)
        processLines()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard case .replied(let exchange, let reply, let tainted) = state else { return }
        exchange.deadlineTask?.cancel()
        state = .idle
        let reusable = !tainted && !framer.hasBufferedBytes
        exchange.promise.succeed(
            ExchangeReply(
                reply: reply,
                sentAt: exchange.sentAt,
                firstByteAt: exchange.firstByteAt ?? exchange.sentAt,
                completedAt: .now(),
                connectionReusable: reusable
            )
        )
    }

    func channelInactive(context: ChannelHandlerContext) {
        if framer.hasBufferedBytes, case .exchanging = state {
            fail(.invalidReply("connection closed in the middle of a line"))
        } else {
            fail(markedIfNothingReceived(ExchangeError(.closed, "connection closed by specialist before replying")))
        }
        onEvent(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(markedIfNothingReceived(ExchangeError(channelError: error)))
    }

    private func markedIfNothingReceived(_ error: ExchangeError) -> ExchangeError {
        guard case .exchanging(let exchange) = state, exchange.firstByteAt == nil else { return error }
        var error = error
        error.beforeAnyReply = true
        return error
    }

    // MARK: Internals

    private func processLines() {
        while case .exchanging(var exchange) = state {
            let line: ByteBuffer
            do {
                guard let next = try framer.nextLine() else { return }
                line = next
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
            switch exchange.expectation.disposition(of: reply) {
            case .complete(let final):
                state = .replied(exchange, final, tainted: false)
            case .chunk(let index, let content):
                exchange.streamed += content
                let chunk = StreamChunk(index: index ?? exchange.chunkCount, content: content)
                exchange.chunkCount += 1
                state = .exchanging(exchange)
                exchange.onChunk?(chunk)
            case .streamEnd(let content):
                let answer = ChatAnswer(content: content ?? exchange.streamed)
                state = .replied(exchange, .response(answer), tainted: false)
            case .ignore:
                continue
            case .unexpected(let message):
                fail(.invalidReply(message))
                return
            }
        }
        // A reply is complete: anything still buffered came after it.
        if case .replied(let exchange, let reply, _) = state, framer.hasBufferedBytes {
            state = .replied(exchange, reply, tainted: true)
        }
    }

    /// Fails the exchange in flight (if any) and closes the connection: whatever the peer sends later must never be
    /// read as the answer to another request.
    private func fail(_ error: ExchangeError) {
        switch state {
        case .exchanging(let exchange), .replied(let exchange, _, _):
            state = .failed
            exchange.deadlineTask?.cancel()
            exchange.promise.fail(error)
        case .idle:
            state = .failed
        case .failed:
            return
        }
        context?.close(promise: nil)
    }
}
