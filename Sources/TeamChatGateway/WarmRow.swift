import TeamChatEngine
import TeamChatJSON
import TeamChatModel

/// What `warm` reports of one specialist — connections opened and how long the slowest took, the ping on a warm
/// connection, or why it is not warm — in the form both a gateway and a direct `warm` print from, so that their
/// output is the same. Its JSON is `warm --json`'s line:
/// `{"type":"warm","specialist_id":"…","success":true,"connections":1,"connect_ms":0.4,"ping_ms":0.1}`.
public struct WarmRow: Sendable, Hashable {
    public var specialistID: String
    /// Connections open to it now (opened by this warm, or already there).
    public var connections: Int
    /// The slowest connect this warm made; `nil` when every connection was already open.
    public var connect: Duration?
    /// The ping's time to its reply.
    public var ping: Duration?
    public var error: ExchangeError?

    public init(specialistID: String, connections: Int, connect: Duration?, ping: Duration?, error: ExchangeError?) {
        self.specialistID = specialistID
        self.connections = connections
        self.connect = connect
        self.ping = ping
        self.error = error
    }

    /// From what the pool and the ping round reported.
    public init(specialistID: String, prewarm: PrewarmResult, ping: SpecialistOutcome?) {
        self.init(
            specialistID: specialistID,
            connections: prewarm.connectDurations.count + prewarm.alreadyOpen,
            connect: prewarm.connectDurations.max(),
            ping: ping?.firstByte,
            error: prewarm.error ?? ping?.error ?? (ping == nil ? ExchangeError(.cancelled, "not pinged") : nil))
    }

    public var isWarm: Bool { error == nil }

    public var json: JSONObjectWriter {
        var line = JSONObjectWriter(type: "warm")
        line.add("specialist_id", specialistID)
        line.add("success", isWarm)
        line.add("connections", connections)
        line.add("connect_ms", connect.map(RoundEventCodec.milliseconds))
        line.add("ping_ms", ping.map(RoundEventCodec.milliseconds))
        line.add("error", error?.message)
        line.add("error_kind", error?.kind.rawValue)
        line.add("status", error?.status)
        return line
    }

    /// Reads a line written by ``json``; `nil` for anything else.
    public static func decode(_ bytes: [UInt8]) -> WarmRow? {
        guard let members = try? bytes.withUnsafeBytes({ try JSONObjectReader.members(of: $0) }) else { return nil }
        let fields = JSONFields(Dictionary(members, uniquingKeysWith: { _, last in last }))
        guard (try? fields.optionalString("type")) == "warm", let id = try? fields.string("specialist_id"),
            let connections = try? fields.integer("connections", in: 0...1_000_000)
        else { return nil }
        func duration(_ key: String) -> Duration? {
            (try? fields.optionalNumber(key, in: 0...86_400_000)).flatMap { $0 }.flatMap { Duration(checkedSeconds: $0 / 1_000) }
        }
        var error: ExchangeError?
        if let message = try? fields.optionalString("error"), let kind = (try? fields.optionalString("error_kind")).flatMap({ $0 }) {
            error = ExchangeError(
                ExchangeError.Kind(rawValue: kind) ?? .protocolError, message,
                status: (try? fields.optionalInteger("status", in: 100...999)).flatMap { $0 })
        }
        return WarmRow(specialistID: id, connections: connections, connect: duration("connect_ms"), ping: duration("ping_ms"), error: error)
    }
}
