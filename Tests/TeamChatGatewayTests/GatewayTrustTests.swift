import NIOHTTP1
@testable import TeamChatGateway
import TeamChatModel
import TeamChatTestSupport
import Testing

/// The gateway's trust rules as pure values (DESIGN §7, trust): who may ask, how much a client may leave unread, who
/// makes room at the connection cap, how fast a client may ping, and what a request may change.
@Suite("The gateway's trust rules")
struct GatewayTrustTests {
    private func head(_ method: HTTPMethod, _ uri: String, _ headers: [(String, String)]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
    }

    private func head(_ headers: [(String, String)]) -> HTTPRequestHead {
        head(.GET, "/v1/team", headers)
    }

    @Test("Host must name the gateway: localhost, loopback, the listen address or an allowed name")
    func hosts() {
        let loopback = OriginPolicy(listenHost: "127.0.0.1")
        for host in ["127.0.0.1:8003", "localhost:8003", "LOCALHOST", "[::1]:8003", "127.0.0.7", "localhost"] {
            #expect(loopback.refusal(head([("Host", host)]), changesState: false, isPage: false) == nil, "\(host)")
        }
        for host in ["attacker.example", "attacker.example:8003", "127.0.0.1.nip.io", "10.0.0.1:8003", "[fe80::1]:80",
                     "localhost.attacker.example", "300.0.0.1"] {
            let refusal = loopback.refusal(head([("Host", host)]), changesState: false, isPage: false)
            #expect(refusal?.status == .forbidden, "\(host)")
            #expect(refusal?.message.contains("--allow-host") == true)
        }
        let named = OriginPolicy(listenHost: "127.0.0.1", allowedHosts: ["chat.internal:8003"])
        #expect(named.isAllowedHost("chat.internal"))
        #expect(named.isAllowedHost("Chat.Internal:9000"))
        #expect(!named.isAllowedHost("chat.internal.attacker.example"))
        #expect(OriginPolicy(listenHost: "127.0.0.1", allowedHosts: ["*"]).isAllowedHost("anything.example"))
        // Listening everywhere: any address of the machine, still no name a page could rebind.
        let everywhere = OriginPolicy(listenHost: "0.0.0.0")
        #expect(everywhere.isAllowedHost("192.168.1.20:8003"))
        #expect(!everywhere.isAllowedHost("attacker.example"))
        #expect(OriginPolicy(listenHost: "192.168.1.20").isAllowedHost("192.168.1.20:8003"))
        // No Host at all (HTTP/1.0 tools) is not a browser.
        #expect(loopback.refusal(head([]), changesState: true, isPage: false) == nil)
    }

    @Test("an Origin other than the gateway's own, or null, is refused; allowed origins pass; no Origin is no browser")
    func origins() {
        let policy = OriginPolicy(listenHost: "127.0.0.1", allowedOrigins: ["http://localhost:3000/"])
        let own = head([("Host", "127.0.0.1:8003"), ("Origin", "http://127.0.0.1:8003")])
        #expect(policy.refusal(own, changesState: true, isPage: false) == nil)
        #expect(policy.refusal(head([("Host", "localhost:8003"), ("Origin", "http://localhost:8003")]), changesState: true, isPage: false) == nil)
        #expect(policy.refusal(head([("Host", "127.0.0.1:8003"), ("Origin", "http://localhost:3000")]), changesState: true, isPage: false) == nil)
        for origin in ["http://attacker.example", "http://127.0.0.1:9999", "https://127.0.0.1:8003", "null",
                       "http://localhost:8003", "http://127.0.0.1:8003.attacker.example"] {
            let refusal = policy.refusal(
                head(.POST, "/v1/rounds", [("Host", "127.0.0.1:8003"), ("Origin", origin)]), changesState: true, isPage: false)
            #expect(refusal?.status == .forbidden, "\(origin)")
        }
        #expect(OriginPolicy(listenHost: "127.0.0.1", allowedOrigins: ["*"]).isAllowedOrigin("http://x.example", host: "127.0.0.1"))
    }

    @Test("Sec-Fetch-Site: another site's request is refused, except a person following a link to the page")
    func fetchSite() {
        let policy = OriginPolicy(listenHost: "127.0.0.1")
        let host = ("Host", "127.0.0.1:8003")
        for site in ["cross-site", "same-site"] {
            #expect(policy.refusal(head([host, ("Sec-Fetch-Site", site)]), changesState: false, isPage: false)?.status == .forbidden)
            #expect(policy.refusal(head(.GET, "/", [host, ("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "navigate")]),
                                   changesState: false, isPage: true) == nil)
            #expect(policy.refusal(head(.GET, "/", [host, ("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "no-cors")]),
                                   changesState: false, isPage: true)?.status == .forbidden)
        }
        #expect(policy.refusal(head([host, ("Sec-Fetch-Site", "same-origin")]), changesState: false, isPage: false) == nil)
        #expect(policy.refusal(head([host, ("Sec-Fetch-Site", "none")]), changesState: false, isPage: false) == nil)
    }

    @Test("a request that changes something never comes in a form's content type (415); JSON does")
    func formTypes() {
        let policy = OriginPolicy(listenHost: "127.0.0.1")
        for type in ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain;charset=UTF-8",
                     "TEXT/PLAIN"] {
            let refusal = policy.refusal(head(.POST, "/v1/rounds", [("Content-Type", type)]), changesState: true, isPage: false)
            #expect(refusal?.status == .unsupportedMediaType, "\(type)")
            #expect(policy.refusal(head(.GET, "/v1/team", [("Content-Type", type)]), changesState: false, isPage: false) == nil)
        }
        #expect(policy.refusal(head(.POST, "/v1/rounds", [("Content-Type", "application/json")]), changesState: true, isPage: false) == nil)
        #expect(policy.refusal(head(.POST, "/v1/rounds", []), changesState: true, isPage: false) == nil)
    }

    @Test("a client that reads is written to at once; one that does not is paused, holds one piece, then is dropped")
    func clientOutput() {
        typealias Output = ClientOutput<MockClock.Instant, Int>
        let clock = MockClock()
        var output = Output(maximumQueuedBytes: 100, stallTimeout: .seconds(10))
        guard case .write([1]) = output.send(1, bytes: 10) else { Issue.record("not written at once"); return }

        let stalled = output.writabilityChanged(false, now: clock.now)
        #expect(stalled.count == 2)
        guard case .pauseReading = stalled.first, case .scheduleTimer(let at) = stalled.last else {
            Issue.record("\(stalled)")
            return
        }
        #expect(at == clock.now.advanced(by: .seconds(10)))
        // One piece of any size waits (an answer as large as --max-reply); then only while they fit.
        guard case .wait = output.send(2, bytes: 1_000) else { Issue.record("a first piece was not held"); return }
        #expect(output.heldBytes == 1_000)
        guard case .drop(let why) = output.send(3, bytes: 1) else { Issue.record("not dropped past the bound"); return }
        #expect(why.contains("unread"))
        #expect(output.heldBytes == 0)
        guard case .wait = output.send(4, bytes: 1) else { Issue.record("a dropped client was sent more"); return }
        #expect(output.writabilityChanged(true, now: clock.now).isEmpty)

        // Writable again in time: what waited goes out in order, and reading resumes.
        var reader = Output(maximumQueuedBytes: 100, stallTimeout: .seconds(10))
        _ = reader.writabilityChanged(false, now: clock.now)
        _ = reader.send(1, bytes: 40)
        _ = reader.send(2, bytes: 40)
        clock.advance(by: .seconds(9))
        guard case .scheduleTimer = reader.timerFired(now: clock.now.advanced(by: .seconds(-5))) else {
            Issue.record("an early timer dropped the client")
            return
        }
        let resumed = reader.writabilityChanged(true, now: clock.now)
        guard case .resumeReading = resumed.first, case .write([1, 2]) = resumed.last else {
            Issue.record("\(resumed)")
            return
        }
        guard case .wait = reader.timerFired(now: clock.advance(by: .seconds(5))) else {
            Issue.record("a reading client was dropped")
            return
        }

        // Unwritable past the stall timeout: dropped, even holding nothing.
        var sleeper = Output(maximumQueuedBytes: 100, stallTimeout: .seconds(10))
        let start = clock.now
        _ = sleeper.writabilityChanged(false, now: start)
        #expect(sleeper.writabilityChanged(false, now: clock.advance(by: .seconds(3))).isEmpty)  // the first stall counts
        guard case .drop(let slow) = sleeper.timerFired(now: start.advanced(by: .seconds(10))) else {
            Issue.record("a client that reads nothing was kept")
            return
        }
        #expect(slow.contains("read nothing"))
    }

    private func admit(_ registry: inout ConnectionRegistry<Int, Int>, _ id: Int, now: Int) -> ConnectionRegistry<Int, Int>.Admission {
        registry.admit(id, now: now)
    }

    private func take(_ budget: inout ControlFrameBudget<MockClock.Instant>, now: MockClock.Instant) -> Bool {
        budget.take(now: now)
    }

    @Test("at the cap: the oldest unproven connection goes first, then the longest idle; a busy one never")
    func registry() {
        var registry = ConnectionRegistry<Int, Int>(capacity: 3)
        #expect(admit(&registry, 1, now: 0) == .admitted)
        #expect(admit(&registry, 2, now: 1) == .admitted)
        #expect(admit(&registry, 3, now: 2) == .admitted)
        registry.set(1, .busy, now: 3)
        registry.set(2, .idle, now: 4)
        // 3 is unproven (a stalled body): it goes before the idle 2, though 2 has idled longer in absolute time.
        #expect(admit(&registry, 4, now: 5) == .admittedEvicting(3))
        #expect(admit(&registry, 5, now: 6) == .admittedEvicting(4))
        registry.set(5, .idle, now: 7)
        // Both idle now: the longest idle goes.
        #expect(admit(&registry, 6, now: 8) == .admittedEvicting(2))
        registry.set(5, .busy, now: 9)
        registry.set(6, .busy, now: 9)
        #expect(admit(&registry, 7, now: 10) == .refused)
        #expect(registry.count == 3)
        #expect(registry.phase(of: 1) == .busy)
        let removed = registry.remove(1)
        let again = registry.remove(1)
        #expect(removed && !again)
        #expect(admit(&registry, 7, now: 11) == .admitted)
        registry.set(99, .idle, now: 12)  // closed meanwhile: nothing to change
        #expect(registry.phase(of: 99) == nil)
    }

    @Test("control frames: a burst of 32, then 8 a second; a flood is cut off")
    func controlFrames() {
        let clock = MockClock()
        var budget = ControlFrameBudget<MockClock.Instant>()
        for index in 0..<32 { #expect(take(&budget, now: clock.now), "\(index)") }
        #expect(!take(&budget, now: clock.now))
        #expect(take(&budget, now: clock.advance(by: .milliseconds(125))))
        #expect(!take(&budget, now: clock.now))
        clock.advance(by: .seconds(60))
        for _ in 0..<32 { #expect(take(&budget, now: clock.now)) }
        #expect(!take(&budget, now: clock.now))  // never more than the bucket, however long the pause
    }

    @Test("a request may lower the operator's limits, never raise them; what it lowers is its own, not the breaker's")
    func clamps() throws {
        var defaults = RoundOptions(timeout: .seconds(2))
        defaults.maximumReplyBytes = 1_048_576
        let raising = try GatewayRoundRequest.decode(json: Array(
            #"{"message":"x","timeout":9999,"deadline":9999,"connect_timeout":9999,"max_reply_bytes":1073741824,"quorum":50,"retries":99}"#
                .utf8)).get()
        let raised = raising.options(defaults: defaults, maximumDeadline: .seconds(60), addressed: 3)
        #expect(raised.timeout == .seconds(60))
        #expect(raised.effectiveDeadline <= .seconds(60))
        #expect(raised.connectTimeout <= .seconds(60))
        #expect(raised.maximumReplyBytes == 1_048_576)
        #expect(raised.quorum == 3)
        #expect(raised.retries == GatewayRoundRequest.maximumRetries)
        #expect(raised.requestersLimits.isEmpty)

        let lowering = try GatewayRoundRequest.decode(json: Array(
            #"{"message":"x","timeout":0.000001,"max_reply_bytes":1}"#.utf8)).get()
        let lowered = lowering.options(defaults: defaults, maximumDeadline: .seconds(60), addressed: 3)
        #expect(lowered.timeout == .microseconds(1))
        #expect(lowered.maximumReplyBytes == 1)
        #expect(lowered.requestersLimits == [.timeout, .tooLarge])

        let plain = try GatewayRoundRequest.decode(json: Array(#"{"message":"x","timeout":2}"#.utf8)).get()
        #expect(plain.options(defaults: defaults, maximumDeadline: .seconds(60), addressed: 3).requestersLimits.isEmpty)
    }
}
