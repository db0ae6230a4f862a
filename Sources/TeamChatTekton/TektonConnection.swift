import NIOCore
import TeamChatEngine
import TeamChatModel
import TeamChatTektonWire

/// A pooled connection to a Tekton specialist: its channel and the handler that runs its exchanges.
public final class TektonConnection: PooledConnection {
    let channel: any Channel
    private let handler: NIOLoopBound<TektonConnectionHandler>
    public let connectDuration: Duration

    init(channel: any Channel, handler: NIOLoopBound<TektonConnectionHandler>, connectDuration: Duration) {
        self.channel = channel
        self.handler = handler
        self.connectDuration = connectDuration
    }

    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    private static let pingLine = try! WireRequest.ping.encodedLine()  // a constant: cannot be too long
    private static let infoLine = try! WireRequest.info.encodedLine()  // a constant: cannot be too long

    public func start(
        _ request: ExchangeRequest, for specialist: Specialist, token: ExchangeToken, observer: any ExchangeObserver
    ) {
        let line: ByteBuffer
        let expectation: ReplyExpectation
        var infoLine: ByteBuffer?
        switch request.request {
        case .ping:
            (line, expectation) = (Self.pingLine, .pong)
        case .probe:
            (line, expectation, infoLine) = (Self.pingLine, .pong, Self.infoLine)
        case .chat(let chat):
            // Encoded once per round, whatever the number of specialists; a specialist with a thread of its own in
            // a conversation, once for it.
            let history = chat.thread(for: specialist)
            // A named team's member may have a temperature or a reply length of its own (when the round names none).
            var own = chat
            own.temperature = chat.temperature ?? specialist.temperature
            own.maxTokens = chat.maxTokens ?? specialist.maxTokens
            let encoded =
                history.isEmpty && own == chat
                ? request.memoized("tekton") {
                    Result { () throws(ExchangeError) in try WireRequest.chat(chat).encodedLine() }
                }
                : Result { () throws(ExchangeError) in try WireRequest.chat(own).encodedLine(history: history) }
            switch encoded {
            case .success(let encodedLine):
                (line, expectation) = (encodedLine, chat.stream ? .stream : .chat)
            case .failure(let error):
                observer.exchangeCompleted(token, result: ExchangeResult(outcome: .failure(error), reusable: true))
                return
            }
        }
        let limit = request.limits.maximumReplyBytes
        let eventLoop = channel.eventLoop
        let probeInfo = infoLine
        if eventLoop.inEventLoop {
            handler.value.start(
                line, expectation: expectation, infoLine: infoLine, maximumReplyBytes: limit, token: token,
                observer: observer)
        } else {
            eventLoop.execute {
                self.handler.value.start(
                    line, expectation: expectation, infoLine: probeInfo, maximumReplyBytes: limit, token: token,
                    observer: observer)
            }
        }
    }

    public func cancel(_ token: ExchangeToken) {
        if channel.eventLoop.inEventLoop {
            handler.value.cancel(token)
        } else {
            channel.eventLoop.execute { self.handler.value.cancel(token) }
        }
    }

    public func close() {
        channel.close(mode: .all, promise: nil)
    }
}
