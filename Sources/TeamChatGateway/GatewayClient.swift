#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import TeamChatJSON
import TeamChatModel
import TeamChatRoster

/// A connection to a running gateway's control socket: how `send`, `warm` and `stats` use its warm pools.
///
/// One request at a time (a command asks for the team, then runs its rounds one after another). A gateway that is
/// not there — no socket file, a file nobody listens on — is reported as `nil` at once, so that the command runs
/// directly instead, without a word.
public final class GatewayClient: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<GatewayClientHandler>
    /// Sent as `Authorization: Bearer` with every request (a gateway reached over TCP may ask for it).
    private let token: String?

    /// Why a gateway request failed.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var status: Int?
        public var message: String
        /// The gateway accepted the request but did not answer within the caller's limit.
        public var unanswered = false
        public var description: String { message }
    }

    private init(channel: any Channel, handler: NIOLoopBound<GatewayClientHandler>, token: String?) {
        self.channel = channel
        self.handler = handler
        self.token = token
    }

    /// Connects to the gateway listening on `path`, or returns `nil` when none does.
    public static func connect(
        path: String,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async -> GatewayClient? {
        // A missing or dead control socket must mean "go direct" at once. Most of the time there is none: then no
        // channel is set up (its HTTP handlers alone made 1% of a one-shot `send`).
        guard ControlSocket.exists(path) else { return nil }
        return await connect(group: group, token: nil, timeout: .milliseconds(250)) { $0.connect(unixDomainSocketPath: path) }
    }

    /// Connects to a gateway's HTTP API (for `bench --gateway`), or returns `nil` when nothing answers there.
    public static func connect(
        host: String, port: Int, token: String?,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async -> GatewayClient? {
        await connect(group: group, token: token, timeout: .seconds(2)) { $0.connect(host: host, port: port) }
    }

    private static func connect(
        group: any EventLoopGroup, token: String?, timeout: TimeAmount,
        _ open: (ClientBootstrap) -> EventLoopFuture<any Channel>
    ) async -> GatewayClient? {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(GatewayClientHandler())
                }
            }
        guard let channel = try? await open(bootstrap).get() else { return nil }
        guard let handler = try? await channel.eventLoop.submit({
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: GatewayClientHandler.self), eventLoop: channel.eventLoop)
        }).get()
        else {
            try? await channel.close()
            return nil
        }
        return GatewayClient(channel: channel, handler: handler, token: token)
    }

    /// Rhetor's `POST /api/team-chat` with `body`; the response document.
    public func teamChat(_ body: [UInt8]) async throws(Failure) -> [UInt8] {
        let (status, response) = try await document(.POST, "/api/team-chat", body: body)
        guard status == .ok else { throw Self.failure(status, response) }
        return response
    }

    /// The gateway's team, as the cache would hold it with the gateway's live health; `nil` when the gateway serves
    /// another source than `source`. With `within`, a gateway that does not answer in that time (a stopped process
    /// whose socket still accepts) fails the request, and the connection is closed.
    public func team(source: String?, within limit: Duration? = nil) async throws(Failure) -> SpecialistCache.Team? {
        let uri = source.map { "/v1/team?source=\(Self.escape($0))" } ?? "/v1/team"
        let (status, body) = try await document(.GET, uri, body: nil, within: limit)
        if status == .conflict { return nil }
        guard status == .ok else { throw Self.failure(status, body) }
        guard let cache = try? SpecialistCache.decode(Data(body)), let team = cache.teams.first else {
            throw Failure(status: nil, message: "the gateway's team could not be read")
        }
        return team
    }

    /// Warms the gateway's connections to `to` (every specialist when empty).
    public func warm(
        to: [String], connections: Int, connectTimeout: Duration, timeout: Duration
    ) async throws(Failure) -> [WarmRow] {
        var request = JSONObjectWriter()
        request.add("connections", connections)
        request.add("connect_timeout", connectTimeout.seconds)
        request.add("timeout", timeout.seconds)
        request.add("to", strings: to)
        let (status, body) = try await document(.POST, "/v1/warm", body: request.utf8())
        guard status == .ok else { throw Self.failure(status, body) }
        return body.split(separator: UInt8(ascii: "\n")).compactMap { WarmRow.decode(Array($0)) }
    }

    /// Runs a round on the gateway; its events as they arrive. Ending the iteration early closes the connection,
    /// which cancels the round on the gateway.
    public func round(_ request: GatewayRoundRequest) async throws(Failure) -> RoundEvents {
        let (stream, continuation) = AsyncStream.makeStream(of: [RoundEvent].self)
        let channel = self.channel
        let summarised = NIOLockedValueBox(false)
        continuation.onTermination = { reason in
            // Stopping before the summary abandons the round: closing the connection cancels it on the gateway.
            // A reader that stops at the summary leaves the connection for the next request.
            if case .cancelled = reason, !summarised.withLockedValue({ $0 }) { channel.close(promise: nil) }
        }
        let started = channel.eventLoop.makePromise(of: Void.self)
        let handler = self.handler
        let body = request.json.utf8()
        channel.eventLoop.execute {
            // A connection the gateway closed while it idled takes no request: fail at once, never wait.
            guard channel.isActive else {
                started.fail(Failure(status: nil, message: "the gateway closed the connection"))
                continuation.finish()
                return
            }
            handler.value.start(.events(started: started, continuation: continuation, summarised: summarised)) {
                Self.send(.POST, "/v1/rounds", body: body, token: self.token, on: channel)
            }
        }
        do {
            try await started.futureResult.get()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(status: nil, message: "the gateway went away: \(error)")
        }
        return RoundEvents(batches: stream)
    }

    /// Whether the connection is still open (a gateway closes connections that idle past its request timeout).
    public var isOpen: Bool { channel.isActive }

    public func close() async {
        try? await channel.close()
    }

    private func document(_ method: HTTPMethod, _ uri: String, body: [UInt8]?, within limit: Duration? = nil)
        async throws(Failure) -> (HTTPResponseStatus, [UInt8])
    {
        let promise = channel.eventLoop.makePromise(of: (HTTPResponseStatus, [UInt8]).self)
        let channel = self.channel
        let handler = self.handler
        if let limit {
            let timer = channel.eventLoop.scheduleTask(in: TimeAmount(limit)) {
                promise.fail(Failure(status: nil, message: "did not answer within \(limit.secondsText)", unanswered: true))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
        }
        channel.eventLoop.execute {
            guard channel.isActive else {
                promise.fail(ChannelError.ioOnClosedChannel)
                return
            }
            handler.value.start(.document(promise)) {
                Self.send(method, uri, body: body, token: self.token, on: channel)
            }
        }
        do {
            return try await promise.futureResult.get()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(status: nil, message: "the gateway went away: \(error)")
        }
    }

    private static func send(_ method: HTTPMethod, _ uri: String, body: [UInt8]?, token: String?, on channel: any Channel) {
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "localhost")
        if let token { headers.add(name: "authorization", value: "Bearer \(token)") }
        if let body {
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(body.count))
        }
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    static func failure(_ status: HTTPResponseStatus, _ body: [UInt8]) -> Failure {
        let members = try? body.withUnsafeBytes { try JSONObjectReader.members(of: $0) }
        let message = members?.first { $0.key == "error" }?.value.string ?? "HTTP \(status.code)"
        return Failure(status: Int(status.code), message: "the gateway refused: \(message)")
    }

    /// Percent-encodes a query value.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: ":"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                escaped += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return escaped
    }
}

/// Reads the gateway's responses for ``GatewayClient``: a document whole, or a round's NDJSON events as they come.
final class GatewayClientHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    enum Pending {
        case document(EventLoopPromise<(HTTPResponseStatus, [UInt8])>)
        case events(
            started: EventLoopPromise<Void>, continuation: AsyncStream<[RoundEvent]>.Continuation,
            summarised: NIOLockedValueBox<Bool>)
    }

    private var pending: Pending?
    /// A request asked for while the last response is still being read (its reader stopped at the summary): sent
    /// once that response ended, so that the two are never confused.
    private var queued: (Pending, () -> Void)?
    /// Whether the pending round's start was already reported (a promise completes once).
    private var started = false
    private var status = HTTPResponseStatus.ok
    private var body: [UInt8] = []
    /// Event lines are short; a line this long is not the gateway's.
    private var framer = LineFramer(maximumLineLength: 1 << 26)
    private var batch: [RoundEvent] = []

    func start(_ pending: Pending, send: @escaping () -> Void) {
        guard self.pending == nil else {
            queued = (pending, send)
            return
        }
        self.pending = pending
        started = false
        body = []
        batch = []
        framer = LineFramer(maximumLineLength: 1 << 26)
        send()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            if case .events(let promise, _, _) = pending, status == .ok {
                started = true
                promise.succeed(())
            }
        case .body(let bytes):
            if case .events(_, let continuation, let summarised) = pending, status == .ok {
                framer.append(bytes)
                while let line = try? framer.nextLine() {
                    guard let decoded = try? line.withUnsafeReadableBytes({ try RoundEventCodec.decode($0) }) else { continue }
                    if case .finished = decoded.event { summarised.withLockedValue { $0 = true } }
                    batch.append(decoded.event)
                }
                if !batch.isEmpty {
                    continuation.yield(batch)
                    batch = []
                }
            } else {
                body += bytes.readableBytesView
            }
        case .end:
            let finished = pending
            pending = nil
            switch finished {
            case .document(let promise)?:
                promise.succeed((status, body))
            case .events(let promise, let continuation, _)?:
                if !started { promise.fail(GatewayClient.failure(status, body)) }
                continuation.finish()
            case nil:
                break
            }
            if let (next, send) = queued {
                queued = nil
                start(next, send: send)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let finished = pending
        pending = nil
        switch finished {
        case .document(let promise)?:
            promise.fail(ChannelError.ioOnClosedChannel)
        case .events(let promise, let continuation, _)?:
            if !started { promise.fail(GatewayClient.Failure(status: nil, message: "the gateway closed the connection")) }
            continuation.finish()
        case nil:
            break
        }
        switch queued?.0 {
        case .document(let promise)?: promise.fail(ChannelError.ioOnClosedChannel)
        case .events(let promise, let continuation, _)?:
            promise.fail(GatewayClient.Failure(status: nil, message: "the gateway closed the connection"))
            continuation.finish()
        case nil: break
        }
        queued = nil
        context.fireChannelInactive()
    }
}
