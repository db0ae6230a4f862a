import TeamChatBusWire
import TeamChatJSON
import TeamChatModel
import TeamChatRESP
import TeamChatRedis

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Asynchronous rounds on Redis Streams (`send --async`, `teamchat collect`): a round is posted on the team's inbox
/// with who is expected; bridges answer it when they read it (also after coming back from being down, while it is
/// within its TTL) into the round's answers stream; collecting reads them, and may wait for the rest.
public enum BusMailbox {
    /// A posted round, as its record says.
    public struct Posted: Sendable, Hashable {
        public var round: String
        public var expected: [String]
        public var message: String
    }

    /// What a collection found: the answers so far (one outcome per specialist), and who is still missing.
    public struct Collected: Sendable {
        public var posted: Posted
        public var outcomes: [SpecialistOutcome]
        public var missing: [String]
    }

    /// Posts `message` for `expected`; returns the round id. The round's record and its inbox entry carry one body,
    /// signed with the team secret when there is one (``BusSigner``): bridges answer only a body whose code checks
    /// out, and `collect` believes only answers whose code does.
    public static func post(
        on connection: RedisConnection, team: String, message: String, expected: [String], timeout: Duration,
        ttl: Duration, signer: BusSigner
    ) async throws -> String {
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let round = "\(now)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let posted = BusPosted(
            round: round, to: expected, message: message, timeout: timeout,
            expiresMilliseconds: now + Int64(ttl.milliseconds))
        let body = signer.seal(posted.json)
        let keep = Int64((ttl + .seconds(3_600)).milliseconds)
        let record = BusNames.asyncRecord(team: team, round: round)
        try await connection.send(RESPCommand([Array("HSET".utf8), Array(record.utf8), Array("body".utf8), body]))
        try await connection.send(RESPCommand("PEXPIRE", record, String(keep)))
        try await connection.send(RESPCommand([
            Array("XADD".utf8), Array(BusNames.inbox(team: team).utf8), Array("MAXLEN".utf8), Array("~".utf8),
            Array("10000".utf8), Array("*".utf8), Array("round".utf8), Array(round.utf8), Array("body".utf8), body,
        ]))
        return round
    }

    /// The answers of `round` so far; with `wait`, waits up to that long for the missing ones. Answers (and a
    /// record) whose code does not check out are ignored.
    public static func collect(
        on connection: RedisConnection, team: String, round: String, wait: Duration = .zero, signer: BusSigner
    ) async throws -> Collected? {
        let record = try await connection.send(RESPCommand("HGET", BusNames.asyncRecord(team: team, round: round), "body"))
        guard case .bulkString(let sealed?) = record, case .accepted(let json) = signer.open(sealed),
            let body = BusPosted.decode(json), body.round == round
        else { return nil }
        let expected = body.to
        let posted = Posted(round: round, expected: expected, message: body.message)
        let stream = BusNames.answers(team: team, round: round)
        var outcomes: [String: SpecialistOutcome] = [:]
        var last = "0"
        func read(_ reply: RESPValue) {
            for (id, fields) in entries(reply) {
                last = id
                guard let bytes = fields["event"], case .accepted(let json) = signer.open(bytes),
                    let (answered, channel, event) = BusReply.decode(json), answered == round, channel == stream,
                    case .outcome(let outcome) = event, expected.contains(outcome.specialistID)
                else { continue }
                outcomes[outcome.specialistID] = outcome
            }
        }
        read(try await connection.send(RESPCommand("XRANGE", stream, "-", "+")))
        let giveUp = ContinuousClock.now + wait
        while Set(expected).subtracting(outcomes.keys).count > 0 {
            let left = ContinuousClock.now.duration(to: giveUp)
            guard left > .milliseconds(1) else { break }
            // The server blocks for up to `left`: the reply's own deadline is that and a margin.
            read(try await connection.send(
                RESPCommand("XREAD", "BLOCK", String(max(1, Int64(left.milliseconds))), "STREAMS", stream, last),
                timeout: left + .seconds(2)))
        }
        return Collected(
            posted: posted, outcomes: expected.compactMap { outcomes[$0] },
            missing: expected.filter { outcomes[$0] == nil })
    }

    /// The ids of a `{"to":[…]}` list (records and inbox entries carry them so).
    static func ids(_ json: String) -> [String] {
        guard case .array(let values)? = jsonObject(Array(json.utf8))?["to"] else { return [] }
        return values.compactMap { if case .string(let id) = $0 { id } else { nil } }
    }

    /// The entries of an XRANGE reply, or of an XREAD/XREADGROUP reply (RESP3: a map of stream → entries; RESP2: a
    /// list of [stream, entries]), each with its fields.
    public static func entries(_ reply: RESPValue) -> [(id: String, fields: [String: [UInt8]])] {
        var lists: [RESPValue] = []
        switch reply {
        case .map:
            lists = (reply.pairs ?? []).map(\.value)
        case .array(let items) where items.first?.elements?.first?.string?.hasPrefix("teamchat:") == true:
            lists = items.compactMap { $0.elements?.last }
        case .array:
            lists = [reply]
        default:
            return []
        }
        var result: [(id: String, fields: [String: [UInt8]])] = []
        for list in lists {
            for entry in list.elements ?? [] {
                guard let parts = entry.elements, parts.count == 2, let id = parts[0].string else { continue }
                let flat = parts[1].elements ?? parts[1].pairs?.flatMap { [$0.key, $0.value] } ?? []
                var fields: [String: [UInt8]] = [:]
                for index in stride(from: 0, to: flat.count - 1, by: 2) {
                    guard let key = flat[index].string, case .bulkString(let value?) = flat[index + 1] else { continue }
                    fields[key] = value
                }
                result.append((id, fields))
            }
        }
        return result
    }
}
