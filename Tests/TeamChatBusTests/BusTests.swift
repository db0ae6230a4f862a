import Foundation
import TeamChatBus
import TeamChatBusWire
import TeamChatFleet
import TeamChatModel
import TeamChatRESP
import TeamChatRedis
import TeamChatSession
import TeamChatTekton
import TeamChatTestSupport
import Testing

/// A bridge in this process: its own session over its own fleet, on the bus until `body` ends (or `stop`).
struct RunningBridge {
    let bridge: BusBridge
    let fleet: Fleet
}

/// Teams across machines, in one process: bridges over simulated fleets, clients, a real redis-server between them.
@Suite("The bus: bridges and clients on a real redis-server", .serialized, .timeLimit(.minutes(1)))
struct BusTests {
    /// `count` simulated specialists named `prefix-1…`.
    static func fleetTeam(_ prefix: String, _ count: Int, latency: Duration = .zero) -> [SimulatedSpecialistConfiguration] {
        var team = SimulatedSpecialistConfiguration.team(count: count, latency: latency)
        for index in team.indices { team[index].id = "\(prefix)-\(index + 1)" }
        return team
    }

    /// Runs a bridge over `configurations` until `body` returns; the bridge's task is cancelled then (a clean stop).
    static func withBridge<Value: Sendable>(
        _ url: RedisURL, id: String, _ configurations: [SimulatedSpecialistConfiguration], secret: String? = nil,
        _ body: @escaping @Sendable (RunningBridge) async throws -> Value
    ) async throws -> Value {
        try await Fleet.withRunning(configurations) { fleet in
            let session = TeamSession(
                configuration: .init(source: .tekton, store: nil),
                transports: [TektonTransport.make(TektonProtocol())])
            return try await session.withRunning { session in
                let bridge = BusBridge(
                    url: url, session: session, team: fleet.specialists, signer: BusSigner(secret: secret),
                    bridgeID: id, heartbeat: .milliseconds(100), ttl: .milliseconds(500))
                return try await withThrowingTaskGroup(of: Value?.self) { group in
                    group.addTask {
                        await bridge.run()
                        return nil
                    }
                    group.addTask { try await body(RunningBridge(bridge: bridge, fleet: fleet)) }
                    var value: Value?
                    while let next = try await group.next() {
                        if let next {
                            value = next
                            group.cancelAll()
                        }
                    }
                    guard let value else { throw CancellationError() }
                    return value
                }
            }
        }
    }

    /// A client session on the bus.
    static func withClient<Value: Sendable>(
        _ url: RedisURL, secret: String? = nil, _ body: @escaping @Sendable (TeamSession) async throws -> Value
    ) async throws -> Value {
        try await withClient(url, transport: BusTransport(url: url, signer: BusSigner(secret: secret))) { session, _ in
            try await body(session)
        }
    }

    /// A client session on the bus, with its transport (for what it counted).
    static func withClient<Value: Sendable>(
        _ url: RedisURL, transport: BusTransport,
        _ body: @escaping @Sendable (TeamSession, BusTransport) async throws -> Value
    ) async throws -> Value {
        let session = TeamSession(configuration: .init(source: .bus(url.description), store: nil), transports: [transport])
        return try await session.withRunning { session in try await body(session, transport) }
    }

    /// Waits until the registry lists `count` specialists (bounded: a broken bridge fails the test, never hangs it).
    static func waitForMembers(_ session: TeamSession, count: Int) async throws -> [Specialist] {
        var roster: [Specialist] = []
        let listed = try await eventually(within: .seconds(15)) {
            roster = try await session.discover().roster
            return roster.count == count
        }
        guard listed else { throw CancellationError() }
        return roster
    }

    @Test("discovery reads the presence registry; a round is answered by every bridge's specialists")
    func round() async throws {
        try await RedisServer.with { server in
            let url = server.url(team: "blue")
            try await Self.withBridge(url, id: "one", Self.fleetTeam("one", 3)) { first in
                try await Self.withBridge(url, id: "two", Self.fleetTeam("two", 2)) { _ in
                    try await Self.withClient(url) { client in
                        let roster = try await Self.waitForMembers(client, count: 5)
                        #expect(Set(roster.map(\.id)) == ["one-1", "one-2", "one-3", "two-1", "two-2"])
                        #expect(roster.allSatisfy { $0.address.transport == .bus })
                        #expect(roster.first { $0.id == "one-1" }?.address == .bus(BusAddress(bus: url.description, bridge: "one")))
                        let (outcomes, summary) = await client.engine.collect(.chat("hello bus"), to: roster)
                        #expect(summary.replied == 5)
                        for outcome in outcomes {
                            #expect(outcome.answer?.content == "\(outcome.specialistID): hello bus")
                        }
                        #expect(first.bridge.exchangesAnswered == 3)
                    }
                }
            }
        }
    }

    @Test("a stopped bridge's specialists fail at once as no_responders, never costing the deadline; the rest answer")
    func bridgeGone() async throws {
        try await RedisServer.with { server in
            let url = server.url(team: "red")
            try await Self.withBridge(url, id: "stays", Self.fleetTeam("stays", 2)) { _ in
                let roster = try await Self.withBridge(url, id: "goes", Self.fleetTeam("goes", 2)) { _ in
                    try await Self.withClient(url) { client in try await Self.waitForMembers(client, count: 4) }
                }
                // "goes" has stopped (its presence withdrawn): its specialists, still in the roster, fail at once.
                try await Self.withClient(url) { client in
                    var options = RoundOptions()
                    options.timeout = .seconds(5)
                    let started = ContinuousClock.now
                    let (outcomes, summary) = await client.engine.collect(.chat("anyone?"), to: roster, options: options)
                    #expect(started.duration(to: .now) < .seconds(4))
                    #expect(summary.replied == 2)
                    for outcome in outcomes where outcome.specialistID.hasPrefix("goes") {
                        #expect(outcome.error?.kind == .noResponders)
                    }
                    for outcome in outcomes where outcome.specialistID.hasPrefix("stays") {
                        #expect(outcome.answer?.content == "\(outcome.specialistID): anyone?")
                    }
                }
            }
        }
    }

    @Test("with a team secret, forged and replayed messages are dropped and counted; only genuine answers count")
    func forgery() async throws {
        try await RedisServer.with { server in
            let url = server.url(team: "forge")
            let secret = "correct horse battery staple"
            // Slow specialists: the forgeries reach the client before the genuine answers, so they are refused for
            // what they are, not for arriving late.
            try await Self.withBridge(url, id: "real", Self.fleetTeam("real", 2, latency: .milliseconds(300)), secret: secret) {
                bridge in
                let transport = BusTransport(url: url, signer: BusSigner(secret: secret))
                try await Self.withClient(url, transport: transport) { client, transport in
                    let roster = try await Self.waitForMembers(client, count: 2)
                    // Someone who can reach the Redis server reads every request…
                    let forger = try await RedisConnection.connect(to: url)
                    try await forger.send(RESPCommand("PSUBSCRIBE", "teamchat:forge:requests:*"))
                    let publisher = try await RedisConnection.connect(to: url)
                    let forged = AsyncLatch<Void>()
                    // The forger answers, for every specialist, each request it sees until it has answered for both
                    // (however the client splits its requests); it counts what it published.
                    async let forging: Int = {
                        var answered: Set<String> = []
                        var published = 0
                        for await push in forger.pushes {
                            guard let parts = push.elements, parts.count == 4, parts[0].string == "pmessage",
                                let channel = parts[2].string, case .bulkString(let payload?) = parts[3],
                                let json = payload.split(separator: UInt8(ascii: ":"), maxSplits: 2).last,
                                let request = BusRequest.decode(Array(json))
                            else { continue }
                            // …answers it first, unsigned and with a key of its own, on the reply channel it names…
                            for id in request.to {
                                let answer = SpecialistOutcome(
                                    index: 0, specialistID: id, result: .success(.answer(ChatAnswer(content: "forged"))),
                                    elapsed: .zero)
                                let reply = BusReply.encode(.outcome(answer), round: request.round, channel: request.replyTo)
                                for body in [reply, BusSigner(secret: "guessed").seal(reply)] {
                                    // A long deadline: on a loaded machine a PUBLISH past the default 2 s would
                                    // close the forger's connection and lose the forgeries after it.
                                    let receivers = try? await publisher.send(
                                        RESPCommand([Array("PUBLISH".utf8), Array(request.replyTo.utf8), body]),
                                        timeout: .seconds(30))
                                    if let count = receivers?.integer, count > 0 { published += 1 }
                                }
                                answered.insert(id)
                            }
                            guard answered.count >= 2 else { continue }
                            // …replays the genuine request, and sends one of its own.
                            _ = try? await publisher.send(
                                RESPCommand([Array("PUBLISH".utf8), Array(channel.utf8), payload]), timeout: .seconds(30))
                            var own = request
                            own.round += "-mine"
                            _ = try? await publisher.send(
                                RESPCommand([Array("PUBLISH".utf8), Array(channel.utf8), own.json]), timeout: .seconds(30))
                            forged.resolve(())
                            return published
                        }
                        return published
                    }()
                    let (outcomes, summary) = await client.engine.collect(.chat("real?"), to: roster)
                    _ = await forged.value(within: .seconds(10))
                    await forger.close()
                    let published = await forging
                    await publisher.close()
                    #expect(summary.replied == 2)
                    #expect(outcomes.compactMap { $0.answer?.content }.sorted() == ["real-1: real?", "real-2: real?"])
                    // Two forgeries per specialist, each refused for its code (counted as the client reads them).
                    #expect(published >= 4)
                    #expect(await eventually(within: .seconds(20)) { transport.rejectedMessages == published },
                            "\(transport.rejectedMessages) of \(published)")
                    // The replay and the unsigned request.
                    #expect(await eventually { bridge.bridge.rejectedRequests == 2 })
                    #expect(bridge.bridge.exchangesAnswered == 2)
                }
            }
        }
    }

    @Test("redis-server stopped (SIGSTOP) while a round waits: the round ends by its deadline, not when Redis comes back")
    func stalledServer() async throws {
        try await RedisServer.with { server in
            let url = server.url(team: "stalled")
            try await Self.withBridge(url, id: "s", Self.fleetTeam("s", 2, latency: .milliseconds(300))) { bridge in
                try await Self.withClient(url) { client in
                    let roster = try await Self.waitForMembers(client, count: 2)
                    let options = RoundOptions(timeout: .seconds(1), connectTimeout: .milliseconds(200))
                    // Stopped once the request is out and the specialists think: no answer can be published.
                    async let round = client.engine.collect(.chat("anyone?"), to: roster, options: options)
                    let asked = await eventually(within: .seconds(10)) {
                        bridge.fleet.counters.totalRequests(type: "chat") == 2
                    }
                    #expect(asked)
                    server.signal(SIGSTOP)
                    defer { server.signal(SIGCONT) }
                    let (outcomes, summary) = await round
                    #expect(summary.replied == 0)
                    #expect(outcomes.allSatisfy { $0.error != nil })
                    // The round's budget is 1.2 s: it ends then (the engine's own timer), plus a little slack.
                    #expect(summary.elapsed <= options.effectiveDeadline + .milliseconds(50), "\(summary.elapsed)")
                }
            }
        }
    }

    @Test("redis-server stopped before a round, or killed: the round ends by its deadline all the same")
    func stoppedAndKilledServer() async throws {
        try await RedisServer.with { server in
            let url = server.url(team: "gone")
            try await Self.withBridge(url, id: "g", Self.fleetTeam("g", 2)) { _ in
                try await Self.withClient(url) { client in
                    let roster = try await Self.waitForMembers(client, count: 2)
                    let options = RoundOptions(timeout: .seconds(1), connectTimeout: .milliseconds(200))
                    server.signal(SIGSTOP)
                    let stopped = await client.engine.collect(.chat("anyone?"), to: roster, options: options).summary
                    server.signal(SIGCONT)
                    #expect(stopped.replied == 0)
                    #expect(stopped.elapsed <= options.effectiveDeadline + .milliseconds(50), "\(stopped.elapsed)")
                    await server.kill()
                    let killed = await client.engine.collect(.chat("anyone?"), to: roster, options: options).summary
                    #expect(killed.replied == 0)
                    #expect(killed.failed == 2)
                    #expect(killed.elapsed <= options.effectiveDeadline + .milliseconds(50), "\(killed.elapsed)")
                }
            }
        }
    }

    @Test("many concurrent rounds from two clients: every reply reaches its own round, never another's")
    func noCrossTalk() async throws {
        try await RedisServer.with { server in
            let url = server.url(team: "green")
            try await Self.withBridge(url, id: "b", Self.fleetTeam("b", 3, latency: .milliseconds(2))) { bridge in
                try await withThrowingTaskGroup(of: Int.self) { clients in
                    for client in 0..<2 {
                        clients.addTask {
                            try await Self.withClient(url) { session in
                                let roster = try await Self.waitForMembers(session, count: 3)
                                return await withTaskGroup(of: Int.self) { rounds in
                                    for round in 0..<20 {
                                        rounds.addTask {
                                            let text = "client \(client) round \(round)"
                                            let (outcomes, _) = await session.engine.collect(.chat(text), to: roster)
                                            return outcomes.filter { $0.answer?.content == "\($0.specialistID): \(text)" }.count
                                        }
                                    }
                                    return await rounds.reduce(0, +)
                                }
                            }
                        }
                    }
                    let correct = try await clients.reduce(0, +)
                    #expect(correct == 2 * 20 * 3)
                    // A round may reach the bridge in parts: none of them is taken for a replay.
                    #expect(bridge.bridge.rejectedRequests == 0)
                }
            }
        }
    }

    @Test("redis-server restarted mid-session: bridge and client reconnect and the next round is answered in full")
    func restart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcb-\(UUID().uuidString.prefix(8))")
        let first = try await RedisServer.start(directory: directory)
        defer { first.stop() }  // when the test failed before it killed it
        let url = first.url(team: "amber")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.withBridge(url, id: "r", Self.fleetTeam("r", 2)) { _ in
            try await Self.withClient(url) { client in
                let roster = try await Self.waitForMembers(client, count: 2)
                #expect(await client.engine.collect(.chat("before"), to: roster).summary.replied == 2)
                await first.kill()
                // A round while the server is down fails within its deadline, never hangs.
                var options = RoundOptions()
                options.timeout = .milliseconds(300)
                let down = await client.engine.collect(.chat("during"), to: roster, options: options)
                #expect(down.summary.replied == 0)
                let second = try await RedisServer.start(directory: directory)
                defer { second.stop() }
                _ = try await Self.waitForMembers(client, count: 2)  // the bridge is back in the registry
                #expect(await client.engine.collect(.chat("after"), to: roster).summary.replied == 2)
            }
        }
    }

    @Test("send --async: posted while no bridge runs, answered when one comes back; collect waits for the rest")
    func asynchronous() async throws {
        try await RedisServer.with { server in
            let url = server.url(team: "violet")
            let poster = try await RedisConnection.connect(to: url)
            let unsigned = BusSigner(secret: nil)
            let round = try await BusMailbox.post(
                on: poster, team: url.team, message: "while you were out", expected: ["late-1", "late-2"],
                timeout: .seconds(2), ttl: .seconds(60), signer: unsigned)
            let before = try #require(
                try await BusMailbox.collect(on: poster, team: url.team, round: round, signer: unsigned))
            #expect(before.outcomes.isEmpty && before.missing == ["late-1", "late-2"])
            #expect(try await BusMailbox.collect(on: poster, team: url.team, round: "no-such-round", signer: unsigned) == nil)
            await poster.close()
            // The bridge comes up after the post, and answers it.
            try await Self.withBridge(url, id: "late", Self.fleetTeam("late", 2)) { bridge in
                let collector = try await RedisConnection.connect(to: url)
                let after = try #require(
                    try await BusMailbox.collect(
                        on: collector, team: url.team, round: round, wait: .seconds(10), signer: unsigned))
                #expect(after.missing.isEmpty)
                #expect(after.outcomes.map { $0.answer?.content } == ["late-1: while you were out", "late-2: while you were out"])
                await collector.close()
                #expect(bridge.bridge.exchangesAnswered == 2)
            }
        }
    }
}

@Suite("A roster that mixes the bus with sockets", .serialized, .timeLimit(.minutes(1)))
struct BusRosterTests {
    @Test("{\"bus\":…} entries beside a Tekton socket: one round reaches both")
    func mixed() async throws {
        try await RedisServer.with { server in
            let url = server.url(team: "mixed")
            try await BusTests.withBridge(url, id: "far", BusTests.fleetTeam("far", 1)) { _ in
                try await Fleet.withRunning(BusTests.fleetTeam("near", 1)) { near in
                    var roster = near.specialists
                    roster.append(Specialist(
                        id: "far-1", address: .bus(BusAddress(bus: url.description, bridge: "")), model: nil,
                        component: nil, description: nil))
                    let bus = BusTransport(url: url)
                    let session = TeamSession(
                        configuration: .init(source: .tekton, store: nil),
                        transports: [TektonTransport.make(TektonProtocol()), bus])
                    await session.withRunning { session in
                        // Wait until the bridge is on the bus (bounded), then one round to both.
                        let listed = await eventually(within: .seconds(15)) {
                            (try? await bus.registry())?.contains(where: { $0.bridge == "far" }) == true
                        }
                        #expect(listed)
                        let (outcomes, summary) = await session.engine.collect(.chat("both"), to: roster)
                        #expect(summary.replied == 2)
                        #expect(Set(outcomes.compactMap { $0.answer?.content }) == ["near-1: both", "far-1: both"])
                    }
                }
            }
        }
    }
}

@Suite("Bus messages", .timeLimit(.minutes(1)))
struct BusMessageTests {
    @Test("what other machines send is read leniently where a member may be missing, and refused when it is wrong")
    func decoding() {
        let presence = BusPresence.decode(Array(#"{"bridge":"b","specialists":[{"id":"x"},{"id":""}]}"#.utf8))
        #expect(presence?.bridge == "b" && presence?.host == "")
        #expect(presence?.members.map(\.id) == ["x"])
        #expect(BusPresence.decode(Array(#"{"specialists":[]}"#.utf8)) == nil)
        let request = BusRequest.decode(
            Array(#"{"bus_round":"r","reply_to":"c","kind":"ping","timeout_ms":500,"sent_ms":1}"#.utf8))
        #expect(request?.to == [] && request?.request == .ping && request?.timeout == .milliseconds(500))
        #expect(BusRequest.decode(Array(#"{"bus_round":"r","reply_to":"c","to":5,"kind":"ping","timeout_ms":1,"sent_ms":1}"#.utf8)) == nil)
        // No send time: not a request this version answers.
        #expect(BusRequest.decode(Array(#"{"bus_round":"r","reply_to":"c","kind":"ping","timeout_ms":500}"#.utf8)) == nil)
        #expect(BusRequest.decode(Array("not json".utf8)) == nil)
    }
}
