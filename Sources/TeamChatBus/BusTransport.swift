import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TeamChatBusWire
import TeamChatEngine
import TeamChatModel
import TeamChatRESP
import TeamChatRedis

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `bus` transport (DESIGN §8): specialists that bridges on other machines publish on a Redis bus.
///
/// It leases nothing (a lease is granted at once) and correlates by round: every exchange of one round shares one
/// ``ExchangeRequest``, hence one bus round id, and the exchanges a round starts together are published together,
/// after the transport's event loop has taken them all: once per bridge, on that bridge's own request channel. The
/// presence registry says which bridge fronts whom; PUBLISH's count of receivers says whether that bridge still
/// listens. A specialist no live bridge fronts, or whose bridge is gone (killed: its subscription went with its
/// connection, however long its presence lingers), fails at once as `no_responders` and never costs the deadline.
/// Replies arrive on this client's own reply channel and go to the exchange of their round and specialist; anything
/// else (a late reply, another round's, one published for another client, one whose code does not check out) is
/// dropped. Deadlines are the engine's; every Redis command has its own; a cancelled exchange is completed as
/// cancelled at once.
public final class BusTransport: RunningTransport, TeamCatalog {
    public var kind: TransportKind { .bus }

    public let url: RedisURL
    public let signer: BusSigner
    private let client: RedisClient
    private let clientID: String
    private let replyChannel: String
    private let loop: any EventLoop
    private let state: NIOLoopBoundBox<State>
    /// The registry as last read, and when: rounds within ``registryLifetime`` of a read use it.
    private let cachedRegistry = NIOLockedValueBox<(at: ContinuousClock.Instant, presences: [BusPresence])?>(nil)
    private static let registryLifetime = Duration.milliseconds(250)
    /// Messages dropped because their code did not check out (or they had none where one was needed).
    private let rejected = NIOLockedValueBox(0)
    /// Work off the loop (reading the registry, publishing), done by ``run()``'s children.
    private let jobs: AsyncStream<@Sendable () async -> Void>
    private let jobQueue: AsyncStream<@Sendable () async -> Void>.Continuation

    private struct Exchange {
        var specialistID: String
        var round: String
        var observer: any ExchangeObserver
        var started: NIODeadline
    }

    private struct State {
        var exchanges: [ExchangeToken: Exchange] = [:]
        /// (bus round, specialist) → token.
        var routes: [String: [String: ExchangeToken]] = [:]
        /// Exchanges taken but not published yet, by bus round.
        var unpublished: [String: (request: ExchangeRequest, tokens: [ExchangeToken])] = [:]
        var nextRound = 0
    }

    public init(
        url: RedisURL, signer: BusSigner = BusSigner(secret: nil), clientID: String? = nil,
        logger: Logger = Logger(label: "teamchat.bus")
    ) {
        self.url = url
        self.signer = signer
        let id = clientID ?? "\(BusTransport.hostName())-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        self.clientID = id
        self.replyChannel = BusNames.replyChannel(team: url.team, client: id)
        self.client = RedisClient(url: url, name: "teamchat-\(id)", channels: [replyChannel], logger: logger)
        self.loop = MultiThreadedEventLoopGroup.singleton.next()
        (jobs, jobQueue) = AsyncStream.makeStream(of: (@Sendable () async -> Void).self)
        self.state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: loop)
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Messages dropped so far because they were unsigned or forged (for reports and tests).
    public var rejectedMessages: Int { rejected.withLockedValue { $0 } }

    // MARK: Running

    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask {
                for await message in self.client.messages where message.channel == self.replyChannel {
                    guard let (round, event) = self.reply(message.payload) else { continue }
                    self.loop.execute { self.deliver(event, round: round) }
                }
            }
            group.addTask {
                await withTaskGroup(of: Void.self) { work in
                    for await job in self.jobs { work.addTask { await job() } }
                }
            }
            // Every child runs until this task is cancelled.
            await group.waitForAll()
        }
        loop.execute {
            for (token, exchange) in self.state.value.exchanges {
                exchange.observer.exchangeCompleted(token, result: .failure(ExchangeError(.closed, "the bus client stopped")))
            }
            self.state.value = State()
        }
    }

    /// A reply from this client's channel: authentic, published for this client, or dropped (and counted).
    private func reply(_ payload: [UInt8]) -> (round: String, event: RoundEvent)? {
        guard case .accepted(let json) = signer.open(payload) else {
            rejected.withLockedValue { $0 += 1 }
            return nil
        }
        guard let (round, channel, event) = BusReply.decode(json), channel == replyChannel else {
            rejected.withLockedValue { $0 += 1 }
            return nil
        }
        return (round, event)
    }

    // MARK: The presence registry

    /// Every live bridge's presence (those whose code does not check out are dropped and counted).
    public func registry(timeout: Duration = .seconds(2)) async throws -> [BusPresence] {
        let giveUp = ContinuousClock.now + timeout
        func left() -> Duration { max(.milliseconds(1), ContinuousClock.now.duration(to: giveUp)) }
        var keys: [String] = []
        var cursor = "0"
        repeat {
            let reply = try await client.send(
                RESPCommand("SCAN", cursor, "MATCH", BusNames.presencePattern(team: url.team), "COUNT", "1000"),
                timeout: left())
            guard let parts = reply.elements, parts.count == 2, let next = parts[0].string else { break }
            cursor = next
            keys += parts[1].elements?.compactMap(\.string) ?? []
        } while cursor != "0"
        guard !keys.isEmpty else { return [] }
        let values = try await client.send(RESPCommand(strings: ["MGET"] + keys.sorted()), timeout: left())
        return (values.elements ?? []).compactMap { value in
            guard case .bulkString(let bytes?) = value else { return nil }  // expired between SCAN and MGET
            guard case .accepted(let json) = signer.open(bytes), let presence = BusPresence.decode(json) else {
                rejected.withLockedValue { $0 += 1 }
                return nil
            }
            return presence
        }
    }

    /// The registry, read again only when the last read is older than ``registryLifetime``.
    private func recentRegistry(timeout: Duration) async throws -> [BusPresence] {
        let now = ContinuousClock.now
        if let cached = cachedRegistry.withLockedValue({ $0 }), cached.at.duration(to: now) < Self.registryLifetime {
            return cached.presences
        }
        let presences = try await registry(timeout: timeout)
        cachedRegistry.withLockedValue { $0 = (now, presences) }
        return presences
    }

    /// Who fronts each specialist: the first bridge in name order wins an id two bridges share.
    private static func fronts(_ presences: [BusPresence]) -> [String: String] {
        var bridges: [String: String] = [:]
        for presence in presences.sorted(by: { $0.bridge < $1.bridge }) {
            for member in presence.members where bridges[member.id] == nil { bridges[member.id] = presence.bridge }
        }
        return bridges
    }

    public func members(of source: RosterSource, options: RoundOptions) async -> Result<[Specialist], ExchangeError>? {
        guard case .bus(let name) = source, name == url.description else { return nil }
        do {
            let presences = try await registry(timeout: options.connectTimeout + options.timeout)
            var seen: Set<String> = []
            return .success(presences.sorted { $0.bridge < $1.bridge }.flatMap { presence in
                presence.members.compactMap { member -> Specialist? in
                    guard seen.insert(member.id).inserted else { return nil }  // the first bridge wins a shared id
                    return Specialist(
                        id: member.id, address: .bus(BusAddress(bus: url.description, bridge: presence.bridge)),
                        model: member.model, component: nil, description: nil)
                }
            })
        } catch let error as RedisError where error.isAuthenticationFailure {
            return .failure(ExchangeError(
                .authentication,
                "the bus \(url) refused our credentials (\(error)): its password comes from TEAMCHAT_BUS_PASSWORD or "
                    + "TEAMCHAT_BUS_URL"))
        } catch let error as RedisError where error.isTimeout {
            return .failure(ExchangeError(.noResponders, "the bus \(url) did not answer in time (\(error))"))
        } catch {
            return .failure(ExchangeError(.noResponders, "cannot reach the bus \(url) (\(error))"))
        }
    }

    // MARK: SpecialistTransport

    public func lease(_ requests: [LeaseRequest], observer: any ExchangeObserver) {
        for request in requests {
            observer.leaseSucceeded(request.token, lease: BusLease(transport: self))
        }
    }

    public func cancelLease(_ token: ExchangeToken, for specialist: Specialist) {}

    public func prewarm(_ specialist: Specialist, connections: Int, connectTimeout: Duration) async -> PrewarmResult {
        let started = ContinuousClock.now
        do {
            _ = try await client.send(RESPCommand("PING"), timeout: connectTimeout)
            return PrewarmResult(connectDurations: [started.duration(to: .now)], alreadyOpen: 0, error: nil)
        } catch {
            return PrewarmResult(connectDurations: [], alreadyOpen: 0, error: ExchangeError(.noResponders, "\(error)"))
        }
    }

    public var statistics: TransportStatistics {
        var statistics = TransportStatistics()
        statistics.opened = client.connectionsMade
        return statistics
    }

    public func statistics(for specialist: Specialist) -> TransportStatistics { TransportStatistics() }

    public func shutdown() async {}

    // MARK: Exchanges

    fileprivate func start(_ request: ExchangeRequest, specialistID: String, token: ExchangeToken, observer: any ExchangeObserver) {
        loop.execute {
            // The state is changed where it lies (never copied out and back: at 1,000 specialists a copy per
            // exchange made a round quadratic).
            let round = request.memoized("bus-round") { () -> String in
                defer { self.state.value.nextRound += 1 }
                return "\(self.clientID):\(self.state.value.nextRound)"
            }
            self.state.value.exchanges[token] = Exchange(
                specialistID: specialistID, round: round, observer: observer, started: .now())
            self.state.value.routes[round, default: [:]][specialistID] = token
            let first = self.state.value.unpublished[round] == nil
            self.state.value.unpublished[round, default: (request, [])].tokens.append(token)
            // Published once the loop has taken every exchange the round started together.
            if first { self.loop.execute { self.publish(round) } }
        }
    }

    fileprivate func cancel(_ token: ExchangeToken) {
        loop.execute {
            guard let exchange = self.remove(token) else { return }
            exchange.observer.exchangeCompleted(token, result: .failure(.cancelled()))
        }
    }

    /// What publishing a round found, per specialist: its bridge heard it, or why it can answer nobody.
    private enum Delivery: Sendable {
        case heard
        case noBridge
        case bridgeGone(String)
        case failed(String)
    }

    private func publish(_ round: String) {
        guard let (request, tokens) = state.value.unpublished.removeValue(forKey: round) else { return }
        let ids = tokens.compactMap { state.value.exchanges[$0]?.specialistID }
        let client = self.client
        let team = url.team
        let (replyTo, signer) = (replyChannel, self.signer)
        // The registry says who fronts whom; each bridge's publish says whether it still listens. Both off the loop,
        // as work of ``run()``, every command under the request's timeout.
        jobQueue.yield {
            var deliveries: [String: Delivery] = [:]
            do {
                let fronts = Self.fronts(try await self.recentRegistry(timeout: request.limits.timeout))
                let byBridge = Dictionary(grouping: ids.filter { fronts[$0] != nil }, by: { fronts[$0]! })
                for id in ids where fronts[id] == nil { deliveries[id] = .noBridge }
                let sent = Int64((SystemWallClock().now.secondsSince1970 * 1_000).rounded())
                await withTaskGroup(of: (String, Delivery).self) { publishes in
                    for (bridge, members) in byBridge {
                        let message = BusRequest(
                            round: round, replyTo: replyTo, to: members, request: request.request,
                            timeout: request.limits.timeout, maximumReplyBytes: request.limits.maximumReplyBytes,
                            sentMilliseconds: sent)
                        let command = RESPCommand([
                            Array("PUBLISH".utf8), Array(BusNames.requestChannel(team: team, bridge: bridge).utf8),
                            signer.seal(message.json),
                        ])
                        publishes.addTask {
                            do {
                                let heard = try await client.send(command, timeout: request.limits.timeout)
                                return (bridge, (heard.integer ?? 0) > 0 ? .heard : .bridgeGone(bridge))
                            } catch {
                                return (bridge, .failed("\(error)"))
                            }
                        }
                    }
                    for await (bridge, delivery) in publishes {
                        for id in byBridge[bridge] ?? [] { deliveries[id] = delivery }
                    }
                }
            } catch {
                for id in ids { deliveries[id] = .failed("\(error)") }
            }
            let outcome = deliveries
            self.loop.execute { self.published(tokens, outcome) }
        }
    }

    /// Fails, at once, the exchanges of a round nobody can answer.
    private func published(_ tokens: [ExchangeToken], _ deliveries: [String: Delivery]) {
        for token in tokens {
            guard let exchange = state.value.exchanges[token] else { continue }
            switch deliveries[exchange.specialistID] ?? .noBridge {
            case .heard:
                continue
            case .noBridge:
                fail(token, ExchangeError(.noResponders, "no bridge on \(url) fronts it"))
            case .bridgeGone(let bridge):
                fail(token, ExchangeError(.noResponders, "its bridge \(bridge) on \(url) is gone"))
            case .failed(let words):
                fail(token, ExchangeError(.noResponders, "the bus: \(words)"))
            }
        }
    }

    private func deliver(_ event: RoundEvent, round: String) {
        switch event {
        case .chunk(let id, let chunk):
            guard let token = state.value.routes[round]?[id], let exchange = state.value.exchanges[token] else { return }
            exchange.observer.exchangeReceived(token, chunk: chunk)
        case .outcome(let outcome):
            guard let token = state.value.routes[round]?[outcome.specialistID], let exchange = remove(token) else { return }
            let firstByte = Duration.nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds - exchange.started.uptimeNanoseconds))
            exchange.observer.exchangeCompleted(token, result: ExchangeResult(outcome: outcome.result, firstByte: firstByte, reusable: true))
        case .finished:
            return
        }
    }

    private func fail(_ token: ExchangeToken, _ error: ExchangeError) {
        guard let exchange = remove(token) else { return }
        exchange.observer.exchangeCompleted(token, result: .failure(error))
    }

    /// Forgets an exchange (its route too); nil when it already ended.
    private func remove(_ token: ExchangeToken) -> Exchange? {
        guard let exchange = state.value.exchanges.removeValue(forKey: token) else { return nil }
        state.value.routes[exchange.round]?[exchange.specialistID] = nil
        if state.value.routes[exchange.round]?.isEmpty == true { state.value.routes[exchange.round] = nil }
        return exchange
    }
}

/// A bus exchange's "connection": nothing to hold, one exchange at a time.
final class BusLease: ExchangeLease {
    private let transport: BusTransport

    init(transport: BusTransport) {
        self.transport = transport
    }

    var info: LeaseInfo { LeaseInfo(reused: true, connectDuration: nil) }

    func start(
        _ request: ExchangeRequest, for specialist: Specialist, token: ExchangeToken, observer: any ExchangeObserver
    ) {
        transport.start(request, specialistID: specialist.id, token: token, observer: observer)
    }

    func cancel(_ token: ExchangeToken) {
        transport.cancel(token)
    }

    func release(reusable: Bool) {}
}
