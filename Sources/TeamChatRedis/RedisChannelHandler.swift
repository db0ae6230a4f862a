import DequeModule
import NIOCore
import TeamChatRESP

/// One Redis connection's commands and replies: replies are matched to commands in order; pushes (pub/sub
/// messages) go to `onPush`; a (P)SUBSCRIBE or (P)UNSUBSCRIBE is answered by its confirmations, which RESP3 sends
/// as pushes, one per channel.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = (RESPCommand, EventLoopPromise<RESPValue>)
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var promise: EventLoopPromise<RESPValue>
        /// Confirmations still expected, for a subscription command; nil for a command with a reply.
        var confirmations: Int?
        var confirmed: [RESPValue] = []
    }

    private var pending = Deque<Pending>()
    private let onPush: @Sendable (RESPValue) -> Void

    init(onPush: @escaping @Sendable (RESPValue) -> Void) {
        self.onPush = onPush
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let (command, reply) = unwrapOutboundIn(data)
        let subscription = ["SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE"].contains(command.name)
        // UNSUBSCRIBE without channels is confirmed once per channel held: not supported here (callers name them).
        pending.append(Pending(promise: reply, confirmations: subscription ? max(1, command.arguments.count - 1) : nil))
        var buffer = context.channel.allocator.buffer(capacity: 64)
        command.encode(into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = unwrapInboundIn(data)
        if case .push(let elements) = value {
            let kind = elements.first?.string?.lowercased() ?? ""
            if ["subscribe", "unsubscribe", "psubscribe", "punsubscribe"].contains(kind),
                var head = pending.first, let left = head.confirmations
            {
                head.confirmed.append(value)
                if left <= 1 {
                    pending.removeFirst()
                    head.promise.succeed(.array(head.confirmed))
                } else {
                    head.confirmations = left - 1
                    pending[pending.startIndex] = head
                }
                return
            }
            onPush(value)
            return
        }
        guard let head = pending.popFirst() else {
            context.fireErrorCaught(RedisError.protocolError("a reply to nothing asked"))
            context.close(promise: nil)
            return
        }
        if head.confirmations != nil {
            // A subscription command refused (wrong arguments): its error comes as a reply.
            if case .error(let message) = value { head.promise.fail(RedisError.server(message)) } else {
                head.promise.fail(RedisError.protocolError("a reply where a confirmation was expected"))
            }
            return
        }
        if case .error(let message) = value {
            head.promise.fail(RedisError.server(message))
        } else {
            head.promise.succeed(value)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError.closed)
        context.fireChannelInactive()
    }

    /// A command's deadline passed without its reply (``RedisConnection/send(_:timeout:)``): every command still
    /// waiting fails with `error`, and the connection closes, so that no late reply is read as another's.
    struct DeadlinePassed: Sendable {
        var error: RedisError
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let passed = event as? DeadlinePassed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        failAll(passed.error)
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error is RESPDecodingError ? RedisError.protocolError("\(error)") : RedisError.closed)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let head = pending.popFirst() { head.promise.fail(error) }
    }
}
