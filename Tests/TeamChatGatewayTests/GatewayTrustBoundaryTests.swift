import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TeamChatFleet
@testable import TeamChatGateway
import TeamChatTestSupport
import Testing

/// The gateway's trust boundary over real sockets (DESIGN §7, trust), each refusal tried as an attacker would:
/// another name, another page, a form, a client that stalls, floods, breaks the protocol or never reads.
@Suite("The gateway's trust boundary over real sockets", .timeLimit(.minutes(1)))
struct GatewayTrustBoundaryTests {
    /// One request written by hand (so that Host and Origin are exactly what a browser or an attacker sends) on a
    /// connection of its own; the status and the whole response.
    static func raw(
        port: Int, _ method: String, _ path: String, host: String? = nil, headers: [(String, String)] = [],
        body: String = ""
    ) async throws -> (status: Int, text: String) {
        let client = try RawTCPClient(port: port)
        defer { client.close() }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        try await client.write(Array(request.utf8))
        let text = String(decoding: try await client.readToEnd(), as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, text)
    }

    static func metrics(_ port: Int) async throws -> String {
        try await raw(port: port, "GET", "/metrics").text
    }

    /// The value of the metric line that starts with `prefix` (0 when there is none).
    static func metric(_ text: String, _ prefix: String) -> Double {
        text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test("Host and Origin: another name or another page gets 403 on HTTP and on the upgrade; a form 415; no round runs")
    func whoMayAsk() async throws {
        try await GatewayHarness.with(
            SimulatedSpecialistConfiguration.team(count: 2),
            configure: { $0.allowedOrigins = ["http://localhost:5173"]; $0.allowedHosts = ["chat.internal"] }
        ) { harness in
            let port = harness.port
            let round = #"{"message":"steal"}"#
            let json = ("Content-Type", "application/json")
            let refused: [(String, String, String?, [(String, String)], Int, String)] = [
                ("POST", "/v1/rounds", "attacker.example:\(port)", [json], 403, "--allow-host"),  // DNS rebinding
                ("GET", "/v1/team", "attacker.example", [], 403, "--allow-host"),
                ("POST", "/v1/rounds", nil, [json, ("Origin", "http://attacker.example")], 403, "--allow-origin"),  // CSRF
                ("POST", "/api/team-chat", nil, [json, ("Origin", "null")], 403, "refused"),
                ("POST", "/v1/rounds", nil, [("Content-Type", "text/plain")], 415, "form"),  // a form needs no preflight
                ("POST", "/v1/rounds", nil, [("Content-Type", "application/x-www-form-urlencoded")], 415, "form"),
                ("GET", "/api/team-chat/stream?message=steal", nil, [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors")], 403, "another site"),
            ]
            for (method, path, host, headers, status, words) in refused {
                let response = try await Self.raw(port: port, method, path, host: host, headers: headers, body: method == "POST" ? round : "")
                #expect(response.status == status, "\(method) \(path) \(headers): \(response.text)")
                #expect(response.text.contains(words), "\(response.text)")
            }
            // Cross-site WebSocket hijacking: the upgrade is refused, never switched.
            for headers in [[("Origin", "http://attacker.example")], [("Origin", "http://127.0.0.1:1")]] {
                let client = try RawTCPClient(port: port)
                defer { client.close() }
                try await client.write(RawWebSocket.upgrade(port: port, headers: headers))
                let (head, _) = try await client.readHead()
                #expect(head.hasPrefix("HTTP/1.1 403"), "\(head)")
            }
            let hostile = try RawTCPClient(port: port)
            try await hostile.write(RawWebSocket.upgrade(port: port).replacing("Host: 127.0.0.1:\(port)".utf8, with: "Host: attacker.example".utf8))
            #expect(try await hostile.readHead().head.hasPrefix("HTTP/1.1 403"))
            hostile.close()
            #expect(harness.fleet.counters.totalRequests(type: "chat") == 0)

            // The gateway's own origin, an allowed one, an allowed name, and clients that are not browsers pass.
            let passing: [(String?, [(String, String)])] = [
                (nil, [json, ("Origin", "http://127.0.0.1:\(port)")]),
                ("localhost:\(port)", [json, ("Origin", "http://localhost:\(port)")]),
                (nil, [json, ("Origin", "http://localhost:5173"), ("Sec-Fetch-Site", "same-site")]),
                ("chat.internal:\(port)", [json]),
                (nil, []),
            ]
            for (host, headers) in passing {
                let response = try await Self.raw(port: port, "POST", "/v1/rounds", host: host, headers: headers, body: round)
                #expect(response.status == 200, "\(headers): \(response.text)")
            }
            let upgrade = try RawTCPClient(port: port)
            defer { upgrade.close() }
            try await upgrade.write(RawWebSocket.upgrade(port: port, headers: [("Origin", "http://127.0.0.1:\(port)")]))
            #expect(try await upgrade.readHead().head.hasPrefix("HTTP/1.1 101"))
            #expect(harness.fleet.counters.totalRequests(type: "chat") == 2 * passing.count)
        }
    }

    @Test("HEAD on the stream answers its headers without a round")
    func head() async throws {
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 2)) { harness in
            let response = try await Self.raw(port: harness.port, "HEAD", "/api/team-chat/stream?message=hi")
            #expect(response.status == 200, "\(response.text)")
            #expect(response.text.contains("text/event-stream"))
            #expect(!response.text.contains("data:"))
            #expect(harness.fleet.counters.totalRequests(type: "chat") == 0)
            #expect(Self.metric(try await Self.metrics(harness.port), #"teamchat_rounds_total{route="stream"}"#) == 0)
        }
    }

    @Test("a 1 µs timeout or a 1-byte reply limit fails that client's round only: nobody's breaker opens")
    func breakersAreNotTheClients() async throws {
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 2)) { harness in
            for body in [#"{"message":"x","timeout":0.000001}"#, #"{"message":"x","max_reply_bytes":1}"#,
                         #"{"message":"x","timeout":0.000001,"deadline":0.000001}"#, #"{"message":"x","timeout":0.000001}"#] {
                let response = try await Self.raw(port: harness.port, "POST", "/v1/rounds", body: body)
                #expect(response.status == 200)
                #expect(!response.text.contains(#""replied":2"#), "\(response.text)")  // the client's own limit bit
            }
            // Nothing of it is held against the specialists: no failure, no last error, the circuit closed.
            let sockets = try await Self.raw(port: harness.port, "GET", "/api/team-chat/sockets").text
            #expect(sockets.components(separatedBy: #""consecutive_failures":0"#).count == 3, "\(sockets)")
            #expect(sockets.components(separatedBy: #""circuit":"closed""#).count == 3, "\(sockets)")
            #expect(!sockets.contains("last_error"), "\(sockets)")
            let after = try await Self.raw(port: harness.port, "POST", "/v1/rounds", body: #"{"message":"x"}"#)
            #expect(after.text.contains(#""replied":2"#), "\(after.text)")
            #expect(!after.text.contains("breaker_open"))
        }
    }

    @Test("1,000 stalled connections: the cap closes them first; a client with the token gets its round")
    func stalledConnections() async throws {
        let token = "trusted-token-0123456789"
        try await GatewayHarness.with(
            SimulatedSpecialistConfiguration.team(count: 2),
            configure: { $0.maximumConnections = 100; $0.token = token }
        ) { harness in
            var stalled: [RawTCPClient] = []
            defer { for client in stalled { client.close() } }
            let head = Array("POST /v1/rounds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{".utf8)
            for _ in 0..<1_000 {
                let client = try RawTCPClient(port: harness.port)
                #expect(client.writeWithoutWaiting(head) == head.count)
                stalled.append(client)
            }
            #expect(await eventually { harness.gateway.connectionCount <= 100 })
            let response = try await Self.raw(
                port: harness.port, "POST", "/v1/rounds", headers: [("Authorization", "Bearer \(token)")],
                body: #"{"message":"through"}"#)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.text.contains(#""replied":2"#))
            let metrics = try await Self.raw(
                port: harness.port, "GET", "/metrics", headers: [("Authorization", "Bearer \(token)")]).text
            #expect(Self.metric(metrics, #"teamchat_clients_dropped_total{reason="evicted"}"#) >= 900)
        }
    }

    @Test("a WebSocket with a round in flight is never evicted; when all are busy a newcomer is refused")
    func busyIsNeverEvicted() async throws {
        try await GatewayHarness.with(
            GatewayHTTPTests.team(2, [1: .hang], latency: [0: .milliseconds(1_500)]),
            configure: { $0.maximumConnections = 2 }
        ) { harness in
            let slow = harness.fleet.specialists[0].id
            let hung = harness.fleet.specialists[1].id
            let socket = try await TestWebSocket.connect(port: harness.port)
            try await socket.send(#"{"message":"slow","round":1,"to":["\#(slow)"]}"#)
            #expect(await eventually { harness.fleet.counters.totalRequests(type: "chat") == 1 })
            // Newcomers that only connect evict each other, never the busy socket.
            for _ in 0..<5 {
                let newcomer = try RawTCPClient(port: harness.port)
                defer { newcomer.close() }
                #expect(await eventually { harness.gateway.connectionCount == 2 })
            }
            #expect(socket.channel.isActive)
            var events: [String] = []
            for await message in socket.messages {
                events.append(message)
                if message.contains(#""type":"summary""#) { break }
            }
            #expect(events.first?.contains("slow") == true, "\(events)")

            // Two sockets with rounds in flight fill the cap: a newcomer is closed at once, and both stay.
            // Rounds that last until their sockets close (a specialist that never answers, a 30 s timeout).
            try await socket.send(#"{"message":"hang","round":2,"to":["\#(hung)"],"timeout":30}"#)
            let second = try await TestWebSocket.connect(port: harness.port)
            try await second.send(#"{"message":"hang too","to":["\#(hung)"],"timeout":30}"#)
            #expect(await eventually { harness.fleet.counters.totalRequests(type: "chat") == 3 })
            let refused = try RawTCPClient(port: harness.port)
            defer { refused.close() }
            try await refused.write(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            #expect(try await refused.readToEnd().isEmpty)
            #expect(socket.channel.isActive && second.channel.isActive)
            await second.close()
            await socket.close()
        }
    }

    /// Frames that break RFC 6455, and the status each closes with.
    static let violations: [(String, [UInt8], Int)] = [
        ("an unmasked frame", RawWebSocket.text(#"{"message":"x"}"#, masked: false), 1002),
        ("a reserved bit", RawWebSocket.frame(opcode: 0x1, Array("{}".utf8), rsv: 0b100), 1002),
        ("a reserved opcode", RawWebSocket.frame(opcode: 0x3, []), 1002),
        ("a control frame over 125 bytes", RawWebSocket.frame(opcode: 0x9, [UInt8](repeating: 0, count: 126)), 1002),
        ("a fragmented control frame", RawWebSocket.frame(opcode: 0x9, [1], fin: false), 1002),
        ("a continuation of nothing", RawWebSocket.frame(opcode: 0x0, [1]), 1002),
        ("text that is not UTF-8", RawWebSocket.frame(opcode: 0x1, [0x7B, 0xFF, 0xFE, 0x7D]), 1007),
        ("a binary frame", RawWebSocket.frame(opcode: 0x2, [1, 2, 3]), 1003),
    ]

    @Test("RFC 6455: what breaks the protocol closes with its status, and no round runs", arguments: Self.violations.indices)
    func protocolViolations(_ index: Int) async throws {
        let (name, frame, code) = Self.violations[index]
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 1)) { harness in
            let client = try RawTCPClient(port: harness.port)
            defer { client.close() }
            try await client.write(RawWebSocket.upgrade(port: harness.port))
            #expect(try await client.readHead().head.hasPrefix("HTTP/1.1 101"))
            try await client.write(frame)
            let received = try await client.readToEnd()
            #expect(RawWebSocket.closeCode(in: received) == code, "\(name)")
            #expect(harness.fleet.counters.totalRequests(type: "chat") == 0)
        }
    }

    @Test("an idle WebSocket is closed (1000) after --idle-timeout; one that pings within its budget is answered")
    func idleWebSocket() async throws {
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 1), configure: { $0.idleTimeout = .milliseconds(300) }) { harness in
            let client = try RawTCPClient(port: harness.port)
            defer { client.close() }
            try await client.write(RawWebSocket.upgrade(port: harness.port))
            #expect(try await client.readHead().head.hasPrefix("HTTP/1.1 101"))
            try await client.write(RawWebSocket.frame(opcode: 0x9, Array("hello".utf8)))
            let received = try await client.readToEnd()
            let frames = RawWebSocket.frames(in: received)
            #expect(frames.first?.opcode == 0xA && frames.first?.payload == Array("hello".utf8))
            #expect(RawWebSocket.closeCode(in: received) == 1000)
        }
    }

    @Test("a ping flood is closed with 1008 and counted")
    func pingFlood() async throws {
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 1)) { harness in
            let client = try RawTCPClient(port: harness.port)
            defer { client.close() }
            try await client.write(RawWebSocket.upgrade(port: harness.port))
            #expect(try await client.readHead().head.hasPrefix("HTTP/1.1 101"))
            try await client.write(Array((0..<200).map { _ in RawWebSocket.frame(opcode: 0x9, Array("ping".utf8)) }.joined()))
            let received = try await client.readToEnd()
            #expect(RawWebSocket.closeCode(in: received) == 1008)
            #expect(RawWebSocket.frames(in: received).filter { $0.opcode == 0xA }.count <= 32)
            let metrics = try await Self.metrics(harness.port)
            #expect(Self.metric(metrics, #"teamchat_clients_dropped_total{reason="flood"}"#) == 1)
        }
    }

    @Test(
        "a WebSocket client that never reads is paused, dropped past its unread bound or write timeout, its rounds cancelled",
        arguments: [256 * 1024, 1 << 30])
    func neverReads(maximumUnread: Int) async throws {
        try await GatewayHarness.with(
            SimulatedSpecialistConfiguration.team(count: 3),
            configure: { $0.writeTimeout = .seconds(1); $0.maximumUnreadBytes = maximumUnread }
        ) { harness in
            let client = try RawTCPClient(port: harness.port, receiveBuffer: 4_096)
            defer { client.close() }
            try await client.write(RawWebSocket.upgrade(port: harness.port))
            #expect(try await client.readHead().head.hasPrefix("HTTP/1.1 101"))
            // Rounds whose answers are 3 × 60 kB each, asked for as long as the gateway reads them.
            let message = String(repeating: "m", count: 60_000)
            var asked = 0
            var pending: [UInt8] = []
            while asked < 200 {
                if pending.isEmpty { pending = RawWebSocket.text(#"{"message":"\#(message)"}"#) }
                let taken = client.writeWithoutWaiting(pending)
                if taken <= 0 { break }
                pending.removeFirst(taken)
                if pending.isEmpty { asked += 1 }
            }
            #expect(try await eventually {
                Self.metric(try await Self.metrics(harness.port), #"teamchat_clients_dropped_total{reason="unread"}"#) == 1
            })
            #expect(try await eventually {
                Self.metric(try await Self.metrics(harness.port), "teamchat_rounds_in_flight") == 0
            })
            #expect(await eventually { harness.gateway.connectionCount <= 1 })  // the metrics requests' own
        }
    }

    @Test("a page served from another origin can neither open the WebSocket, nor post a round, nor read the team")
    func crossOriginPage() async throws {
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 2)) { harness in
            let gateway = "127.0.0.1:\(harness.port)"
            let attack = """
                <!doctype html><title>attacker</title><script>
                window.results = {};
                const ws = new WebSocket("ws://\(gateway)/api/team-chat/ws");
                ws.onopen = () => { results.ws = "open"; ws.send(JSON.stringify({message: "steal"})); };
                ws.onmessage = (event) => { results.stolen = event.data; };
                ws.onclose = () => { results.ws = results.ws || "refused"; };
                fetch("http://\(gateway)/v1/rounds", {method: "POST", mode: "no-cors", body: '{"message":"csrf"}'})
                  .then(() => { results.post = "sent"; }, () => { results.post = "failed"; });
                fetch("http://\(gateway)/v1/team").then((r) => r.text())
                  .then((text) => { results.read = text; }, () => { results.read = "blocked"; });
                </script>
                """
            try await StaticPageServer.with(attack) { attackerPort in
                try await HeadlessChromium.with { browser in
                    var page = try await browser.page()
                    try await page.open("http://localhost:\(attackerPort)/", ready: "window.results !== undefined")
                    try await page.waitFor("results.ws !== undefined && results.post !== undefined && results.read !== undefined")
                    #expect(try await page.evaluate("results.ws") as? String == "refused")
                    #expect(try await page.evaluate("results.stolen === undefined") as? Bool == true)
                    #expect(try await page.evaluate("results.read") as? String == "blocked")
                }
            }
            // The no-cors POST reached the gateway, as a form would: it ran nothing.
            #expect(harness.fleet.counters.totalRequests(type: "chat") == 0)
            let metrics = try await Self.metrics(harness.port)
            #expect(Self.metric(metrics, #"teamchat_http_requests_total{route="rounds",status="415"}"#)
                + Self.metric(metrics, #"teamchat_http_requests_total{route="rounds",status="403"}"#) >= 1)
        }
    }
}

/// One HTML page served on 127.0.0.1 port 0: another origin than the gateway's, as an attacker's site would be.
enum StaticPageServer {
    static func with<Value: Sendable>(_ html: String, _ body: (Int) async throws -> Value) async throws -> Value {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(PageHandler(html: html))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let value = try await body(channel.localAddress?.port ?? 0)
            try await channel.close()
            return value
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private final class PageHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let html: String

        init(html: String) {
            self.html = html
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let body = context.channel.allocator.buffer(string: html)
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: [
                "content-type": "text/html; charset=utf-8", "content-length": "\(body.readableBytes)",
            ])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
