import TeamChatModel

/// The bus's message authentication (DESIGN §8): with a team secret, every message a node puts on the bus — a
/// request, a reply, a presence, a posted round — carries an HMAC-SHA256 of its exact bytes, and a node with the
/// secret accepts only messages whose code it can recompute. The JSON a code covers names the round and the reply
/// channel, so a forged reply, a reply moved to another client's channel, or a request whose reply channel was
/// changed is dropped (and counted).
///
/// The secret comes from the environment (`TEAMCHAT_BUS_SECRET`), never from the command line, where `ps` shows
/// it. Without one the bus works as before on a Redis server the team trusts, and says so once.
///
/// On the wire a signed message is `tcmac1:<64 hex digits>:<JSON>`; an unsigned one is the JSON alone.
public struct BusSigner: Sendable {
    /// What a received message turned out to be.
    public enum Opened: Sendable, Hashable {
        /// The JSON, authentic (or taken as it is, when this node has no secret).
        case accepted([UInt8])
        /// Dropped: unsigned, forged, or not a bus message at all.
        case rejected(String)
    }

    private let key: [UInt8]?

    /// The environment variable the team secret is read from.
    public static let secretVariable = "TEAMCHAT_BUS_SECRET"

    private static let prefix = Array("tcmac1:".utf8)
    private static let codeLength = 64

    /// - Parameter secret: the team secret; `nil` or empty: unauthenticated.
    public init(secret: String?) {
        key = secret.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    /// The signer the environment asks for.
    public init(environment: [String: String]) {
        self.init(secret: environment[Self.secretVariable])
    }

    /// Whether messages are signed and checked.
    public var isAuthenticated: Bool { key != nil }

    /// `json` as it goes on the bus: signed when there is a secret.
    public func seal(_ json: [UInt8]) -> [UInt8] {
        guard let key else { return json }
        let code = HMACSHA256.authenticationCode(for: json, key: key)
        return Self.prefix + Array(SHA256.hex(code).utf8) + [UInt8(ascii: ":")] + json
    }

    /// The JSON of a message from the bus, if this node accepts it.
    public func open(_ payload: [UInt8]) -> Opened {
        let signed = payload.starts(with: Self.prefix)
        guard signed else {
            return key == nil ? .accepted(payload) : .rejected("unsigned")
        }
        let codeStart = Self.prefix.count
        let codeEnd = codeStart + Self.codeLength
        guard payload.count > codeEnd, payload[codeEnd] == UInt8(ascii: ":") else { return .rejected("malformed") }
        let json = Array(payload[(codeEnd + 1)...])
        // A node without the secret cannot check the code: it takes the message as an unauthenticated node would.
        guard let key else { return .accepted(json) }
        let expected = Array(SHA256.hex(HMACSHA256.authenticationCode(for: json, key: key)).utf8)
        guard Self.equal(Array(payload[codeStart..<codeEnd]), expected) else { return .rejected("forged") }
        return .accepted(json)
    }


    /// Compares in time that depends only on the lengths, so that a forger learns nothing from how long a refusal
    /// took.
    private static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
