import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import TeamChatBusWire
import TeamChatModel
import TeamChatRESP
import TeamChatRedis
import TeamChatSession

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `teamchat bridge`: fronts this machine's specialists (a session of any transports) on a Redis bus.
///
/// It announces them in the team's presence registry (a key with a TTL its heartbeat renews: it expires when the
/// bridge dies, and is deleted when it stops), listens on its own request channel, and answers every round that
/// names its specialists — at most ``maximumConcurrentRounds`` at once, each under the requester's reply timeout,
/// each answer published on the requester's reply channel the moment it arrives (chunks too, when the round streams).
///
/// Who may reach it: anyone who can reach the Redis server. What they may change: with a team secret, nothing — a
/// request whose code does not check out, that is too old (a replay) or names a reply channel outside the team's is
/// dropped and counted (``rejectedRequests``); a bridge publishes only on the reply channel a signed request names.
/// Without a secret it trusts the Redis server's own access control (ACL, TLS) and says so once.
public final class BusBridge: Service, Sendable {
    public let url: RedisURL
    public let bridgeID: String
    public let signer: BusSigner
    /// Rounds answered at once at most; requests beyond wait for a free place (and are read from the bus later).
    public let maximumConcurrentRounds: Int
    private let session: TeamSession
    private let team: [Specialist]
    private let heartbeat: Duration
    private let ttl: Duration
    private let logger: Logger
    private let client: RedisClient
    /// A second connection for the inbox: a blocking stream read holds its connection while it waits.
    private let inboxClient: RedisClient
    private let counters = NIOLockedValueBox(Counters())

    private struct Counters {
        var answered = 0
        var rejected = 0
        /// Recent requests (bus round and whom it names → wall-clock ms after which it is forgotten): a request seen
        /// twice (a replay) is answered once.
        var seen: [String: Int64] = [:]
    }

    /// How far a request's clock may be from ours, either way, before it is refused as stale or from the future.
    static let clockTolerance = Duration.seconds(30)

    /// - Parameters:
    ///   - team: the specialists to front (already resolved through `session`).
    ///   - heartbeat: how often the presence is renewed; it expires after `ttl` without one.
    public init(
        url: RedisURL, session: TeamSession, team: [Specialist], signer: BusSigner = BusSigner(secret: nil),
        bridgeID: String? = nil, heartbeat: Duration = .seconds(1), ttl: Duration = .seconds(3),
        maximumConcurrentRounds: Int = 64, logger: Logger = Logger(label: "teamchat.bridge")
    ) {
        self.url = url
        self.session = session
        self.team = team
        self.signer = signer
        self.bridgeID = bridgeID ?? "\(BusTransport.hostName())-\(getpid())"
        self.heartbeat = heartbeat
        self.ttl = ttl
        self.maximumConcurrentRounds = max(1, maximumConcurrentRounds)
        self.logger = logger
        self.client = RedisClient(
            url: url, name: "teamchat-bridge-\(self.bridgeID)",
            channels: [BusNames.requestChannel(team: url.team, bridge: self.bridgeID)], logger: logger)
        self.inboxClient = RedisClient(url: url, name: "teamchat-bridge-\(self.bridgeID)-inbox", logger: logger)
    }

    /// Exchanges answered so far (for reports and tests).
    public var exchangesAnswered: Int { counters.withLockedValue { $0.answered } }

    /// Requests (and posted rounds) dropped so far: unsigned, forged, stale, replayed, or naming a reply channel
    /// outside the team's.
    public var rejectedRequests: Int { counters.withLockedValue { $0.rejected } }

    /// The presence this bridge announces.
    public var presence: BusPresence {
        BusPresence(
            bridge: bridgeID, host: BusTransport.hostName(),
            members: team.map { BusPresence.Member(id: $0.id, model: $0.model) })
    }

    // MARK: Service

    /// Runs until a graceful shutdown or cancellation; then withdraws the presence.
    public func run() async {
        let key = BusNames.presenceKey(team: url.team, bridge: bridgeID)
        let announcement = signer.seal(presence.json)
        let requests = BusNames.requestChannel(team: url.team, bridge: bridgeID)
        logger.info(
            "bridge up",
            metadata: [
                "bus": "\(url)", "bridge": "\(bridgeID)", "specialists": "\(team.count)",
                "authenticated": "\(signer.isAuthenticated)",
            ])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.client.run() }
                group.addTask { await self.inboxClient.run() }
                group.addTask { await self.readInbox() }
                group.addTask {
                    // The heartbeat: the presence set with its TTL, renewed; after a reconnection it is back at once.
                    // Its reply may queue behind a burst of answers on the same connection: a command's deadline
                    // closes the connection, so this one is generous (a Redis server that stopped is still found
                    // out, by the requests' own deadlines).
                    while !Task.isCancelled {
                        _ = try? await self.client.send(
                            RESPCommand([Array("SET".utf8), Array(key.utf8), announcement, Array("PX".utf8),
                                         Array(String(Int(self.ttl.milliseconds)).utf8)]),
                            timeout: max(self.ttl, .seconds(2)))
                        try? await Task.sleep(for: self.heartbeat)
                    }
                }
                group.addTask {
                    await withTaskGroup(of: Void.self) { rounds in
                        var running = 0
                        for await message in self.client.messages where message.channel == requests {
                            guard let request = self.admit(message.payload) else { continue }
                            // At most so many rounds at once: the next request is read when one ends.
                            if running == self.maximumConcurrentRounds {
                                await rounds.next()
                                running -= 1
                            }
                            running += 1
                            rounds.addTask { await self.answer(request) }
                        }
                    }
                }
                // Every child runs until this task is cancelled.
                await group.waitForAll()
            }
        }
        // Withdrawn on a clean stop (a killed bridge's presence expires with its TTL instead).
        if let connection = try? await RedisConnection.connect(to: url, timeout: .seconds(1)) {
            _ = try? await connection.send(RESPCommand("DEL", key), timeout: .seconds(1))
            await connection.close()
        }
        logger.info("bridge down", metadata: ["answered": "\(exchangesAnswered)", "rejected": "\(rejectedRequests)"])
    }

    // MARK: Requests

    /// The request `payload` holds, if this bridge answers it: authentic (with a secret), fresh, new, and naming
    /// a reply channel of this team. Anything else is counted and dropped.
    private func admit(_ payload: [UInt8]) -> BusRequest? {
        let now = Int64((SystemWallClock().now.secondsSince1970 * 1_000).rounded())
        let refusal: String?
        var admitted: BusRequest?
        switch signer.open(payload) {
        case .rejected(let why):
            refusal = why
        case .accepted(let json):
            if let request = BusRequest.decode(json) {
                refusal = refusalReason(request, now: now)
                if refusal == nil { admitted = request }
            } else {
                refusal = "not a request"
            }
        }
        guard let refusal else { return admitted }
        let count = counters.withLockedValue { counters in
            counters.rejected += 1
            return counters.rejected
        }
        // Said for the first and then every power of two, so that a flood cannot fill the log.
        if count & (count - 1) == 0 {
            logger.warning("request dropped", metadata: ["why": "\(refusal)", "dropped_so_far": "\(count)"])
        }
        return nil
    }

    private func refusalReason(_ request: BusRequest, now: Int64) -> String? {
        guard request.replyTo.hasPrefix(BusNames.replyPrefix(team: url.team)) else {
            return "its reply channel is not one of the team's"
        }
        let tolerance = Int64(Self.clockTolerance.milliseconds)
        let maximumAge = Int64(request.timeout.milliseconds) + tolerance
        if now - request.sentMilliseconds > maximumAge { return "too old (a replay?)" }
        if request.sentMilliseconds - now > tolerance { return "from the future" }
        // A round may come in parts (its exchanges published as the client's event loop took them): a part is
        // the round and whom it names.
        let part = request.round + "\u{0}" + request.to.joined(separator: "\u{0}")
        let fresh = counters.withLockedValue { counters -> Bool in
            if counters.seen.count > 10_000 { counters.seen = counters.seen.filter { $0.value > now } }
            guard counters.seen[part] == nil else { return false }
            counters.seen[part] = request.sentMilliseconds + maximumAge + tolerance
            return true
        }
        return fresh ? nil : "seen before (a replay)"
    }

    private func answer(_ request: BusRequest) async {
        let wanted = Set(request.to)
        let mine = team.filter { wanted.contains($0.id) }
        guard !mine.isEmpty else { return }
        let options = roundOptions(timeout: request.timeout, maximumReplyBytes: request.maximumReplyBytes)
        let streaming = if case .chat(let chat) = request.request { chat.stream } else { false }
        // Each answer published the moment it arrives, without waiting for the previous publish's reply: the
        // connection pipelines them, in order.
        await withTaskGroup(of: Void.self) { publishes in
            for await event in session.round(request.request, to: mine, options: options) {
                switch event {
                case .chunk where streaming, .outcome:
                    counters.withLockedValue { if case .outcome = event { $0.answered += 1 } }
                    let reply = signer.seal(BusReply.encode(event, round: request.round, channel: request.replyTo))
                    let command = RESPCommand([Array("PUBLISH".utf8), Array(request.replyTo.utf8), reply])
                    publishes.addTask { _ = try? await self.client.send(command, timeout: request.timeout) }
                default:
                    continue
                }
            }
        }
    }

    /// A round for a requester: its reply timeout (the session's when it gave none), every answer awaited (the
    /// requester keeps its own deadline and quorum).
    private func roundOptions(timeout: Duration?, maximumReplyBytes: Int?) -> RoundOptions {
        var options = session.configuration.probeOptions
        options.timeout = timeout ?? options.timeout
        options.deadline = nil
        options.quorum = nil
        options.finishAtQuorum = false
        if let maximumReplyBytes { options.maximumReplyBytes = maximumReplyBytes }
        return options
    }

    // MARK: Posted rounds (send --async)

    /// Reads the team's inbox in this bridge's own consumer group and answers what names its specialists. The group
    /// is made once, at the start of the stream (a bridge new to the team answers whatever is still within its
    /// TTL); after that Redis remembers how far it got, also while the bridge is down.
    private func readInbox() async {
        let inbox = BusNames.inbox(team: url.team)
        var created = false
        var ownPendingFirst = true  // entries read before a crash but never acknowledged
        await withTaskGroup(of: Void.self) { answers in
            while !Task.isCancelled {
                if !created {
                    do {
                        try await inboxClient.send(RESPCommand("XGROUP", "CREATE", inbox, bridgeID, "0", "MKSTREAM"))
                        created = true
                    } catch let error as RedisError where "\(error)".contains("BUSYGROUP") {
                        created = true
                    } catch {
                        try? await Task.sleep(for: .milliseconds(200))
                        continue
                    }
                }
                let from = ownPendingFirst ? "0" : ">"
                // The server blocks for up to 500 ms: the reply's own deadline is that and a margin.
                guard let reply = try? await inboxClient.send(
                    RESPCommand("XREADGROUP", "GROUP", bridgeID, bridgeID, "COUNT", "16", "BLOCK", "500", "STREAMS",
                                inbox, from),
                    timeout: .seconds(3))
                else {
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                ownPendingFirst = false
                for (id, fields) in BusMailbox.entries(reply) {
                    answers.addTask { await self.answerPosted(id: id, fields: fields, inbox: inbox) }
                }
            }
        }
    }

    /// Answers one posted round (if its body checks out, it is still within its TTL and names someone here) into
    /// its answers stream, then acknowledges it; anything else is acknowledged at once.
    private func answerPosted(id: String, fields: [String: [UInt8]], inbox: String) async {
        let acknowledge = RESPCommand("XACK", inbox, bridgeID, id)
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        guard let sealed = fields["body"], case .accepted(let json) = signer.open(sealed),
            let posted = BusPosted.decode(json)
        else {
            counters.withLockedValue { $0.rejected += 1 }
            _ = try? await client.send(acknowledge)
            return
        }
        let mine = team.filter { posted.to.contains($0.id) }
        guard posted.expiresMilliseconds > now, !mine.isEmpty else {
            _ = try? await client.send(acknowledge)
            return
        }
        let options = roundOptions(timeout: posted.timeout, maximumReplyBytes: nil)
        let answers = BusNames.answers(team: url.team, round: posted.round)
        let keep = String(max(1, posted.expiresMilliseconds - now) + 3_600_000)
        for await event in session.round(.chat(posted.message), to: mine, options: options) {
            guard case .outcome = event else { continue }
            counters.withLockedValue { $0.answered += 1 }
            let reply = signer.seal(BusReply.encode(event, round: posted.round, channel: answers))
            _ = try? await client.send(RESPCommand(
                [Array("XADD".utf8), Array(answers.utf8), Array("*".utf8), Array("event".utf8), reply]))
        }
        _ = try? await client.send(RESPCommand("PEXPIRE", answers, keep))
        _ = try? await client.send(acknowledge)
    }
}
