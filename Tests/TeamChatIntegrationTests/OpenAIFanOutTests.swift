import Foundation
import TeamChatEngine
import TeamChatFleet
import TeamChatModel
import TeamChatTestSupport
import Testing

@Suite("OpenAI-compatible specialists against a simulated fleet", .timeLimit(.minutes(1)))
struct OpenAIFanOutTests {
    @Test("every specialist answers; the next round reuses the keep-alive connections")
    func healthy() async throws {
        try await withFleet(team(4, wire: .openai)) { fleet, engine in
            let (first, summary) = await engine.collect(.chat("hello"), to: fleet.specialists)
            #expect(summary.replied == 4)
            #expect(first.allSatisfy { $0.answer?.content == "\($0.specialistID): hello" && $0.connect != nil })
            let (second, _) = await engine.collect(.chat("again"), to: fleet.specialists)
            #expect(second.allSatisfy { $0.reused && $0.answer?.content == "\($0.specialistID): again" })
            #expect(fleet.counters.totalConnections == 4)
        }
    }

    @Test(
        "a misbehaving specialist affects only its own outcome, with the right error kind",
        arguments: [
            (Misbehaviour.hang, ExchangeError.Kind.timeout), (.refuse, .refused), (.close, .closed), (.reset, .reset),
            (.garbage, .protocolError), (.halfLine, .timeout), (.huge, .tooLarge), (.invalidUTF8, .protocolError),
            (.error, .specialistError), (.http500, .httpStatus), (.http429, .rateLimited), (.greet, .protocolError),
            (.mute, .timeout), (.slam, .reset),
        ]
    )
    func misbehaviour(_ misbehaviour: Misbehaviour, expected: ExchangeError.Kind) async throws {
        try await withFleet(team(4, wire: .openai, misbehaving: [2: misbehaviour])) { fleet, engine in
            // A short timeout where the timeout is the point; elsewhere room for a loaded machine (a huge reply is
            // built and parsed by debug code while other suites, and a browser, run beside this one).
            let timeout: Duration = expected == .timeout ? .seconds(1) : .seconds(3)
            let options = RoundOptions(timeout: timeout, connectTimeout: .seconds(1), maximumReplyBytes: 64 * 1024)
            let (outcomes, summary) = await engine.collect(.chat("hi"), to: fleet.specialists, options: options)
            #expect(summary.replied == 3)
            #expect(outcomes[id: fleet.specialists[2].id]?.error?.kind == expected)
            for outcome in outcomes where outcome.specialistID != fleet.specialists[2].id {
                #expect(outcome.answer?.content == "\(outcome.specialistID): hi")
            }
        }
    }

    @Test(
        "streams: missing [DONE] and null deltas are fine; an error event is the specialist's; a stall times out",
        arguments: [
            (Misbehaviour.noDone, nil), (.nullDeltas, nil), (.errorMidStream, ExchangeError.Kind.specialistError),
            (.stall, .timeout),
        ]
    )
    func streams(_ misbehaviour: Misbehaviour, expected: ExchangeError.Kind?) async throws {
        try await withFleet(team(2, wire: .openai, misbehaving: [1: misbehaviour])) { fleet, engine in
            // Room for the healthy stream on a loaded machine; the stall is cut at the 1 s reply timeout.
            let options = RoundOptions(timeout: .seconds(1), deadline: .seconds(2))
            var chunks: [String: String] = [:]
            var outcomes: [SpecialistOutcome] = []
            for await event in engine.round(.chat("one two", stream: true), to: fleet.specialists, options: options) {
                switch event {
                case .chunk(let id, let chunk): chunks[id, default: ""] += chunk.content
                case .outcome(let outcome): outcomes.append(outcome)
                case .finished: break
                }
            }
            let odd = try #require(outcomes[id: fleet.specialists[1].id])
            #expect(odd.error?.kind == expected)
            if expected == nil {
                #expect(odd.answer?.content == "\(odd.specialistID): one two")
                #expect(chunks[odd.specialistID] == odd.answer?.content)
            }
            #expect(outcomes[id: fleet.specialists[0].id]?.answer?.content == "\(fleet.specialists[0].id): one two")
        }
    }

    @Test("a server that closes idle keep-alive connections, unannounced, never causes a failure")
    func idleClose() async throws {
        var configurations = team(2, wire: .openai, misbehaving: [0: .idleClose, 1: .idleClose])
        for index in configurations.indices { configurations[index].idleCloseDelay = .milliseconds(30) }
        try await withFleet(configurations) { fleet, engine in
            for round in 0..<3 {
                let (outcomes, summary) = await engine.collect(.chat("r\(round)"), to: fleet.specialists)
                #expect(summary.replied == 2, "round \(round): \(outcomes.compactMap(\.error))")
                // Wait for the server to have closed the connections this round left idle (an event, not a time;
                // bounded, so that a server that never does fails the test instead of hanging it).
                #expect(await eventually { fleet.specialists.allSatisfy { fleet.counters.idleClosed($0.id) >= round + 1 } })
            }
        }
    }

    @Test("429 holds that specialist's breaker open for its Retry-After")
    func retryAfter() async throws {
        var configurations = team(2, wire: .openai, misbehaving: [1: .http429])
        configurations[1].retryAfter = .seconds(30)
        try await withFleet(configurations) { fleet, engine in
            let health = HealthBook()
            let (outcomes, _) = await engine.collect(.chat("hi"), to: fleet.specialists, health: health)
            #expect(outcomes[id: fleet.specialists[1].id]?.error?.kind == .rateLimited)
            let admissions = health.admit(fleet.specialists.map(\.id))
            #expect(admissions[0] == .allow)
            guard case .skip(let remaining) = admissions[1] else {
                Issue.record("not held open: \(admissions[1])")
                return
            }
            #expect(remaining > .seconds(25))
        }
    }

    @Test("one team mixes Tekton sockets and OpenAI-compatible servers in one round")
    func mixed() async throws {
        let configurations = team(3) + team(3, wire: .openai).map { configuration in
            var renamed = configuration
            renamed.id = "http-" + configuration.id
            return renamed
        }
        try await withFleet(configurations) { fleet, engine in
            let (outcomes, summary) = await engine.collect(.chat("all of you"), to: fleet.specialists)
            #expect(summary.replied == 6)
            #expect(Set(outcomes.map(\.specialistID)) == Set(fleet.specialists.map(\.id)))
        }
    }

    @Test("https: trusted through a CA file made now; without it, the failure is 'tls' and nothing is sent")
    func tls() async throws {
        let files = try await TestCertificates.make()
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        let fleetTLS = FleetTLS(certificateChain: files.certificate, privateKey: files.key, serverName: "localhost")
        try await withFleet(team(1, wire: .openai), tls: fleetTLS, caFile: files.ca) { fleet, engine in
            let (outcomes, _) = await engine.collect(.chat("secure"), to: fleet.specialists)
            #expect(outcomes.first?.answer?.content == "engram-ai: secure")
        }
        try await withFleet(team(1, wire: .openai), tls: fleetTLS) { fleet, engine in
            let (outcomes, _) = await engine.collect(.chat("secure"), to: fleet.specialists)
            #expect(outcomes.first?.error?.kind == .tls)
            #expect(fleet.counters.totalRequests(type: "chat") == 0)
        }
    }
}

/// A CA and a server certificate for `localhost` and 127.0.0.1, made with openssl for one test.
enum TestCertificates {
    struct Files {
        var directory: String
        var ca: String
        var certificate: String
        var key: String
    }

    /// - Parameter names: the names the server certificate is good for (`subjectAltName` entries).
    static func make(names: String = "DNS:localhost,IP:127.0.0.1") async throws -> Files {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teamchat-tls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = """
            set -e
            cd "$1"
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=teamchat-test-ca 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null
            printf 'subjectAltName=%s\\n' "$2" > san.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 -extfile san.ext 2>/dev/null
            """
        let made = try await ChildProcess.run("/bin/sh", ["-c", script, "sh", directory, names])
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["stderr": made.stderr]) }
        return Files(
            directory: directory, ca: directory + "/ca.pem", certificate: directory + "/server.pem",
            key: directory + "/server.key")
    }
}
