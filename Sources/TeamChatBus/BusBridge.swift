import NIOConcurrencyHelpers
import TeamChatEngine
import TeamChatRESP
import TeamChatSession
import TeamChatRedis

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
/// bridge dies, and is deleted when it stops), listens on the team's request channel, and answers every round that
/// names its specialists — each round concurrently, under the requester's reply timeout, each answer published on
/// the requester's reply channel the moment it arrives (chunks too, when the round streams). Requests for nobody
/// it fronts are ignored.
public final class BusBridge: Sendable {
    public let url: RedisURL
    public let bridgeID: String
    private let session: TeamSession
    private let team: [Specialist]
    private let heartbeat: Duration
    private let ttl: Duration
    private let client: RedisClient
    /// A second connection for the inbox: a blocking stream read holds its connection while it waits.
    private let inboxClient: RedisClient
    private let answered = NIOLockedValueBox(0)

    /// - Parameters:
    ///   - team: the specialists to front (already resolved through `session`).
    ///   - heartbeat: how often the presence is renewed; it expires after `ttl` without one.
    public init(
        url: RedisURL, session: TeamSession, team: [Specialist], bridgeID: String? = nil,
        heartbeat: Duration = .seconds(1), ttl: Duration = .seconds(3)
    ) {
        self.url = url
        self.session = session
        self.team = team
        self.bridgeID = bridgeID ?? "\(BusTransport.hostName())-\(getpid())"
        self.heartbeat = heartbeat
        self.ttl = ttl
        self.client = RedisClient(
            url: url, name: "teamchat-bridge-\(self.bridgeID)", channels: [BusNames.requestChannel(team: url.team)])
        self.inboxClient = RedisClient(url: url, name: "teamchat-bridge-\(self.bridgeID)-inbox")
    }

    /// Exchanges answered so far (for reports and tests).
    public var exchangesAnswered: Int { answered.withLockedValue { $0 } }

    /// The presence this bridge announces.
    public var presence: BusPresence {
        BusPresence(
            bridge: bridgeID, host: BusTransport.hostName(),
            members: team.map { BusPresence.Member(id: $0.id, model: $0.model) })
    }

    /// Runs until cancelled; then withdraws the presence.
    public func run() async {
        let key = BusNames.presenceKey(team: url.team, bridge: bridgeID)
        let announcement = presence.json
        let requests = BusNames.requestChannel(team: url.team)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.inboxClient.run() }
            group.addTask { await self.readInbox() }
            group.addTask {
                // The heartbeat: the presence set with its TTL, renewed; after a reconnection it is back at once.
                while !Task.isCancelled {
                    _ = try? await self.client.send(
                        RESPCommand([Array("SET".utf8), Array(key.utf8), announcement, Array("PX".utf8),
                                     Array(String(Int(self.ttl.milliseconds)).utf8)]),
                        timeout: self.heartbeat)
                    try? await Task.sleep(for: self.heartbeat)
                }
            }
            group.addTask {
                await withTaskGroup(of: Void.self) { rounds in
                    for await message in self.client.messages where message.channel == requests {
                        guard let request = BusRequest.decode(message.payload) else { continue }
                        rounds.addTask { await self.answer(request) }
                    }
                }
            }
            // Every child runs until this task is cancelled.
            await group.waitForAll()
        }
        // Withdrawn on a clean stop (a killed bridge's presence expires with its TTL instead).
        if let connection = try? await RedisConnection.connect(to: url, timeout: .seconds(1)) {
            _ = try? await connection.send(RESPCommand("DEL", key))
            await connection.close()
        }
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
                    answered.withLockedValue { if case .outcome = event { $0 += 1 } }
                    let command = RESPCommand(
                        [Array("PUBLISH".utf8), Array(request.replyTo.utf8), BusReply.encode(event, round: request.round)])
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

    /// Answers one posted round (if it is still within its TTL and names someone here) into its answers stream,
    /// then acknowledges it; anything else is acknowledged at once.
    private func answerPosted(id: String, fields: [String: [UInt8]], inbox: String) async {
        func text(_ key: String) -> String? { fields[key].map { String(decoding: $0, as: UTF8.self) } }
        let acknowledge = RESPCommand("XACK", inbox, bridgeID, id)
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        guard let round = text("round"), let message = text("message"), let expires = text("expires_ms").flatMap(Int64.init),
            expires > now
        else {
            _ = try? await client.send(acknowledge)
            return
        }
        let wanted = Set(BusMailbox.ids(text("to") ?? ""))
        let mine = team.filter { wanted.contains($0.id) }
        guard !mine.isEmpty else {
            _ = try? await client.send(acknowledge)
            return
        }
        let timeout = text("timeout_ms").flatMap(Double.init).flatMap { Duration(checkedSeconds: $0 / 1_000) }
        let options = roundOptions(timeout: timeout, maximumReplyBytes: nil)
        let answers = BusNames.answers(team: url.team, round: round)
        let keep = String(max(1, expires - now) + 3_600_000)
        for await event in session.round(.chat(message), to: mine, options: options) {
            guard case .outcome = event else { continue }
            answered.withLockedValue { $0 += 1 }
            _ = try? await client.send(RESPCommand(
                [Array("XADD".utf8), Array(answers.utf8), Array("*".utf8), Array("event".utf8),
                 BusReply.encode(event, round: round)]))
        }
        _ = try? await client.send(RESPCommand("PEXPIRE", answers, keep))
        _ = try? await client.send(acknowledge)
    }
}
