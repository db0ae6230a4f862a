import Foundation
import TeamChatFleet
import TeamChatLog
import TeamChatRoster
import TeamChatTestSupport
@testable import TeamChatGateway
import Testing

/// The page `serve` answers at `/`, in a real browser (headless Chromium over DevTools) against a simulated fleet.
@Suite("The page in a real browser", .serialized, .timeLimit(.minutes(1)))
struct GatewayPageTests {
    /// Four specialists; the third (ergon-ai) never answers.
    static func team() -> [SimulatedSpecialistConfiguration] {
        var team = SimulatedSpecialistConfiguration.team(count: 4)
        team[2].misbehaviour = .hang
        return team
    }

    @Test("answers arrive in their cards with latencies; the hung specialist's card says timeout; a summary line")
    func answers() async throws {
        // The operator's own timeout: a tighter one from the page would be the page's doing, kept off the breaker.
        try await GatewayHarness.with(Self.team(), configure: { $0.roundDefaults.timeout = .milliseconds(500) }) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.open("http://127.0.0.1:\(harness.port)/?message=hello%20team&timeout=0.5")
                try await page.waitFor("document.getElementById('summary').textContent.includes('replied')")
                #expect(try await page.text("#summary")?.hasPrefix("3/4 replied · slowest ") == true)
                #expect(try await page.text("#summary")?.contains("1 timeout") == true)
                for id in ["engram-ai", "hermes-ai", "rhetor-ai"] {
                    #expect(try await page.text("[data-id='\(id)'] .answer") == "\(id): hello team")
                    #expect(try await page.text("[data-id='\(id)'] .latency")?.hasSuffix(" ms") == true)
                }
                #expect(try await page.text("[data-id='ergon-ai'] .answer") == "timeout after 0.5s")
                #expect(try await page.evaluate("document.querySelector(\"[data-id='ergon-ai']\").className") as? String
                    == "card failed")
                // Health from /api/team-chat/sockets, and a chart point from the round.
                #expect(try await page.text("[data-id='engram-ai'] .circuit") == "● healthy")
                try await page.waitFor("document.querySelector(\"[data-id='engram-ai'] .stats\").textContent.startsWith('p50 ')")
                try await page.waitFor("document.querySelector(\"[data-id='ergon-ai'] .circuit\").textContent === '● 1 failed in a row'")
                #expect(try await page.evaluate("document.querySelectorAll(\"[data-id='engram-ai'] svg circle, [data-id='engram-ai'] svg polyline\").length") as? Int == 1)
                #expect(try await page.text("#transport") == "· WebSocket")

                if let path = ProcessInfo.processInfo.environment["TEAMCHAT_PAGE_SCREENSHOT"] {
                    try await page.screenshot().write(to: URL(fileURLWithPath: path))
                }
            }
        }
    }

    @Test("at a phone's 390 px the header is one line and a failure comes first, right under the summary")
    func phone() async throws {
        try await GatewayHarness.with(Self.team(), configure: { $0.roundDefaults.timeout = .milliseconds(500) }) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.viewport(width: 390)
                try await page.open("http://127.0.0.1:\(harness.port)/?message=hello%20team&timeout=0.5")
                try await page.waitFor("document.getElementById('summary').textContent.includes('replied')")
                let header = try await page.evaluate(
                    "document.querySelector('header').getBoundingClientRect().height / parseFloat(getComputedStyle(document.querySelector('header h1')).lineHeight || 20)") as? Double ?? 99
                #expect(header < 1.6, "the header takes \(header) lines")
                #expect(try await page.evaluate("document.documentElement.scrollWidth <= 390") as? Bool == true)  // nothing wider
                // The failed card is the first below the summary.
                let first = try await page.evaluate("""
                    Array.from(document.querySelectorAll('.card')).sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0].dataset.id
                    """) as? String
                #expect(first == "ergon-ai")
                if let path = ProcessInfo.processInfo.environment["TEAMCHAT_PAGE_SCREENSHOT_PHONE"] {
                    try await page.screenshot().write(to: URL(fileURLWithPath: path))
                }
            }
        }
    }

    @Test("before the first round the cards look ready and the timeout is the gateway's default; cards keep their places as answers come")
    func readyAndSteady() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 3)
        for index in team.indices { team[index].latency = .milliseconds(150 * index) }
        try await GatewayHarness.with(team, configure: { $0.roundDefaults.timeout = .seconds(7) }) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.open("http://127.0.0.1:\(harness.port)/")
                try await page.waitFor("document.querySelectorAll('.card').length === 3")
                #expect(try await page.evaluate("document.getElementById('timeout').value") as? String == "7")
                let looks = try await page.evaluate("""
                    Array.from(document.querySelectorAll('.card')).map(c => c.querySelector('.state').textContent + ' ' + getComputedStyle(c).opacity)
                    """) as? [String] ?? []
                #expect(looks == ["ready 1", "ready 1", "ready 1"])
                let places = "JSON.stringify(Array.from(document.querySelectorAll('.card')).map(c => { const r = c.getBoundingClientRect(); return [c.dataset.id, r.left, r.top]; }))"
                try await page.evaluate("""
                    document.getElementById('message').value = 'one two three';
                    document.getElementById('composer').requestSubmit();
                    """)
                try await page.waitFor("document.querySelector(\"[data-id='engram-ai'] .state\").textContent === 'answered' && document.querySelector(\"[data-id='ergon-ai'] .state\").textContent === 'waiting'")
                let whileWaiting = try await page.evaluate(places) as? String
                try await page.waitFor("document.getElementById('summary').textContent.startsWith('3/3 replied')")
                #expect(try await page.evaluate(places) as? String == whileWaiting)
            }
        }
    }

    @Test("a specialist not needed once the quorum was met is not shown as failed")
    func notNeeded() async throws {
        try await GatewayHarness.with(Self.team()) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.open("http://127.0.0.1:\(harness.port)/?message=quick&quorum=3&timeout=30")
                try await page.waitFor("document.getElementById('summary').textContent.includes('replied')")
                #expect(try await page.text("[data-id='ergon-ai'] .answer") == "not needed (quorum met)")
                #expect(try await page.evaluate("document.querySelector(\"[data-id='ergon-ai']\").className") as? String
                    == "card skipped")
            }
        }
    }

    @Test("whatever a specialist sends is shown as text: planted HTML and script never run")
    func escaping() async throws {
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 2)) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                let planted = #"<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>bold</b>"#
                let query = planted.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                try await page.open("http://127.0.0.1:\(harness.port)/?message=\(query)")
                try await page.waitFor("document.getElementById('summary').textContent.startsWith('2/2 replied')")
                #expect(try await page.text("[data-id='engram-ai'] .answer") == "engram-ai: \(planted)")
                #expect(try await page.evaluate("document.querySelector('#history li').firstChild.textContent") as? String
                    == planted)
                #expect(try await page.evaluate("window.pwned === undefined") as? Bool == true)
                #expect(try await page.evaluate("document.querySelectorAll('main img, main script, main b, #history img').length") as? Int == 0)
            }
        }
    }

    @Test("@-addressing, Enter sends and Shift+Enter is a new line; the history survives a reload")
    func keyboardAndHistory() async throws {
        try await GatewayHarness.with(Self.team()) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.open("http://127.0.0.1:\(harness.port)/")
                try await page.waitFor("document.querySelectorAll('.card').length === 4")
                try await page.evaluate("document.getElementById('message').focus()")
                try await page.type("@engram,hermes first line")
                try await page.press("Enter", code: 13, text: "\r", modifiers: 8)
                try await page.type("second line")
                #expect(try await page.evaluate("document.getElementById('message').value") as? String
                    == "@engram,hermes first line\nsecond line")
                try await page.press("Enter", code: 13, text: "\r")
                try await page.waitFor("document.getElementById('summary').textContent.startsWith('2/2 replied')")
                #expect(try await page.evaluate("document.getElementById('message').value") as? String == "")
                #expect(try await page.text("[data-id='hermes-ai'] .answer") == "hermes-ai: first line\nsecond line")
                #expect(try await page.text("[data-id='rhetor-ai'] .answer") == "")
                #expect(try await page.evaluate("document.querySelector(\"[data-id='rhetor-ai']\").className") as? String
                    == "card idle")

                try await page.call("Page.reload")
                try await page.waitFor("document.querySelectorAll('#history li').length === 1 && document.querySelector(\"[data-id='hermes-ai'] .answer\").textContent !== ''")
                #expect(try await page.evaluate("document.querySelector('#history li').firstChild.textContent") as? String
                    == "@engram,hermes first line\nsecond line")
                #expect(try await page.text("[data-id='hermes-ai'] .answer") == "hermes-ai: first line\nsecond line")
                #expect(try await page.text("#summary")?.hasPrefix("2/2 replied") == true)
            }
        }
    }

    @Test("a conversation: each card shows its own earlier turns, a reload fetches the thread, 'new conversation' starts afresh")
    func conversation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-page-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try RoundLog.open(at: directory + "/log.db").log
        try await GatewayHarness.with(Self.team(), configure: { $0.roundLog = log }) {
            harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.open("http://127.0.0.1:\(harness.port)/?timeout=0.3")
                try await page.waitFor("document.querySelectorAll('.card').length === 4")
                try await page.evaluate("document.getElementById('message').focus()")
                try await page.type("one")
                try await page.press("Enter", code: 13, text: "\r")
                try await page.waitFor("document.querySelectorAll('#history li').length === 1 && document.getElementById('summary').textContent.includes('replied')")
                let id = try #require(try await page.text("#conversation")?.replacingOccurrences(of: "conversation ", with: ""))
                #expect(ConversationThreads.isValidID(id))
                #expect(try await page.evaluate("document.querySelector(\"[data-id='engram-ai'] .thread\").hidden") as? Bool == true)

                try await page.evaluate("document.getElementById('message').focus()")
                try await page.type("two")
                try await page.press("Enter", code: 13, text: "\r")
                try await page.waitFor("document.querySelectorAll('#history li').length === 2 && document.getElementById('summary').textContent.includes('replied')")
                // What engram-ai was sent, and what its card shows: its own earlier turn; the hung ergon-ai's
                // thread holds the question without an answer.
                let chat = try #require(harness.fleet.counters.lastChat("engram-ai"))
                #expect(chat.contains(#""history":[{"role":"user","content":"one"},{"role":"assistant","content":"engram-ai: one"}]"#))
                #expect(try await page.text("[data-id='engram-ai'] .thread summary") == "1 earlier turn")
                #expect(try await page.evaluate("Array.from(document.querySelectorAll(\"[data-id='engram-ai'] .thread .turn\")).map(p => p.textContent).join('|')") as? String
                    == "one|engram-ai: one")
                let missing = try await page.evaluate("document.querySelector(\"[data-id='ergon-ai'] .thread .turn.missing\").textContent") as? String
                #expect(missing == "(no answer: timeout after 0.3s)")

                // A reload reads the thread back from the gateway's round log.
                try await page.call("Page.reload")
                try await page.waitFor("document.querySelector(\"[data-id='engram-ai'] .thread summary\") !== null && document.querySelector(\"[data-id='engram-ai'] .thread summary\").textContent === '1 earlier turn'")
                #expect(try await page.text("#conversation") == "conversation \(id)")

                try await page.evaluate("document.getElementById('new-conversation').click()")
                #expect(try await page.text("#conversation") == "a fresh conversation")
                #expect(try await page.evaluate("document.getElementById('new-conversation').hidden") as? Bool == true)
                #expect(try await page.evaluate("document.querySelector(\"[data-id='engram-ai'] .thread\").hidden") as? Bool == true)
                try await page.evaluate("document.getElementById('message').focus()")
                try await page.type("three")
                try await page.press("Enter", code: 13, text: "\r")
                try await page.waitFor("document.querySelectorAll('#history li').length === 3 && document.getElementById('summary').textContent.includes('replied')")
                #expect(harness.fleet.counters.lastChat("engram-ai")?.contains("history") == false)
                #expect(try await page.text("#conversation") != "conversation \(id)")
            }
        }
    }

    @Test("a judge's synthesis above the cards, the council's ranking with it; over server-sent events too")
    func synthesis() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 2)
        team[0].reply = .fixed("alpha")
        team[0].ranking = .byContent
        team[1].reply = .fixed("bravo")
        team[1].ranking = .byContent
        team.append(SimulatedSpecialistConfiguration(id: "athena-ai"))
        try await GatewayHarness.with(team) { harness in
            try await HeadlessChromium.with { browser in
                for transport in ["websocket", "sse"] {
                    var page = try await browser.page()
                    try await page.open(
                        "http://127.0.0.1:\(harness.port)/?transport=\(transport)&judge=athena-ai&mode=council&message=%40engram,hermes%20Which%3F")
                    try await page.waitFor("document.getElementById('synthesis-footer').textContent.startsWith('based on')")
                    #expect(try await page.text("#synthesis-title") == "judge · athena-ai", "\(transport)")
                    #expect(try await page.text("#synthesis-text")?.hasPrefix("athena-ai: You are the judge") == true)
                    #expect(try await page.text("#synthesis-footer") == "based on 2 of 2 answers")
                    // Both rank by content: alpha (engram-ai) first, 1 point; bravo 1 point from engram-ai's ballot.
                    #expect(try await page.evaluate("document.querySelectorAll('#ranking li').length") as? Int == 2)
                    #expect(try await page.evaluate("document.getElementById('synthesis').compareDocumentPosition(document.getElementById('cards')) & Node.DOCUMENT_POSITION_FOLLOWING") as? Int == 4)
                }
            }
        }
    }

    @Test("each card says its state and a waiting line says for whom; Stop cancels the round, over WebSocket and SSE")
    func stateAndStop() async throws {
        try await GatewayHarness.with(Self.team()) { harness in
            try await HeadlessChromium.with { browser in
                for transport in ["websocket", "sse"] {
                    var page = try await browser.page()
                    try await page.open("http://127.0.0.1:\(harness.port)/?transport=\(transport)&timeout=30&message=hi")
                    try await page.waitFor("document.querySelector(\"[data-id='engram-ai'] .state\").textContent === 'answered'")
                    #expect(try await page.text("[data-id='ergon-ai'] .state") == "waiting", "\(transport)")
                    try await page.waitFor("document.getElementById('summary').textContent.startsWith('waiting for ergon-ai · ')")
                    #expect(try await page.text("#summary")?.hasSuffix(" s of 30.0 s") == true)
                    #expect(try await page.evaluate("document.getElementById('stop').disabled") as? Bool == false)
                    try await page.evaluate("document.getElementById('stop').click()")
                    try await page.waitFor("document.querySelector(\"[data-id='ergon-ai'] .state\").textContent === 'stopped'")
                    #expect(await eventually { harness.gateway.roundsInFlight == 0 }, "\(transport): the round was not cancelled")
                    #expect(try await page.evaluate("document.getElementById('stop').disabled") as? Bool == true)
                }
            }
        }
    }

    @Test("the charts share one labelled scale; a round a card sat out is a gap, not 0 ms; tokens and cost where reported")
    func chart() async throws {
        var team = SimulatedSpecialistConfiguration.team(count: 2)
        team[1].latency = .milliseconds(150)
        var model = SimulatedSpecialistConfiguration.team(count: 3, wire: .openai)[2]
        model.id = "model-ai"
        model.reply = .fixed("three word answer")
        model.model = "tiny-1"
        team.append(model)
        try await GatewayHarness.with(team, configure: {
            $0.prices = ["tiny-1": ModelPrice(promptPerMillion: 1, completionPerMillion: 2)]
        }) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.open("http://127.0.0.1:\(harness.port)/")
                try await page.waitFor("document.querySelectorAll('.card').length === 3")
                // Everyone; then a quorum of 2 that the slow hermes-ai is not needed for; then everyone again.
                for (number, quorum) in [(1, ""), (2, "2"), (3, "")] {
                    try await page.evaluate("""
                        document.getElementById('quorum').value = '\(quorum)';
                        document.getElementById('message').value = 'round \(number)';
                        document.getElementById('composer').requestSubmit();
                        """)
                    try await page.waitFor("document.querySelectorAll('#history li').length === \(number) && document.getElementById('summary').textContent.includes('replied')")
                    if number == 2 {
                        #expect(try await page.text("[data-id='hermes-ai'] .state") == "not needed")
                        #expect(try await page.text("[data-id='hermes-ai'] .latency") == "")  // no latency for a skip
                    }
                }
                let lines = "document.querySelectorAll(\"[data-id='hermes-ai'] svg polyline\").length"
                #expect(try await page.evaluate(lines) as? Int == 2, "the skipped round is not a gap")
                let scales = try await page.evaluate("Array.from(document.querySelectorAll('.card .scale')).map(s => s.textContent)") as? [String] ?? []
                #expect(scales.count == 3 && Set(scales).count == 1 && scales[0].hasPrefix("0–"), "\(scales)")
                // The slowest answer (hermes-ai's, ~150 ms) sets the scale every card shares.
                let top = Double(scales[0].dropFirst(2).split(separator: " ").first ?? "") ?? 0
                #expect(top >= 150, "\(scales)")
                // Round 3 asked 2 words and got 3: at $1 and $2 per million, $0.000008; the sockets' answers are not
                // priced, so the round's cost is partial.
                #expect(try await page.text("[data-id='model-ai'] .latency")?.contains(" · 3 tokens") == true)
                #expect(try await page.text("[data-id='model-ai'] .latency")?.hasSuffix(" · $0.000008") == true)
                #expect(try await page.text("#summary")?.hasSuffix(" · $0.000008 (partial)") == true)
                #expect(try await page.text("[data-id='engram-ai'] .latency")?.contains("tokens") == false)
                #expect(try await page.text("#summary")?.contains(" · 5 tokens (2 unreported) · ") == true)
            }
        }
    }

    @Test("a gateway that stops mid-round: no card is left waiting, the header says the gateway is not answering, a new message says so too")
    func stoppedGateway() async throws {
        try await GatewayHarness.with(Self.team()) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.open("http://127.0.0.1:\(harness.port)/?message=hello&timeout=30")
                try await page.waitFor("document.getElementById('summary').textContent.startsWith('waiting for ergon-ai')")
                // Stop: the listener closes at once; the round in flight would be waited for, so its client is cut off.
                await harness.services.triggerGracefulShutdown()
                harness.gateway.closeConnections()
                try await page.waitFor("document.querySelector(\"[data-id='ergon-ai'] .state\").textContent === 'failed: no answer'")
                #expect(try await page.text("#summary") == "error: the gateway closed the connection")
                try await page.waitFor("document.getElementById('team').textContent.startsWith('the gateway is not answering')")
                try await page.evaluate("""
                    document.getElementById('message').value = 'anyone there?';
                    document.getElementById('composer').requestSubmit();
                    """)
                try await page.waitFor("document.getElementById('summary').textContent === 'error: the gateway is not answering'", seconds: 20)
                let states = try await page.evaluate("Array.from(document.querySelectorAll('.card .state')).map(s => s.textContent)") as? [String] ?? []
                #expect(states.count == 4 && !states.contains("waiting"), "\(states)")
            }
        }
    }

    @Test("a streamed answer grows in place; over server-sent events too")
    func streaming() async throws {
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 2)) { harness in
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                for transport in ["", "?transport=sse"] {
                    try await page.open("http://127.0.0.1:\(harness.port)/\(transport)")
                    try await page.waitFor("document.querySelectorAll('.card').length === 2")
                    // Every text the card held on the way, recorded as the page changed it.
                    try await page.evaluate("""
                        window.seen = [];
                        new MutationObserver((records) => {
                          for (const record of records) {
                            if (record.target !== document.querySelector("[data-id='hermes-ai'] .answer")) continue;
                            for (const node of record.addedNodes) window.seen.push(node.textContent);
                          }
                        }).observe(document.getElementById('cards'), { subtree: true, childList: true });
                        """)
                    try await page.evaluate("""
                        document.getElementById('message').value = 'one two three four five six';
                        document.getElementById('composer').requestSubmit();
                        """)
                    try await page.waitFor("document.getElementById('summary').textContent.startsWith('2/2 replied')")
                    let seen = try await page.evaluate("window.seen") as? [String] ?? []
                    let growing = Set(seen.filter { !$0.isEmpty && $0 != "hermes-ai: one two three four five six" })
                    #expect(growing.count >= 2, "the answer appeared whole: \(seen)")
                    #expect(growing.allSatisfy { "hermes-ai: one two three four five six".hasPrefix($0) })
                    #expect(try await page.text("[data-id='hermes-ai'] .answer") == "hermes-ai: one two three four five six")
                    #expect(try await page.text("#transport") == (transport.isEmpty ? "· WebSocket" : "· server-sent events"))
                }
            }
        }
    }

    @Test("with a token the page asks for it once and sends it; without it the API answers 401")
    func token() async throws {
        let token = "page-secret-0123456789"
        try await GatewayHarness.with(SimulatedSpecialistConfiguration.team(count: 2), configure: { $0.token = token }) {
            harness in
            #expect(try await TestHTTPConnection.request(port: harness.port, .GET, "/").status == .ok)
            #expect(try await TestHTTPConnection.request(port: harness.port, .GET, "/api/team-chat/sockets").status
                == .unauthorized)
            try await HeadlessChromium.with { browser in
                var page = try await browser.page()
                try await page.open("http://127.0.0.1:\(harness.port)/?message=hi")
                try await page.waitFor("!document.getElementById('token-form').hidden")
                #expect(try await page.evaluate("document.querySelectorAll('.card').length") as? Int == 0)
                try await page.evaluate("document.getElementById('token').focus()")
                try await page.type(token)
                try await page.press("Enter", code: 13, text: "\r")
                try await page.waitFor("document.getElementById('summary').textContent.startsWith('2/2 replied')")
                #expect(try await page.evaluate("document.getElementById('token-form').hidden") as? Bool == true)
                #expect(try await page.text("#transport") == "· WebSocket")
                // Asked once: a reload in the same tab goes straight to the team.
                try await page.call("Page.reload")
                try await page.waitFor("document.querySelectorAll('.card').length === 2")
                #expect(try await page.evaluate("document.getElementById('token-form').hidden") as? Bool == true)
                // Nothing of the token in the page's lasting storage.
                #expect(try await page.evaluate("JSON.stringify(localStorage).includes('\(token)')") as? Bool == false)
            }
        }
    }
}
