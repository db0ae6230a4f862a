import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import TeamChatRoster
import TeamChatSession
import TeamChatFleet
@testable import TeamChatGateway
import TeamChatOpenAI
import TeamChatTekton
import Testing

/// A gateway served in this process over a simulated fleet, on 127.0.0.1 port 0, in a service group of its own.
struct GatewayHarness {
    let fleet: Fleet
    let gateway: Gateway
    let services: ServiceGroup
    let port: Int
    let rosterPath: String

    /// Runs `body` against a running gateway, then shuts it down gracefully (and waits for that).
    static func with<Value: Sendable>(
        _ configurations: [SimulatedSpecialistConfiguration],
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        ttl: Duration = .seconds(60),
        _ body: @Sendable (GatewayHarness) async throws -> Value
    ) async throws -> Value {
        try await Fleet.withRunning(configurations) { fleet in
            let roster = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-gw-\(UUID()).json")
            try RosterFile.encode(fleet.specialists).write(to: roster)
            defer { try? FileManager.default.removeItem(at: roster) }
            let session = TeamSession(
                configuration: .init(source: .file(roster.path), store: nil, ttl: ttl),
                transports: [TektonTransport.make(TektonProtocol()), OpenAITransport()])
            var configuration = GatewayConfiguration(port: 0)
            configure(&configuration)
            var logger = Logger(label: "teamchat.test")
            logger.logLevel = ProcessInfo.processInfo.environment["GATEWAY_TEST_LOG"] == nil ? .critical : .trace
            let gateway = Gateway(session: session, configuration: configuration, logger: logger)
            let services = ServiceGroup(configuration: .init(services: [.init(service: gateway)], logger: logger))
            return try await session.withRunning { _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await services.run() }
                    let port = try await gateway.addresses().first?.port ?? 0
                    let harness = GatewayHarness(
                        fleet: fleet, gateway: gateway, services: services, port: port, rosterPath: roster.path)
                    let value: Value
                    do {
                        value = try await body(harness)
                    } catch {
                        await services.triggerGracefulShutdown()
                        try? await group.waitForAll()
                        throw error
                    }
                    await services.triggerGracefulShutdown()
                    try await group.waitForAll()
                    return value
                }
            }
        }
    }
}

/// A plain HTTP/1.1 client for the tests: one connection, requests one after another, responses read whole or as
/// their body arrives.
final class TestHTTPConnection: Sendable {
    typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    struct Response {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
        }
    }

    static func connect(port: Int) async throws -> Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Channel(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// One request on a new connection, its response read whole. A server may answer before the request is all
    /// sent and close the connection (RFC 9112 §9.6, as the gateway does when it refuses a request): a write that
    /// finds the connection closed is then no failure of its own, and the response is read as any other — a
    /// connection closed with no response still fails the caller's expectations (status 418, no body).
    static func request(
        port: Int, _ method: HTTPMethod, _ uri: String, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> Response {
        let channel = try await connect(port: port)
        return try await channel.executeThenClose { inbound, outbound in
            do {
                try await send(method, uri, body: body, headers: headers, to: outbound)
            } catch ChannelError.ioOnClosedChannel, ChannelError.outputClosed {
                // Read what the server said before it closed.
            }
            var response = Response(status: .imATeapot, headers: [:], body: [])
            for try await part in inbound {
                switch part {
                case .head(let head):
                    response.status = head.status
                    response.headers = head.headers
                case .body(let bytes):
                    response.body += bytes.readableBytesView
                case .end:
                    return response
                }
            }
            return response
        }
    }

    static func send(
        _ method: HTTPMethod, _ uri: String, body: String?, headers: [(String, String)] = [],
        to outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) async throws {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
        head.headers.add(name: "host", value: "127.0.0.1")
        if let body {
            head.headers.add(name: "content-type", value: "application/json")
            head.headers.add(name: "content-length", value: String(body.utf8.count))
        }
        try await outbound.write(.head(head))
        if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body)))) }
        try await outbound.write(.end(nil))
    }
}

extension Fleet {
    /// The earlier turns the last chat asked of specialist `id` carried, as `[role, content]` pairs (none: `[]`).
    func lastHistory(_ id: String) throws -> [[String]] {
        let text = try #require(counters.lastChat(id))
        let chat = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return ((chat["history"] as? [[String: Any]]) ?? []).map {
            [$0["role"] as? String ?? "", $0["content"] as? String ?? ""]
        }
    }
}

/// Server-sent events read from a body as it arrives.
struct SSEReader {
    private var pending = ""

    /// The complete events in `chunk` (and what came before it): `(name, data)`.
    mutating func feed(_ chunk: String) -> [(name: String, data: String)] {
        pending += chunk
        var events: [(String, String)] = []
        while let end = pending.range(of: "\n\n") {
            let block = pending[..<end.lowerBound]
            pending = String(pending[end.upperBound...])
            var name = "message"
            var data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            events.append((name, data))
        }
        return events
    }
}

extension String {
    var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(utf8))) as? [String: Any] ?? [:]
    }
}
