import NIOCore

/// A connection owned by an ``EndpointPool``: its channel and the handler that runs its exchanges.
final class PooledConnection: Sendable {
    let id: Int
    let channel: any Channel
    private let handler: NIOLoopBound<SpecialistConnectionHandler>
    /// How long the TCP connect took.
    let connectDuration: Duration

    init(id: Int, channel: any Channel, handler: NIOLoopBound<SpecialistConnectionHandler>, connectDuration: Duration) {
        self.id = id
        self.channel = channel
        self.handler = handler
        self.connectDuration = connectDuration
    }

    /// Runs one exchange; see ``SpecialistConnectionHandler/exchange(request:expectation:deadline:timeoutError:onChunk:eventLoop:)``.
    func exchange(
        request: ByteBuffer,
        expectation: ReplyExpectation,
        deadline: NIODeadline,
        timeoutError: ExchangeError,
        onChunk: (@Sendable (StreamChunk) -> Void)?
    ) -> EventLoopFuture<ExchangeReply> {
        let eventLoop = channel.eventLoop
        if eventLoop.inEventLoop {
            return handler.value.exchange(
                request: request,
                expectation: expectation,
                deadline: deadline,
                timeoutError: timeoutError,
                onChunk: onChunk,
                eventLoop: eventLoop
            )
        }
        return eventLoop.flatSubmit {
            self.handler.value.exchange(
                request: request,
                expectation: expectation,
                deadline: deadline,
                timeoutError: timeoutError,
                onChunk: onChunk,
                eventLoop: eventLoop
            )
        }
    }

    /// Abandons the exchange in flight and closes the connection.
    func cancel() {
        channel.eventLoop.execute { self.handler.value.cancel() }
    }

    func close() {
        channel.close(mode: .all, promise: nil)
    }
}

/// A connection handed to one request.
struct Lease: Sendable {
    var connection: PooledConnection
    /// Whether the connection carried an exchange before.
    var reused: Bool
}
