import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatEngine
import TeamChatFleet
import TeamChatModel
import TeamChatTekton
import TeamChatTestSupport
import Testing

@Suite("The engine over real sockets: leases, concurrency, names", .timeLimit(.minutes(1)))
struct EngineLifecycleTests {
    @Test("hundreds of rounds that end early leave every pool idle, nothing leased, and a full round still works")
    func earlyEndingRoundsLeakNothing() async throws {
        var configurations = team(6, misbehaving: [4: .hang])
        configurations[1].latency = .milliseconds(1)
        configurations[2].jitter = .milliseconds(1)
        try await withFleet(configurations, pool: .init(maximumConnections: 3)) { fleet, engine in
            let healthy = fleet.specialists.enumerated().filter { $0.offset != 4 }.map(\.element)
            /// A full round to the healthy five, with default options, is answered in full: an early end leaves
            /// nothing behind that a later round could trip on (a connect started with what was left of an ended
            /// round's deadline once failed the next round's request).
            func fullRound(_ message: String) async {
                let (outcomes, summary) = await engine.collect(.chat(message), to: healthy)
                let described = outcomes.map { "\($0.specialistID): \($0.answer?.content ?? "\($0.error.map(String.init(describing:)) ?? "-")")" }
                #expect(summary.replied == healthy.count, "\(described)")
                #expect(outcomes.allSatisfy { $0.answer?.content == "\($0.specialistID): \(message)" }, "\(described)")
            }
            for round in 0..<300 {
                var options = RoundOptions(timeout: .milliseconds(200), connectTimeout: .milliseconds(200))
                switch round % 3 {
                case 0: options.quorum = 1
                case 1: options.deadline = .microseconds(300)
                default: options.deadline = .milliseconds(50)
                }
                if round % 5 == 4 {
                    // The consumer walks away after the first event: the round is cancelled.
                    for await _ in engine.round(.chat("r\(round)"), to: fleet.specialists, options: options) { break }
                } else {
                    _ = await engine.collect(.chat("r\(round)"), to: fleet.specialists, options: options)
                }
                if round % 10 == 9 { await fullRound("full \(round)") }
            }
            // Abandoned exchanges report back on their own loops; wait for the last of them, not for a time (a leak
            // fails the test after 10 s instead of hanging it).
            let settled = await eventually {
                let statistics = engine.statistics
                return statistics.leased == 0 && statistics.waiting == 0 && statistics.connecting == 0
            }
            let statistics = engine.statistics
            #expect(settled, "\(statistics)")
            #expect(statistics.leased == 0)
            #expect(statistics.waiting == 0)
            for specialist in fleet.specialists {
                #expect(engine.statistics(for: specialist).open <= 3)
            }
            await fullRound("after")
        }
    }

    @Test("a consumer cancelled while answers stream in ends its round every time; the two never wait for each other")
    func cancelWhileStreaming() async throws {
        var configurations = team(8)
        for index in configurations.indices { configurations[index].jitter = .microseconds(300) }
        let fleet = try await Fleet.start(configurations)
        let engine = RoundEngine(transports: [TektonTransport.make(TektonProtocol(configuration: .init()))])
        // The task is cancelled after a varying number of events, while more are being handed to it: the round's
        // cancellation and its deliveries meet. A deadlock between them stops an event loop for good, so the rounds
        // run in a task of their own, the test waits for them with a bound, and a stuck run is reported (and its
        // fleet and engine left as they are: stopping them needs the stuck loop).
        let rounds = 600
        let completed = NIOLockedValueBox(0)
        let work = Task {
            for round in 0..<rounds {
                let seen = NIOLockedValueBox(0)
                let consumer = Task {
                    for await _ in engine.round(.chat("r\(round) a b c d", stream: true), to: fleet.specialists) {
                        seen.withLockedValue { $0 += 1 }
                    }
                }
                while seen.withLockedValue({ $0 }) < 1 + round % 5 { await Task.yield() }
                consumer.cancel()
                await consumer.value
                completed.withLockedValue { $0 += 1 }
            }
        }
        guard await eventually(within: .seconds(60), { completed.withLockedValue { $0 } == rounds }) else {
            Issue.record("stuck after \(completed.withLockedValue { $0 }) of \(rounds) rounds")
            return
        }
        await work.value
        await engine.shutdown()
        await fleet.stop()
    }

    @Test("a collecting task cancelled before, at or during its round ends the round at once, hung specialists too")
    func cancelWhileCollecting() async throws {
        try await withFleet(team(4, misbehaving: [3: .hang])) { fleet, engine in
            // Without the cancellation every round waits the full minute for the hung specialist; the test waits for
            // all of them with a bound, so a round that is not cancelled fails it instead of hanging it.
            let options = RoundOptions(timeout: .seconds(60))
            let rounds = 60
            let completed = NIOLockedValueBox(0)
            let work = Task {
                for round in 0..<rounds {
                    let asked = fleet.counters.totalRequests(type: "chat")
                    let collecting = Task { await engine.collect(.chat("r\(round)"), to: fleet.specialists, options: options) }
                    // Cancelled before the round starts, as it starts, or once every specialist has been asked.
                    for _ in 0..<(round % 4) { await Task.yield() }
                    if round % 4 == 3 {
                        #expect(await eventually { fleet.counters.totalRequests(type: "chat") >= asked + 4 })
                    }
                    collecting.cancel()
                    let (outcomes, summary) = await collecting.value
                    #expect(summary.addressed == 4)
                    #expect(outcomes.count == 4)
                    #expect(outcomes[id: fleet.specialists[3].id]?.error?.kind == .cancelled)
                    completed.withLockedValue { $0 += 1 }
                }
            }
            guard await eventually(within: .seconds(30), { completed.withLockedValue { $0 } == rounds }) else {
                Issue.record("stuck after \(completed.withLockedValue { $0 }) of \(rounds) rounds")
                work.cancel()
                return
            }
            await work.value
        }
    }

    @Test("dozens of concurrent rounds over the same pools each get only their own answers")
    func concurrentRounds() async throws {
        try await withFleet(team(5), pool: .init(maximumConnections: 4)) { fleet, engine in
            await withTaskGroup(of: Void.self) { group in
                for round in 0..<40 {
                    group.addTask {
                        let (outcomes, summary) = await engine.collect(.chat("m\(round)"), to: fleet.specialists)
                        #expect(summary.replied == 5)
                        #expect(outcomes.allSatisfy { $0.answer?.content == "\($0.specialistID): m\(round)" })
                    }
                }
            }
            #expect(fleet.counters.totalConnections <= 5 * 4)
        }
    }

    @Test("prewarm opens connections through the pool; the next round reuses them")
    func prewarm() async throws {
        try await withFleet(team(3)) { fleet, engine in
            let results = await engine.prewarm(fleet.specialists, connections: 2, connectTimeout: .milliseconds(500))
            #expect(results.allSatisfy { $0.connectDurations.count == 2 && $0.error == nil })
            let accepted = { fleet.specialists.map { fleet.counters.connections($0.id) } }
            #expect(await eventually { accepted() == [2, 2, 2] }, "accepted \(accepted()) after \(results)")
            let (outcomes, _) = await engine.collect(.chat("warm"), to: fleet.specialists)
            #expect(outcomes.allSatisfy { $0.reused == false && $0.connect == nil && $0.isSuccess })
            #expect(accepted() == [2, 2, 2])
            #expect(fleet.counters.totalRequests(type: "chat") == 3)
        }
    }

    @Test("'localhost' is resolved, not assumed; a name that does not resolve fails as 'resolve', each time")
    func names() async throws {
        try await withFleet(team(1)) { fleet, engine in
            let port = try #require(fleet.specialists[0].address.tektonEndpoint).port
            let local = Specialist.tekton(id: "local", host: "localhost", port: port)
            let nowhere = Specialist.tekton(id: "nowhere", host: "no-such-host.invalid", port: port)
            let (outcomes, _) = await engine.collect(
                .chat("hi"), to: [local, nowhere], options: RoundOptions(connectTimeout: .seconds(2)))
            #expect(outcomes[id: "local"]?.answer?.content == "engram-ai: hi")
            #expect(outcomes[id: "nowhere"]?.error?.kind == .resolve)
            let (again, _) = await engine.collect(.chat("hi"), to: [nowhere], options: RoundOptions(connectTimeout: .seconds(2)))
            #expect(again.first?.error?.kind == .resolve)
        }
    }
}
