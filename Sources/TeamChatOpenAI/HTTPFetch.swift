import NIOCore
import NIOHTTP1
import NIOPosix
import TeamChatModel

/// One `GET` on a connection of its own, read whole (bounded): for listing a server's models, outside any round.
enum HTTPFetch {
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var body: [UInt8]
    }

    static func get(
        _ head: HTTPRequestHead,
        from origin: HTTPOrigin,
        on eventLoop: any EventLoop,
        timeout: Duration,
        maximumBytes: Int,
        tls: TLSContexts
    ) async -> Result<Response, ExchangeError> {
        let promise = eventLoop.makePromise(of: Response.self)
        let deadline = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            promise.fail(ExchangeError.timeout(after: timeout))
        }
        HTTPChannel.open(origin, on: eventLoop, timeout: timeout, tls: tls) { channel in
            try channel.pipeline.syncOperations.addHandler(Collector(promise: promise, maximumBytes: maximumBytes))
        }.whenComplete { result in
            switch result {
            case .success(let channel):
                channel.writeAndFlush(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
            case .failure(let error):
                promise.fail(error)
            }
        }
        defer { deadline.cancel() }
        do {
            return .success(try await promise.futureResult.get())
        } catch let error as ExchangeError {
            return .failure(error)
        } catch {
            return .failure(ExchangeError(channelError: error))
        }
    }

    /// Collects one response.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        private let promise: EventLoopPromise<Response>
        private let maximumBytes: Int
        private var status: HTTPResponseStatus = .ok
        private var body: [UInt8] = []

        init(promise: EventLoopPromise<Response>, maximumBytes: Int) {
            self.promise = promise
            self.maximumBytes = maximumBytes
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                status = head.status
            case .body(let bytes):
                guard body.count + bytes.readableBytes <= maximumBytes else {
                    promise.fail(ExchangeError(.tooLarge, "reply larger than \(maximumBytes) bytes"))
                    return
                }
                body.append(contentsOf: bytes.readableBytesView)
            case .end:
                promise.succeed(Response(status: status, body: body))
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(ExchangeError(channelError: error))
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(ExchangeError(.closed, "connection closed by the server before replying"))
        }
    }
}
